"""The article's learning curve: LinearRegression on the top-k factors, train and
validation RMSE by training-set size."""

import numpy as np
import pandas as pd

from factor_warehouse.research.alpha_models import MULTI_FACTOR_TARGET
from factor_warehouse.research.blas_threads import one_blas_thread
from factor_warehouse.research.design_matrix import Filler
from factor_warehouse.research.f_scores import top_k_positions


@one_blas_thread
def alpha_learning_curve(design, settings):
    """The article's learning_curve(LinearRegression(), X, y, train_sizes=np.linspace(0.01,
    1.0, 40), cv=5, scoring="neg_root_mean_squared_error") on the in-sample top-k design.
    The folds are consecutive blocks of the design's rows (ordered by period, stock_id), so
    they roughly follow the periods."""
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import learning_curve
    filler = Filler.fit(design.ranks)
    matrix = filler.transform(design.ranks)
    positions = top_k_positions(matrix, design.alpha, filler.columns, settings.top_k)
    train_fractions = np.linspace(0.01, 1.0, settings.learning_curve_sizes)
    sizes, train_scores, validation_scores = learning_curve(
        LinearRegression(),
        matrix[:, positions],
        design.alpha_rank,
        train_sizes=train_fractions,
        cv=settings.learning_curve_folds,
        scoring="neg_root_mean_squared_error",
    )
    return pd.DataFrame(
        {
            "model": "linear_topk",
            "target": MULTI_FACTOR_TARGET,
            "train_size": sizes.astype("int64"),
            "train_rmse": -train_scores.mean(axis=1),
            "validation_rmse": -validation_scores.mean(axis=1),
            "train_rmse_std": train_scores.std(axis=1),
            "validation_rmse_std": validation_scores.std(axis=1),
            "n_folds": settings.learning_curve_folds,
        }
    )
