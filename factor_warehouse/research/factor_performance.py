"""One row per factor: how its long-short return, rank IC and univariate Fama-MacBeth slope
behave across periods, with Newey-West t-statistics, and the factor zoo's multiple testing:
Benjamini-Hochberg q-values across all factors and Harvey, Liu and Zhu's |t| > 3 hurdle.

A statistic across periods (a Newey-West t, a Sharpe ratio, an information ratio) needs at
least `periods_needed(lags)` = max(3, lags + 2) periods: fewer leave too few autocovariances
or degrees of freedom to mean anything, so the value is null and `statistics_note` says why.
Means and hit rates need one period.
"""

import numpy as np
import pandas as pd
from scipy import stats

from factor_warehouse.research.f_scores import benjamini_hochberg
from factor_warehouse.research.newey_west import newey_west

T_HURDLE = 3.0  # Harvey, Liu and Zhu (2016): |t| a new factor should clear

COLUMNS = [
    "factor", "grouping", "portfolio_count", "newey_west_lags", "periods_needed",
    "n_periods", "mean_long_short", "long_short_standard_deviation", "long_short_nw_standard_error",
    "long_short_nw_t", "long_short_p_value", "long_short_q_value", "exceeds_t_hurdle", "annualized_sharpe",
    "hit_rate", "rank_ic_periods", "mean_rank_ic", "rank_ic_nw_t", "ic_information_ratio",
    "fama_macbeth_periods", "fama_macbeth_slope", "fama_macbeth_nw_t", "mean_turnover",
    "mean_rank_autocorrelation", "statistics_note",
]


def periods_needed(lags):
    """Periods a statistic across periods needs: max(3, lags + 2)."""
    return max(3, int(lags) + 2)


def series_statistics(values, lags, label, what, notes):
    """n, mean, sample sd and Newey-West standard error and t of `values` (NaNs dropped); the sd,
    standard error and t are NaN below periods_needed(lags) periods or for a constant series, and
    `notes` gets a sentence saying which statistics of `label` are missing and why."""
    result = newey_west(values, lags)
    needed = periods_needed(lags)
    if result.n < needed:
        notes.append(f"{label} need at least {needed} periods with {what} (max(3, newey_west_lags + 2), "
                     f"newey_west_lags = {lags}); this factor has {result.n}")
        return result.n, result.mean, np.nan, np.nan, np.nan
    values = np.asarray(values, dtype="float64")
    standard_deviation = np.nanstd(values, ddof=1)
    if not np.isfinite(result.t_statistic):
        notes.append(f"{label}: {what} is the same in every period, so it has no t-statistic")
        return result.n, result.mean, standard_deviation, np.nan, np.nan
    return result.n, result.mean, standard_deviation, result.standard_error, result.t_statistic


def ratio(numerator, denominator):
    return numerator / denominator if denominator and np.isfinite(denominator) and denominator > 0 else np.nan


def one_factor(factor, long_short, rank_ic, slopes, turnover, lags, periods_per_year):
    notes = []
    n, mean, sd, se, t = series_statistics(
        long_short["long_short_return"], lags, "long_short_nw_t, annualized_sharpe and long_short_q_value",
        "a long-short return", notes)
    returns = long_short["long_short_return"].dropna()
    ic_n, ic_mean, ic_sd, _, ic_t = series_statistics(
        rank_ic["rank_ic"], lags, "rank_ic_nw_t and ic_information_ratio", "a rank IC", notes)
    fm_n, fm_mean, _, _, fm_t = series_statistics(
        slopes["slope"], lags, "fama_macbeth_nw_t", "a Fama-MacBeth slope", notes)
    return {
        "factor": factor,
        "grouping": long_short["grouping"].iloc[0],
        "portfolio_count": int(long_short["portfolio_count"].iloc[0]),
        "newey_west_lags": int(lags),
        "periods_needed": periods_needed(lags),
        "n_periods": n,
        "mean_long_short": mean,
        "long_short_standard_deviation": sd,
        "long_short_nw_standard_error": se,
        "long_short_nw_t": t,
        "long_short_p_value": 2.0 * stats.t.sf(abs(t), n - 1) if np.isfinite(t) else np.nan,
        "annualized_sharpe": ratio(mean, sd) * np.sqrt(periods_per_year),
        "hit_rate": (returns > 0).mean() if len(returns) else np.nan,
        "rank_ic_periods": ic_n,
        "mean_rank_ic": ic_mean,
        "rank_ic_nw_t": ic_t,
        "ic_information_ratio": ratio(ic_mean, ic_sd),
        "fama_macbeth_periods": fm_n,
        "fama_macbeth_slope": fm_mean,
        "fama_macbeth_nw_t": fm_t,
        "mean_turnover": turnover["turnover"].mean(),
        "mean_rank_autocorrelation": turnover.groupby("period")["rank_autocorrelation"].first().mean(),
        "statistics_note": "; ".join(notes) or None,
    }


def factor_performance(long_short, rank_ic, slopes, turnover, lags, periods_per_year):
    """One row per factor of `long_short`.

    long_short: factor, period, grouping, portfolio_count, long_short_return (percentage points);
    rank_ic: factor, period, rank_ic (horizon 1); slopes: factor, period, slope; turnover: factor,
    period, turnover, rank_autocorrelation of the long and short legs (portfolios J and 1).
    Each series is taken in period order. The long-short p-value is two-sided with the t
    distribution's n - 1 degrees of freedom; q-values are Benjamini-Hochberg over the factors
    with a p-value.
    """
    parts = {name: frame.sort_values(["factor", "period"]).groupby("factor")
             for name, frame in (("rank_ic", rank_ic), ("slopes", slopes), ("turnover", turnover))}
    empty = {name: frame.iloc[0:0] for name, frame in (("rank_ic", rank_ic), ("slopes", slopes), ("turnover", turnover))}

    def part(name, factor):
        return parts[name].get_group(factor) if factor in parts[name].groups else empty[name]

    rows = [
        one_factor(factor, series, part("rank_ic", factor), part("slopes", factor), part("turnover", factor),
                   lags, periods_per_year)
        for factor, series in long_short.sort_values(["factor", "period"]).groupby("factor", sort=True)
    ]
    frame = pd.DataFrame(rows, columns=[column for column in COLUMNS if column not in ("long_short_q_value",
                                                                                       "exceeds_t_hurdle")])
    tested = frame["long_short_p_value"].notna()
    frame["long_short_q_value"] = np.nan
    frame.loc[tested, "long_short_q_value"] = benjamini_hochberg(frame.loc[tested, "long_short_p_value"])
    frame["exceeds_t_hurdle"] = pd.array(
        [None if pd.isna(t) else bool(abs(t) > T_HURDLE) for t in frame["long_short_nw_t"]], dtype="boolean")
    return frame[COLUMNS]
