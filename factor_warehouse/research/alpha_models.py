"""The article's multi-factor models of alpha_rank (LinearRegression and SGDRegressor on
the top-k factors, Lasso, Ridge, Elastic Net) fitted on one `Design`: filling, top-k
selection and penalty choice all see only the rows being fitted. `model_coefficients` is
one model's rows of the in-sample table."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from factor_warehouse.research.design_matrix import Filler
from factor_warehouse.research.f_scores import top_k_positions
from factor_warehouse.research.penalty_selection import choose_penalty, penalized_estimator

MODELS = ("linear_topk", "sgd_topk", "lasso", "ridge", "elastic_net")
TOP_K_MODELS = ("linear_topk", "sgd_topk")
INTERCEPT = "(intercept)"
MULTI_FACTOR_TARGET = "alpha_rank"


@dataclass(frozen=True)
class FittedModel:
    """A model fitted on some rows, with the training means used to fill its inputs."""

    model: str
    filler: Filler
    positions: np.ndarray  # filler columns fed to the estimator, in order
    estimator: object
    n_rows: int
    penalty: float | None = None
    l1_ratio: float | None = None
    cross_validation: str | None = None

    @property
    def factors(self):
        return [self.filler.columns[i] for i in self.positions]

    def predict(self, ranks):
        return self.estimator.predict(self.filler.transform(ranks)[:, self.positions])

    @property
    def converged(self):
        """False when an iterative solver (SGD, coordinate descent) stopped at max_iter."""
        iterations, limit = getattr(self.estimator, "n_iter_", None), getattr(self.estimator, "max_iter", None)
        return iterations is None or limit is None or iterations < limit

    def coefficients(self):
        coefficient = np.concatenate([np.atleast_1d(self.estimator.intercept_), self.estimator.coef_])
        factors = [INTERCEPT, *self.factors]
        return pd.DataFrame(
            {
                "model": self.model,
                "target": MULTI_FACTOR_TARGET,
                "factor": pd.Series(factors, dtype=object),
                "is_intercept": [True] + [False] * len(self.positions),
                "coefficient": coefficient.astype("float64"),
                "n_rows": self.n_rows,
                "penalty": self.penalty,
                "l1_ratio": self.l1_ratio,
                "cross_validation": self.cross_validation,
                "converged": self.converged,
            }
        )


def fit_alpha_model(model, design, settings):
    """Fit one of MODELS on `design` alone: filling, selection and penalty included."""
    from sklearn.linear_model import LinearRegression, SGDRegressor
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {MODELS}")
    filler = Filler.fit(design.ranks)
    matrix = filler.transform(design.ranks)
    if model in TOP_K_MODELS:
        positions = top_k_positions(matrix, design.alpha, filler.columns, settings.top_k)
        if model == "linear_topk":
            estimator = LinearRegression()
        else:
            estimator = SGDRegressor(
                max_iter=settings.sgd_max_iter,
                tol=settings.sgd_tol,
                penalty=None,
                eta0=settings.sgd_eta0,
                n_iter_no_change=settings.sgd_n_iter_no_change,
                random_state=settings.sgd_random_state,
            )
        estimator.fit(matrix[:, positions], design.alpha_rank)
        return FittedModel(model, filler, positions, estimator, len(design.alpha_rank))
    penalty, l1_ratio, description = choose_penalty(model, design, settings)
    estimator = penalized_estimator(model, penalty, l1_ratio, settings).fit(matrix, design.alpha_rank)
    positions = np.arange(len(filler.columns))
    return FittedModel(model, filler, positions, estimator, len(design.alpha_rank), penalty, l1_ratio, description)


def model_coefficients(design, settings, model):
    """In-sample coefficients of one model, the intercept as its own row."""
    return fit_alpha_model(model, design, settings).coefficients()

