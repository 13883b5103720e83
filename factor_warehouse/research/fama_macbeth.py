"""Fama-MacBeth regressions: in every period, least squares of the target (alpha) on the
regressors (factor percentile ranks) across stocks, with an intercept; the coefficient's
estimate is the mean of its per-period values and its t is Newey-West on that series.

Coefficients equal linearmodels' `FamaMacBeth(y, x).fit()`. Its kernel covariance differs from
`newey_west` (used for every t in the warehouse) only by the factor T / (T - 1).
A period enters only when it has more stocks than regressors (intercept included) and its
regressors are not collinear; the rest are counted as skipped, not silently fitted.
"""

import numpy as np
import pandas as pd

from factor_warehouse.research.newey_west import newey_west

INTERCEPT = "(intercept)"


def cross_sectional_coefficients(periods, target, matrix, names):
    """One least-squares fit per period: returns (coefficients, skipped), coefficients a frame
    with one row per fitted period (column `period`, then INTERCEPT and `names`) and skipped
    the number of periods left out for too few stocks or collinear regressors."""
    periods = np.asarray(periods)
    target = np.asarray(target, dtype="float64")
    matrix = np.asarray(matrix, dtype="float64")
    order = np.argsort(periods, kind="stable")
    periods, target, matrix = periods[order], target[order], matrix[order]
    boundaries = np.flatnonzero(periods[1:] != periods[:-1]) + 1
    starts = np.concatenate([[0], boundaries])
    ends = np.concatenate([boundaries, [len(periods)]])
    width = matrix.shape[1] + 1
    rows, kept, skipped = [], [], 0
    for start, end in zip(starts, ends):
        design = np.column_stack([np.ones(end - start), matrix[start:end]])
        if end - start <= width or np.linalg.matrix_rank(design) < width:
            skipped += 1
            continue
        coefficients, *_ = np.linalg.lstsq(design, target[start:end], rcond=None)
        rows.append(coefficients)
        kept.append(periods[start])
    columns = [INTERCEPT, *names]
    frame = pd.DataFrame(np.array(rows).reshape(-1, width), columns=columns)
    frame.insert(0, "period", kept)
    return frame, skipped


def fama_macbeth(periods, target, matrix, names, lags):
    """Fama-MacBeth estimates: one row per regressor (the intercept first) with coefficient
    (mean of the per-period values), standard_error and nw_t (Newey-West with `lags`),
    n_periods used and n_periods_skipped."""
    coefficients, skipped = cross_sectional_coefficients(periods, target, matrix, names)
    rows = []
    for name in [INTERCEPT, *names]:
        result = newey_west(coefficients[name].to_numpy(), lags)
        rows.append({"factor": name, "coefficient": result.mean, "standard_error": result.standard_error,
                     "nw_t": result.t_statistic, "n_periods": result.n, "n_periods_skipped": skipped})
    return pd.DataFrame(rows, columns=["factor", "coefficient", "standard_error", "nw_t", "n_periods",
                                       "n_periods_skipped"])
