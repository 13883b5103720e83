"""Single-factor least squares alpha ~ pct_rank per factor (the article's PE ratio / ROE
lines, for every factor), vectorised over factors, equal to scipy.stats.linregress."""

import numpy as np
import pandas as pd


def factor_regressions(pairs):
    """Least squares alpha ~ pct_rank per factor over the rows where both are present.

    pairs: columns factor, pct_rank, alpha. Vectorised over factors; equals
    scipy.stats.linregress per factor (t = slope / its standard error, two-sided p);
    statistics_note says which statistics are null and why.
    """
    from scipy import stats
    pairs = pairs[pairs["pct_rank"].notna() & pairs["alpha"].notna()]
    grouped = pairs.groupby("factor", sort=True)
    n = grouped.size()
    mean_x = grouped["pct_rank"].transform("mean")
    mean_y = grouped["alpha"].transform("mean")
    centered = pd.DataFrame(
        {
            "factor": pairs["factor"],
            "sxx": (pairs["pct_rank"] - mean_x) ** 2,
            "syy": (pairs["alpha"] - mean_y) ** 2,
            "sxy": (pairs["pct_rank"] - mean_x) * (pairs["alpha"] - mean_y),
            "x": pairs["pct_rank"],
            "y": pairs["alpha"],
        }
    )
    sums = centered.groupby("factor", sort=True).agg(
        sxx=("sxx", "sum"), syy=("syy", "sum"), sxy=("sxy", "sum"), mean_x=("x", "mean"), mean_y=("y", "mean")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        sxx = sums["sxx"].to_numpy()
        syy = sums["syy"].to_numpy()
        sxy = sums["sxy"].to_numpy()
        count = n.to_numpy()
        slope = np.where(sxx > 0, sxy / sxx, np.nan)
        intercept = sums["mean_y"].to_numpy() - slope * sums["mean_x"].to_numpy()
        r2 = np.where((sxx > 0) & (syy > 0), np.minimum(sxy**2 / (sxx * syy), 1.0), np.nan)
        degrees = count - 2
        residual = np.maximum(syy - slope * sxy, 0.0)
        standard_error = np.sqrt(residual / np.where(degrees > 0, degrees, np.nan) / sxx)
        t_statistic = slope / standard_error
        p_value = 2 * stats.t.sf(np.abs(t_statistic), np.where(degrees > 0, degrees, np.nan))
    return pd.DataFrame(
        {
            "factor": pd.Series(list(sums.index), dtype=object),
            "target": "alpha",
            "n": count,
            "intercept": intercept,
            "slope": slope,
            "r2": r2,
            "slope_standard_error": standard_error,
            "slope_t_statistic": t_statistic,
            "slope_p_value": p_value,
            "statistics_note": [regression_note(*row) for row in zip(count, slope, r2, t_statistic)],
        }
    )


def regression_note(n, slope, r2, t_statistic):
    """Which statistics of a factor's regression are null and why; None when none is."""
    if np.isnan(slope):
        return ("intercept, slope, r2, slope_standard_error, slope_t_statistic and slope_p_value: the percentile "
                "rank is the same on every stock-period with an alpha (every value tied, or one stock-period)")
    notes = []
    if np.isnan(r2):
        notes.append("r2: alpha is the same on every stock-period")
    if n < 3:
        notes.append("slope_standard_error, slope_t_statistic and slope_p_value need at least 3 stock-periods "
                     f"with the factor and alpha; this factor has {n}")
    elif np.isnan(t_statistic):
        notes.append("slope_t_statistic and slope_p_value: the line fits every stock-period exactly (standard error 0)")
    return "; ".join(notes) or None
