"""Predictions of alpha_rank by every model: in-sample (the article) and walk-forward.

Walk-forward refits once per year of periods on an expanding window: every period of year
Y is predicted by models fitted on all periods of the years before Y, and on nothing of Y
itself. For yearly data (one period per year) that is: each fiscal year predicted by models
fitted on the fiscal years before it. Each (model, year) refit (`refit_predictions`) is one
unit of the result cache (factor_warehouse.execution.model_units)."""

import pandas as pd

from factor_warehouse.research.alpha_models import MODELS, MULTI_FACTOR_TARGET, fit_alpha_model
from factor_warehouse.research.blas_threads import one_blas_thread
from factor_warehouse.research.design_matrix import as_date_column


def prediction_frame(model, evaluation, design, predicted, train_years):
    """The alpha_predictions rows of `design`'s stock-periods; train_years are the years of
    the periods the predicting model was fitted on."""
    return pd.DataFrame(
        {
            "model": model,
            "evaluation": evaluation,
            "stock_id": design.keys["stock_id"].to_numpy(dtype=object),
            "period": as_date_column(design.keys["period"]),
            "target": MULTI_FACTOR_TARGET,
            "actual": design.alpha_rank,
            "predicted": predicted,
            "alpha": design.alpha,
            "train_first_year": int(train_years.min()),
            "train_last_year": int(train_years.max()),
        }
    )


def refits(years, models=MODELS):
    """(model, test_year) of every fit, for the years of the periods: test_year None is the
    in-sample fit; every year after the first is predicted by a walk-forward refit."""
    later_years = sorted({int(year) for year in years})[1:]
    return [(model, test_year) for model in models for test_year in (None, *later_years)]


def refit_predictions(design, settings, model, test_year):
    """The rows of one fit of `refits`: in sample (test_year None: fitted on every row,
    predicting the same rows), or walk-forward (every step, filling, top-k selection,
    penalty choice and fit, sees only the periods of the years before test_year, then
    predicts every period of test_year)."""
    years = design.period_years
    if test_year is None:
        fitted = fit_alpha_model(model, design, settings)
        return prediction_frame(model, "in_sample", design, fitted.predict(design.ranks), years)
    train, test = design.subset(years < test_year), design.subset(years == test_year)
    fitted = fit_alpha_model(model, train, settings)
    return prediction_frame(model, "walk_forward", test, fitted.predict(test.ranks), years[years < test_year])


@one_blas_thread
def alpha_predictions(design, settings, models=MODELS):
    """In-sample and walk-forward predictions of every model: one refit per model and year
    (`refits`); a single year gives no walk-forward rows."""
    return pd.concat([refit_predictions(design, settings, model, test_year)
                      for model, test_year in refits(design.period_years, models)], ignore_index=True)

