"""Multiple testing across the factor zoo: adjusted p-values of a family of tests.

  benjamini_hochberg   q-values controlling the false discovery rate under independence or
                       positive dependence (Benjamini and Hochberg 1995)
  benjamini_yekutieli  the same under any dependence: the BH q-values times the harmonic sum
                       c(m) = 1 + 1/2 + ... + 1/m (Benjamini and Yekutieli 2001), the
                       adjustment Jensen, Kelly and Pedersen (2023) use for correlated factors
  holm                 family-wise error control, step-down (Holm 1979)

Each takes a vector of p-values (no NaN: leave untested ones out) and returns the adjusted
values in the same order, each at least its p-value and at most 1, as
statsmodels.stats.multitest.multipletests (methods fdr_bh, fdr_by, holm).
"""

import numpy as np


def _step_up(p_values, factor):
    """min over j >= rank of p_(j) * factor(m) * m / j, capped at 1: the BH family."""
    p_values = np.asarray(p_values, dtype="float64")
    count = p_values.size
    order = np.argsort(p_values, kind="stable")
    scaled = p_values[order] * factor * count / np.arange(1, count + 1)
    adjusted = np.empty(count)
    adjusted[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    # adjusted >= p always; p * m / m can round one ulp below p
    return np.maximum(adjusted, p_values)


def benjamini_hochberg(p_values):
    """Benjamini-Hochberg q-values (step-up FDR adjustment) of a vector of p-values."""
    return _step_up(p_values, 1.0)


def benjamini_yekutieli(p_values):
    """Benjamini-Yekutieli q-values: BH's step-up with m replaced by m * sum_{i<=m} 1/i."""
    count = np.asarray(p_values).size
    return _step_up(p_values, np.sum(1.0 / np.arange(1, count + 1)) if count else 1.0)


def holm(p_values):
    """Holm's step-down adjusted p-values: max over j <= rank of (m - j + 1) * p_(j), capped at 1."""
    p_values = np.asarray(p_values, dtype="float64")
    count = p_values.size
    order = np.argsort(p_values, kind="stable")
    scaled = np.minimum(p_values[order] * (count - np.arange(count)), 1.0)
    adjusted = np.empty(count)
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted


def adjusted_p_values(p_values):
    """{'bh_q': ..., 'by_q': ..., 'holm_p': ...} of a Series of p-values: NaN where the
    p-value is NaN (untested), the family being the tested ones."""
    tested = p_values.notna().to_numpy()
    result = {}
    for name, method in (("bh_q", benjamini_hochberg), ("by_q", benjamini_yekutieli), ("holm_p", holm)):
        column = np.full(len(p_values), np.nan)
        column[tested] = method(p_values.to_numpy(dtype="float64")[tested])
        result[name] = column
    return result
