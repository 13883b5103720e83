"""Newey-West (HAC) inference on the mean of a time series: the standard error and t of a
factor's mean long-short return, rank IC or Fama-MacBeth slope when the periods are
autocorrelated (overlapping horizons, persistent signals).

The estimator is statsmodels' `OLS(y, ones).fit(cov_type="HAC", cov_kwds={"maxlags": L})`:
Bartlett weights 1 - l / (L + 1) on the autocovariances of lags 1..L, each divided by n, and
no small-sample correction. The series is taken in the order given, gaps included as if
adjacent (as statsmodels does on a series with its missing periods dropped).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class NeweyWest:
    """The mean of a series, its Newey-West standard error and t (null when undefined)."""

    n: int
    mean: float
    standard_error: float
    t_statistic: float


def newey_west(values, lags):
    """Newey-West mean, standard error and t of `values` (NaNs dropped) with `lags` lags.

    Undefined (NaN) below 2 observations or when the series is constant; lags beyond n - 1
    add nothing (there is no autocovariance to weigh).
    """
    if lags < 0 or int(lags) != lags:
        raise ValueError(f"Newey-West lags must be a whole number >= 0; got {lags!r} (dbt var newey_west_lags)")
    values = np.asarray(values, dtype="float64")
    values = values[~np.isnan(values)]
    n = values.size
    if n == 0:
        return NeweyWest(0, np.nan, np.nan, np.nan)
    mean = values.mean()
    if n < 2 or np.ptp(values) == 0:
        return NeweyWest(n, mean, np.nan, np.nan)
    residuals = values - mean
    long_run_variance = residuals @ residuals / n
    for lag in range(1, min(int(lags), n - 1) + 1):
        weight = 1.0 - lag / (lags + 1.0)
        long_run_variance += 2.0 * weight * (residuals[lag:] @ residuals[:-lag]) / n
    standard_error = np.sqrt(long_run_variance / n) if long_run_variance > 0 else np.nan
    return NeweyWest(n, mean, standard_error, mean / standard_error)


def newey_west_by_group(frame, group, value, order, lags):
    """`newey_west` of `value` for every `group` of a long frame, each series ordered by
    `order`. Returns one row per group: n, mean, standard_error, t_statistic."""
    rows = []
    for key, series in frame.sort_values([group, order]).groupby(group, sort=True):
        result = newey_west(series[value].to_numpy(dtype="float64"), lags)
        rows.append({group: key, "n": result.n, "mean": result.mean, "standard_error": result.standard_error,
                     "t_statistic": result.t_statistic})
    return pd.DataFrame(rows, columns=[group, "n", "mean", "standard_error", "t_statistic"])
