"""One row per factor: every statistic of its long-short return (the spread), rank IC and
univariate Fama-MacBeth slope across periods, its coverage and turnover, and the factor zoo's
multiple testing: Benjamini-Hochberg and Benjamini-Yekutieli q-values and Holm-adjusted
p-values across all factors, and Harvey, Liu and Zhu's |t| > 3 hurdle.

Standard deviations and i.i.d. t-statistics (mean / (sd / sqrt(T))) need 2 periods. A
Newey-West statistic (a t, a Sharpe ratio, an information ratio) needs `periods_needed(lags)` =
max(3, lags + 2) periods: fewer leave too few autocovariances or degrees of freedom to mean
anything. Means and hit rates need one period. A statistic left null is named, with why, in
the row's `statistics_note`.
"""

import numpy as np
import pandas as pd

from factor_warehouse.research.design_matrix import as_date_column
from factor_warehouse.research.multiple_testing import adjusted_p_values
from factor_warehouse.research.newey_west import newey_west

T_HURDLE = 3.0  # Harvey, Liu and Zhu (2016): |t| a new factor should clear

COLUMNS = [
    "factor", "grouping", "portfolio_count", "periods_covered", "first_period", "last_period", "average_coverage",
    "spread_periods", "mean_spread", "spread_standard_deviation", "spread_t_statistic", "spread_t_statistic_rank",
    "hit_rate", "newey_west_lags", "periods_needed", "long_short_nw_standard_error", "long_short_nw_t",
    "long_short_p_value", "long_short_q_value", "long_short_by_q_value", "long_short_holm_p_value", "exceeds_t_hurdle", "annualized_sharpe",
    "rank_ic_periods", "mean_rank_ic", "rank_ic_standard_deviation", "rank_ic_t_statistic", "rank_ic_nw_t",
    "ic_information_ratio", "fama_macbeth_periods", "fama_macbeth_slope", "fama_macbeth_nw_t", "mean_turnover",
    "mean_rank_autocorrelation", "statistics_note",
]
SET_AFTER_ROWS = ("spread_t_statistic_rank", "long_short_q_value", "long_short_by_q_value", "long_short_holm_p_value",
                  "exceeds_t_hurdle")


def periods_needed(lags):
    """Periods a statistic across periods needs: max(3, lags + 2)."""
    return max(3, int(lags) + 2)


def listed(names):
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def iid_statistics(values, names, what, notes):
    """Sample sd and t = mean / (sd / sqrt(n)) of `values` (NaNs dropped): the sd is NaN below 2
    values, 0 for a constant series, and the t NaN for either. `names` are the columns of the
    (mean and hit rate, sd, t); `notes` gets a sentence naming those left null and why."""
    values = np.asarray(values, dtype="float64")
    values = values[~np.isnan(values)]
    n = values.size
    if n == 0:
        notes.append(f"{listed(names[0] + names[1] + names[2])}: no period has {what}")
        return np.nan, np.nan
    if n == 1:
        notes.append(f"{listed(names[1] + names[2])} need {what} in at least 2 periods; this factor has 1")
        return np.nan, np.nan
    if np.ptp(values) == 0:
        notes.append(f"{listed(names[2])}: {what} is the same in every period (standard deviation 0)")
        return 0.0, np.nan
    standard_deviation = np.std(values, ddof=1)
    return standard_deviation, values.mean() / (standard_deviation / np.sqrt(n))


def newey_west_statistics(values, lags, label, what, notes):
    """Newey-West n, mean, standard error and t of `values` (NaNs dropped); the standard error
    and t are NaN below periods_needed(lags) periods or for a constant series, and `notes` gets
    a sentence saying which statistics of `label` are missing and why."""
    result = newey_west(values, lags)
    needed = periods_needed(lags)
    if result.n < needed:
        notes.append(f"{label} need at least {needed} periods with {what} (max(3, newey_west_lags + 2), "
                     f"newey_west_lags = {lags}); this factor has {result.n}")
        return result.n, result.mean, np.nan, np.nan
    if not np.isfinite(result.t_statistic):
        notes.append(f"{label}: {what} is the same in every period, so it has no t-statistic")
        return result.n, result.mean, np.nan, np.nan
    return result.n, result.mean, result.standard_error, result.t_statistic


def ratio(numerator, denominator):
    return numerator / denominator if denominator and np.isfinite(denominator) and denominator > 0 else np.nan


def one_factor(factor, long_short, rank_ic, slopes, turnover, coverage, lags, periods_per_year):
    from scipy import stats
    notes = []
    needed = periods_needed(lags)
    n, mean, se, t = newey_west_statistics(
        long_short["long_short_return"], lags, "long_short_nw_t, annualized_sharpe, long_short_q_value, long_short_by_q_value and long_short_holm_p_value",
        "a long-short return", notes)
    sd, iid_t = iid_statistics(
        long_short["long_short_return"],
        (["mean_spread", "hit_rate"], ["spread_standard_deviation"], ["spread_t_statistic", "spread_t_statistic_rank"]),
        "a long-short return", notes)
    returns = long_short["long_short_return"].dropna()
    ic_n, ic_mean, _, ic_t = newey_west_statistics(
        rank_ic["rank_ic"], lags, "rank_ic_nw_t and ic_information_ratio", "a rank IC", notes)
    ic_sd, ic_iid_t = iid_statistics(
        rank_ic["rank_ic"], (["mean_rank_ic"], ["rank_ic_standard_deviation"], ["rank_ic_t_statistic"]),
        "a rank IC (factor_ic, horizon 1)", notes)
    fm_n, fm_mean, _, fm_t = newey_west_statistics(
        slopes["slope"], lags, "fama_macbeth_nw_t", "a Fama-MacBeth slope", notes)
    if fm_n == 0:
        notes.append("fama_macbeth_slope: no period has a Fama-MacBeth slope (factor_fama_macbeth_slopes)")
    mean_turnover = turnover["turnover"].mean()
    mean_autocorrelation = turnover.groupby("period")["rank_autocorrelation"].first().mean()
    if np.isnan(mean_turnover):
        notes.append("mean_turnover: no period has a turnover of portfolio 1 or J (factor_turnover)")
    if np.isnan(mean_autocorrelation):
        notes.append("mean_rank_autocorrelation: no period has a rank autocorrelation (factor_turnover)")
    return {
        "factor": factor,
        "grouping": long_short["grouping"].iloc[0],
        "portfolio_count": long_short["portfolio_count"].iloc[0],
        "periods_covered": len(long_short),
        "first_period": long_short["period"].min(),
        "last_period": long_short["period"].max(),
        "average_coverage": coverage,
        "spread_periods": n,
        "mean_spread": mean,
        "spread_standard_deviation": sd,
        "spread_t_statistic": iid_t,
        "hit_rate": (returns > 0).mean() if len(returns) else np.nan,
        "newey_west_lags": int(lags),
        "periods_needed": needed,
        "long_short_nw_standard_error": se,
        "long_short_nw_t": t,
        "long_short_p_value": 2.0 * stats.t.sf(abs(t), n - 1) if np.isfinite(t) else np.nan,
        "annualized_sharpe": ratio(mean, sd) * np.sqrt(periods_per_year) if n >= needed else np.nan,
        "rank_ic_periods": ic_n,
        "mean_rank_ic": ic_mean,
        "rank_ic_standard_deviation": ic_sd,
        "rank_ic_t_statistic": ic_iid_t,
        "rank_ic_nw_t": ic_t,
        "ic_information_ratio": ratio(ic_mean, ic_sd) if ic_n >= needed else np.nan,
        "fama_macbeth_periods": fm_n,
        "fama_macbeth_slope": fm_mean,
        "fama_macbeth_nw_t": fm_t,
        "mean_turnover": mean_turnover,
        "mean_rank_autocorrelation": mean_autocorrelation,
        "statistics_note": "; ".join(notes) or None,
    }


def average_coverage(long_short, period_sizes):
    """Per factor: the share of each period's stocks with a value (n_stocks / n_stock_periods),
    averaged over every period of `period_sizes` (0 for a period without the factor)."""
    shares = long_short.merge(period_sizes, on="period")
    return (shares["n_stocks"] / shares["n_stock_periods"]).groupby(shares["factor"]).sum() / len(period_sizes)


def factor_summary(long_short, rank_ic, slopes, turnover, period_sizes, lags, periods_per_year):
    """One row per factor of `long_short`.

    long_short: factor, period, grouping, portfolio_count, n_stocks, long_short_return
    (percentage points); rank_ic: factor, period, rank_ic (horizon 1); slopes: factor, period,
    slope; turnover: factor, period, turnover, rank_autocorrelation of the long and short legs
    (portfolios J and 1); period_sizes: period, n_stock_periods (the stocks of each period).
    Each series is taken in period order. The long-short p-value is two-sided with the t
    distribution's n - 1 degrees of freedom; q-values (Benjamini-Hochberg and -Yekutieli) and
    Holm-adjusted p-values are over the factors with a p-value; spread_t_statistic_rank ranks |spread_t_statistic|, 1 = largest, ties
    sharing the lowest rank.
    """
    parts = {name: frame.sort_values(["factor", "period"]).groupby("factor")
             for name, frame in (("rank_ic", rank_ic), ("slopes", slopes), ("turnover", turnover))}
    empty = {name: frame.iloc[0:0] for name, frame in (("rank_ic", rank_ic), ("slopes", slopes), ("turnover", turnover))}
    coverage = average_coverage(long_short, period_sizes)

    def part(name, factor):
        return parts[name].get_group(factor) if factor in parts[name].groups else empty[name]

    rows = [
        one_factor(factor, series, part("rank_ic", factor), part("slopes", factor), part("turnover", factor),
                   coverage.get(factor, 0.0), lags, periods_per_year)
        for factor, series in long_short.sort_values(["factor", "period"]).groupby("factor", sort=True)
    ]
    frame = pd.DataFrame(rows, columns=[column for column in COLUMNS if column not in SET_AFTER_ROWS])
    # the types of the tables read: J an INTEGER, periods DATE
    frame["portfolio_count"] = frame["portfolio_count"].astype("int32")
    for column in ("first_period", "last_period"):
        frame[column] = as_date_column(frame[column])
    frame["spread_t_statistic_rank"] = (
        frame["spread_t_statistic"].abs().rank(ascending=False, method="min").astype("Int64"))
    adjusted = adjusted_p_values(frame["long_short_p_value"])
    frame["long_short_q_value"] = adjusted["bh_q"]
    frame["long_short_by_q_value"] = adjusted["by_q"]
    frame["long_short_holm_p_value"] = adjusted["holm_p"]
    frame["exceeds_t_hurdle"] = pd.array(
        [None if pd.isna(t) else bool(abs(t) > T_HURDLE) for t in frame["long_short_nw_t"]], dtype="boolean")
    return frame[COLUMNS]
