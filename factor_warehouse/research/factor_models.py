"""Alphas against factor models: each return series (a factor's long-short, each of its
portfolios) regressed on a model's factor returns over time,

    r_t = alpha + sum_k beta_k f_kt + e_t,

by least squares, with Newey-West (HAC) standard errors: statsmodels'
`OLS(y, [1, F]).fit(cov_type="HAC", cov_kwds={"maxlags": L})`, Bartlett weights
1 - l / (L + 1), no small-sample correction. Jensen (1968) for the CAPM alpha; Fama and French
(1993) for the time-series regression on factor portfolios.

A series enters a model's regression in the periods where it and every regressor have a value,
in period order (gaps taken as adjacent, as `newey_west`). The regression needs
max(periods_needed(L), K + 2) such periods (K regressors): fewer leave it null, with a note.
"""

import numpy as np
import pandas as pd

from factor_warehouse.research.design_matrix import as_date_column
from factor_warehouse.research.factor_summary import periods_needed
from factor_warehouse.research.multiple_testing import adjusted_p_values

ALPHA_COLUMNS = ["n_periods", "first_period", "last_period", "alpha", "alpha_standard_error", "alpha_nw_t",
                 "alpha_p_value", "r_squared", "newey_west_lags", "regressors", "statistics_note"]
LOADING_COLUMNS = ["regressor", "loading", "standard_error", "nw_t"]


def hac_ols(y, x, lags):
    """Coefficients, Newey-West standard errors and R^2 of y on [1, x] (x: n x K).

    Returns (coefficients, standard_errors, r_squared), the intercept first; standard errors NaN
    where the residuals are all 0."""
    design = np.column_stack([np.ones(len(y)), x])
    inverse = np.linalg.pinv(design.T @ design)
    coefficients = inverse @ design.T @ y
    residuals = y - design @ coefficients
    scores = design * residuals[:, None]
    meat = scores.T @ scores
    for lag in range(1, min(int(lags), len(y) - 1) + 1):
        cross = scores[lag:].T @ scores[:-lag]
        meat += (1.0 - lag / (lags + 1.0)) * (cross + cross.T)
    covariance = inverse @ meat @ inverse
    variance = np.diag(covariance)
    standard_errors = np.where(variance > 0, np.sqrt(np.clip(variance, 0, None)), np.nan)
    centred = y - y.mean()
    total = centred @ centred
    r_squared = 1.0 - residuals @ residuals / total if total > 0 else np.nan
    return coefficients, standard_errors, r_squared


def balanced(series, regressors):
    """The periods where the series and every regressor have a value: (y, X, periods) in period
    order. series: Series indexed by period; regressors: DataFrame indexed by period, a column a regressor."""
    joined = regressors.join(series.rename("__y"), how="inner").dropna().sort_index()
    return joined["__y"].to_numpy(dtype="float64"), joined[list(regressors.columns)].to_numpy(dtype="float64"), \
        joined.index


def one_regression(series, regressors, lags):
    """The alpha row and the loading rows of one series on one model."""
    from scipy import stats
    y, x, periods = balanced(series, regressors)
    names = list(regressors.columns)
    needed = max(periods_needed(lags), len(names) + 2)
    row = {"n_periods": len(y), "first_period": periods.min() if len(y) else pd.NaT,
           "last_period": periods.max() if len(y) else pd.NaT, "newey_west_lags": int(lags),
           "regressors": ", ".join(names), "statistics_note": None}
    if len(y) < needed:
        row["statistics_note"] = (f"alpha, loadings and r_squared need at least {needed} periods with the series "
                                  f"and every regressor (max(3, newey_west_lags + 2, regressors + 2)); "
                                  f"there are {len(y)}")
        return {**row, "alpha": np.nan, "alpha_standard_error": np.nan, "alpha_nw_t": np.nan,
                "alpha_p_value": np.nan, "r_squared": np.nan}, \
            [{"regressor": name, "loading": np.nan, "standard_error": np.nan, "nw_t": np.nan} for name in names]
    coefficients, standard_errors, r_squared = hac_ols(y, x, lags)
    t_values = coefficients / standard_errors
    if not np.isfinite(t_values[0]):
        row["statistics_note"] = "alpha_nw_t: the series is fitted exactly, so its alpha has no standard error"
    degrees = len(y) - len(names) - 1
    return {**row, "alpha": coefficients[0], "alpha_standard_error": standard_errors[0], "alpha_nw_t": t_values[0],
            "alpha_p_value": 2.0 * stats.t.sf(abs(t_values[0]), degrees) if np.isfinite(t_values[0]) else np.nan,
            "r_squared": r_squared}, \
        [{"regressor": name, "loading": coefficients[k + 1], "standard_error": standard_errors[k + 1],
          "nw_t": t_values[k + 1]} for k, name in enumerate(names)]


def model_matrices(model_returns):
    """{model: DataFrame indexed by period, a column per regressor} of a long frame model,
    regressor, period, value: the regressors by regressor_order where the frame has that column,
    else in the order of their first row."""
    if "regressor_order" in model_returns.columns:
        model_returns = model_returns.sort_values(["model", "regressor_order"], kind="stable")
    return {model: frame.pivot(index="period", columns="regressor", values="value")[
                list(dict.fromkeys(frame["regressor"]))]
            for model, frame in model_returns.groupby("model", sort=True)}


def factor_model_alphas(series, model_returns, lags, keys=("factor", "series")):
    """Every series of `series` (columns keys, period, value) regressed on every model of
    `model_returns` (model, regressor, period, value). Returns (alphas, loadings): one row per
    (model, keys) and per (model, keys, regressor). Multiple testing of the alphas, within each
    model and series kind (`series`, e.g. 'long_short' across all factors): Benjamini-Hochberg
    and -Yekutieli q-values and Holm-adjusted p-values."""
    keys = list(keys)
    alpha_rows, loading_rows = [], []
    matrices = model_matrices(model_returns)
    for key, frame in series.groupby(keys, sort=True):
        values = frame.set_index("period")["value"]
        identity = dict(zip(keys, key))
        for model, regressors in matrices.items():
            alpha, loadings = one_regression(values, regressors, lags)
            alpha_rows.append({"model": model, **identity, **alpha})
            loading_rows += [{"model": model, **identity, **loading} for loading in loadings]
    alphas = pd.DataFrame(alpha_rows, columns=["model", *keys, *ALPHA_COLUMNS])
    for name in ("alpha_bh_q_value", "alpha_by_q_value", "alpha_holm_p_value"):
        alphas[name] = np.nan
    family = ["model", *(key for key in keys if key == "series")]
    for _, members in alphas.groupby(family, sort=False):
        adjusted = adjusted_p_values(members["alpha_p_value"])
        for name, column in (("alpha_bh_q_value", "bh_q"), ("alpha_by_q_value", "by_q"),
                             ("alpha_holm_p_value", "holm_p")):
            alphas.loc[members.index, name] = adjusted[column]
    for column in ("first_period", "last_period"):
        alphas[column] = as_date_column(alphas[column])
    alphas["statistics_note"] = alphas["statistics_note"].astype("string")  # text even when every note is null
    return alphas, pd.DataFrame(loading_rows, columns=["model", *keys, *LOADING_COLUMNS])


def alpha_table(series, model_returns, lags):
    """The alphas of factor_model_alphas over (factor, series)."""
    return factor_model_alphas(series, model_returns, lags)[0]


def loading_table(series, model_returns, lags):
    """The loadings of factor_model_alphas over (factor, series)."""
    return factor_model_alphas(series, model_returns, lags)[1]
