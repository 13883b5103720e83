"""Predictions of alpha_rank by every model: in-sample (the article) and walk-forward
(each fiscal year predicted by models fitted on the years before it only)."""

import numpy as np
import pandas as pd

from factor_warehouse.research.alpha_models import MODELS, MULTI_FACTOR_TARGET, fit_alpha_model
from factor_warehouse.research.blas_threads import one_blas_thread


def prediction_frame(model, evaluation, design, predicted, train_years):
    return pd.DataFrame(
        {
            "model": model,
            "evaluation": evaluation,
            "ticker": design.keys["ticker"].to_numpy(dtype=object),
            "fiscal_year": design.keys["fiscal_year"].to_numpy(dtype="int64"),
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
    """In-sample predictions (the article) and walk-forward ones: for each fiscal year t
    after the first, every step (filling, top-k selection, penalty choice, fit) sees only
    the years before t, then predicts t. One fiscal year only gives no walk-forward rows."""
    years = design.fiscal_years
    frames = []
    for model in models:
        fitted = fit_alpha_model(model, design, settings)
        frames.append(prediction_frame(model, "in_sample", design, fitted.predict(design.ranks), years))
        for test_year in np.unique(years)[1:]:
            train, test = design.subset(years < test_year), design.subset(years == test_year)
            fitted = fit_alpha_model(model, train, settings)
            frames.append(prediction_frame(model, "walk_forward", test, fitted.predict(test.ranks), train.fiscal_years))
    return pd.concat(frames, ignore_index=True)
