"""Gibbons, Ross and Shanken (1989): the test that the alphas of N portfolios against a model of
L factor returns are jointly zero, over T periods,

    F = (T / N) ((T - N - L) / (T - L - 1)) a' S^-1 a / (1 + m' W^-1 m)  ~  F(N, T - N - L),

a the N time-series intercepts, S the residual covariance (divided by T - L - 1), m the factors'
means and W their sample covariance (divided by T - 1), as the R package GRS.test writes it.
The periods are those where every portfolio and every factor has a value.
"""

import numpy as np
import pandas as pd

from factor_warehouse.research.factor_models import model_matrices

COLUMNS = ["n_portfolios", "n_periods", "n_regressors", "grs_f", "grs_p_value", "statistics_note"]


def grs_test(returns, factors):
    """(F, p) of the GRS test of the T x N `returns` on the T x L `factors`."""
    from scipy import stats
    periods, count = returns.shape
    regressors = factors.shape[1]
    design = np.column_stack([np.ones(periods), factors])
    coefficients, *_ = np.linalg.lstsq(design, returns, rcond=None)
    residuals = returns - design @ coefficients
    alphas = coefficients[0]
    sigma = residuals.T @ residuals / (periods - regressors - 1)
    means = factors.mean(axis=0)
    omega = np.atleast_2d(np.cov(factors, rowvar=False))
    statistic = (periods / count) * ((periods - count - regressors) / (periods - regressors - 1)) \
        * (alphas @ np.linalg.solve(sigma, alphas)) / (1.0 + means @ np.linalg.solve(omega, means))
    return statistic, stats.f.sf(statistic, count, periods - count - regressors)


def one_test(portfolios, regressors):
    """The GRS row of one factor's portfolios (DataFrame indexed by period, a column each) on one model."""
    joined = portfolios.join(regressors, how="inner").dropna().sort_index()
    count, used = portfolios.shape[1], regressors.shape[1]
    row = {"n_portfolios": count, "n_periods": len(joined), "n_regressors": used, "grs_f": np.nan,
           "grs_p_value": np.nan, "statistics_note": None}
    if len(joined) < count + used + 1:
        row["statistics_note"] = (f"grs_f needs more periods with every portfolio and regressor than portfolios plus "
                                  f"regressors ({count} + {used}); there are {len(joined)}")
        return row
    y, x = joined[portfolios.columns].to_numpy(dtype="float64"), joined[regressors.columns].to_numpy(dtype="float64")
    try:
        row["grs_f"], row["grs_p_value"] = grs_test(y, x)
    except np.linalg.LinAlgError:
        row["statistics_note"] = "grs_f: the residual or factor covariance is singular (a portfolio or regressor is redundant)"
    return row


def factor_grs(portfolios, model_returns, keys=("factor",)):
    """One row per (model, keys) of `portfolios` (columns keys, portfolio, period, value: each
    portfolio's return series) and `model_returns` (model, regressor, period, value)."""
    keys = list(keys)
    matrices = model_matrices(model_returns)
    rows = []
    for key, frame in portfolios.groupby(keys, sort=True):
        wide = frame.pivot(index="period", columns="portfolio", values="value").sort_index(axis=1)
        wide.columns = [f"portfolio {column}" for column in wide.columns]
        for model, regressors in matrices.items():
            rows.append({"model": model, **dict(zip(keys, key)), **one_test(wide, regressors)})
    frame = pd.DataFrame(rows, columns=["model", *keys, *COLUMNS])
    frame["statistics_note"] = frame["statistics_note"].astype("string")  # text even when every note is null
    return frame
