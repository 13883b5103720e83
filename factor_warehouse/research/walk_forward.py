"""Predictions of alpha_rank by every model: in-sample (the article) and walk-forward.

Walk-forward refits once per year of periods on an expanding window: every period of year
Y is predicted by models fitted on all periods of the years before Y, and on nothing of Y
itself. For yearly data (one period per year) that is: each fiscal year predicted by models
fitted on the fiscal years before it."""

import numpy as np
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


@one_blas_thread
def alpha_predictions(design, settings, models=MODELS):
    """In-sample predictions (the article: fitted on every row, predicting the same rows) and
    walk-forward ones: for each year Y of periods after the first, every step (filling, top-k
    selection, penalty choice, fit) sees only the periods of the years before Y, then predicts
    every period of Y. One refit per model and year; a single year gives no walk-forward rows."""
    years = design.period_years
    frames = []
    for model in models:
        fitted = fit_alpha_model(model, design, settings)
        frames.append(prediction_frame(model, "in_sample", design, fitted.predict(design.ranks), years))
        for test_year in np.unique(years)[1:]:
            train, test = design.subset(years < test_year), design.subset(years == test_year)
            fitted = fit_alpha_model(model, train, settings)
            frames.append(prediction_frame(model, "walk_forward", test, fitted.predict(test.ranks), years[years < test_year]))
    return pd.concat(frames, ignore_index=True)
