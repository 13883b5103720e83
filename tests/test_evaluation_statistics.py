"""Newey-West and Fama-MacBeth (factor_warehouse.research) against statsmodels and linearmodels
on the same inputs."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from linearmodels import FamaMacBeth

from factor_warehouse.research.fama_macbeth import INTERCEPT, cross_sectional_coefficients, fama_macbeth
from factor_warehouse.research.factor_summary import factor_summary
from factor_warehouse.research.newey_west import newey_west, newey_west_by_group


def autocorrelated_series(n, seed, mean=0.2, persistence=0.6):
    rng = np.random.default_rng(seed)
    shocks = rng.normal(size=n)
    values = np.empty(n)
    values[0] = shocks[0]
    for t in range(1, n):
        values[t] = persistence * values[t - 1] + shocks[t]
    return mean + values


@pytest.mark.parametrize("lags", [0, 1, 3, 6, 12])
@pytest.mark.parametrize("n", [5, 24, 120])
def test_newey_west_equals_statsmodels_hac_on_a_constant(n, lags):
    values = autocorrelated_series(n, seed=n + lags)
    reference = sm.OLS(values, np.ones(n)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    result = newey_west(values, lags)
    assert result.n == n
    assert result.mean == pytest.approx(reference.params[0], rel=1e-12)
    assert result.standard_error == pytest.approx(reference.bse[0], rel=1e-10)
    assert result.t_statistic == pytest.approx(reference.tvalues[0], rel=1e-10)


def test_newey_west_is_undefined_below_two_values_or_without_variation():
    assert np.isnan(newey_west([0.4], 1).t_statistic)
    assert newey_west([0.4], 1).mean == 0.4
    assert np.isnan(newey_west([0.2, 0.2, 0.2], 1).t_statistic)
    assert newey_west([np.nan, 1.0, 2.0, np.nan, 4.0], 0).n == 3  # NaNs dropped, not zeros
    with pytest.raises(ValueError, match="newey_west_lags"):
        newey_west([1.0, 2.0], -1)


def test_newey_west_by_group_orders_each_series_by_period():
    first, second = autocorrelated_series(30, seed=1), autocorrelated_series(20, seed=2)
    frame = pd.DataFrame({
        "factor": ["a"] * 30 + ["b"] * 20,
        "period": list(range(30)) + list(range(20)),
        "value": np.concatenate([first, second]),
    }).sample(frac=1.0, random_state=0)  # shuffled: the function must restore the time order
    result = newey_west_by_group(frame, "factor", "value", "period", lags=3).set_index("factor")
    for factor, series in (("a", first), ("b", second)):
        reference = sm.OLS(series, np.ones(len(series))).fit(cov_type="HAC", cov_kwds={"maxlags": 3})
        assert result.loc[factor, "t_statistic"] == pytest.approx(reference.tvalues[0], rel=1e-10)
        assert result.loc[factor, "n"] == len(series)


def panel(n_periods=30, n_stocks=40, names=("value", "momentum", "noise"), seed=3):
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2015-01-31", periods=n_periods, freq="ME")
    index = pd.MultiIndex.from_product([[f"s{i}" for i in range(n_stocks)], periods], names=["stock", "period"])
    ranks = pd.DataFrame(rng.uniform(size=(len(index), len(names))), index=index, columns=list(names))
    alpha = pd.Series(2.0 * ranks["value"] - 1.0 * ranks["momentum"] + rng.normal(size=len(index)), index=index)
    return ranks, alpha


@pytest.mark.parametrize("lags", [0, 1, 6])
def test_fama_macbeth_coefficients_equal_linearmodels(lags):
    ranks, alpha = panel()
    names = list(ranks.columns)
    periods = ranks.index.get_level_values("period").to_numpy()
    result = fama_macbeth(periods, alpha.to_numpy(), ranks.to_numpy(), names, lags).set_index("factor")
    exog = ranks.assign(**{INTERCEPT: 1.0})[[INTERCEPT, *names]]
    reference = FamaMacBeth(alpha, exog).fit(cov_type="kernel", kernel="bartlett", bandwidth=lags)
    n = 30
    for name in [INTERCEPT, *names]:
        assert result.loc[name, "coefficient"] == pytest.approx(reference.params[name], rel=1e-10)
        # linearmodels scales its kernel covariance by T / (T - 1); newey_west does not
        assert result.loc[name, "standard_error"] * np.sqrt(n / (n - 1)) == pytest.approx(
            reference.std_errors[name], rel=1e-10)
        assert result.loc[name, "n_periods"] == n
    assert result.loc["value", "nw_t"] > 3 and result.loc["momentum", "nw_t"] < -3  # the planted slopes


def test_fama_macbeth_t_is_newey_west_on_the_coefficient_series():
    ranks, alpha = panel(n_periods=24)
    periods = ranks.index.get_level_values("period").to_numpy()
    coefficients, skipped = cross_sectional_coefficients(periods, alpha.to_numpy(), ranks.to_numpy(), list(ranks.columns))
    assert skipped == 0 and len(coefficients) == 24
    result = fama_macbeth(periods, alpha.to_numpy(), ranks.to_numpy(), list(ranks.columns), 4).set_index("factor")
    reference = sm.OLS(coefficients["value"].to_numpy(), np.ones(24)).fit(cov_type="HAC", cov_kwds={"maxlags": 4})
    assert result.loc["value", "nw_t"] == pytest.approx(reference.tvalues[0], rel=1e-10)


def test_periods_with_too_few_stocks_or_collinear_ranks_are_skipped_and_counted():
    ranks, alpha = panel(n_periods=6, n_stocks=12)
    periods = ranks.index.get_level_values("period").to_numpy()
    matrix = ranks.to_numpy().copy()
    first, second = periods == periods.min(), periods == np.sort(np.unique(periods))[1]
    matrix[first, 1] = matrix[first, 0]  # collinear in the first period
    keep = ~second | (np.cumsum(second) <= 3)  # only 3 stocks left in the second period
    coefficients, skipped = cross_sectional_coefficients(periods[keep], alpha.to_numpy()[keep], matrix[keep],
                                                         list(ranks.columns))
    assert skipped == 2
    assert len(coefficients) == 4
    assert periods.min() not in set(coefficients["period"])


def test_factor_summary_small_sample_rules():
    """Up: spreads 1 and 3 give mean 2, sd sqrt(2), t = 2, rank IC constant (sd 0, t null).
    Mixed: spreads -2, null, 2 give T = 2, t = 0, hit rate 0.5. Once: a single period, so sd and t
    are null and it gets no rank. Coverage averages over the three periods of stock_periods. Each
    null statistic is named in the row's statistics_note."""
    periods = pd.to_datetime(["2014-12-31", "2015-12-31", "2016-12-31"])
    long_short = pd.DataFrame(
        [("Up", periods[0], 2, 1.0), ("Up", periods[1], 4, 3.0), ("Mixed", periods[0], 2, -2.0),
         ("Mixed", periods[1], 2, np.nan), ("Mixed", periods[2], 1, 2.0), ("Once", periods[0], 3, 5.0)],
        columns=["factor", "period", "n_stocks", "long_short_return"]).assign(grouping="period", portfolio_count=2)
    rank_ic = pd.DataFrame(
        [("Up", periods[0], 0.5), ("Up", periods[1], 0.5), ("Mixed", periods[0], -0.25), ("Mixed", periods[1], 0.25),
         ("Mixed", periods[2], np.nan), ("Once", periods[0], 0.5)], columns=["factor", "period", "rank_ic"])
    slopes = pd.DataFrame(columns=["factor", "period", "slope"])
    turnover = pd.DataFrame(columns=["factor", "period", "turnover", "rank_autocorrelation"])
    period_sizes = pd.DataFrame({"period": periods, "n_stock_periods": [4, 4, 2]})
    summary = factor_summary(long_short, rank_ic, slopes, turnover, period_sizes, lags=1, periods_per_year=1)
    summary = summary.set_index("factor")
    assert list(summary.index) == ["Mixed", "Once", "Up"]
    expected = pd.DataFrame(
        {"periods_covered": [3, 1, 2], "spread_periods": [2, 1, 2], "mean_spread": [0.0, 5.0, 2.0],
         "spread_standard_deviation": [2.8284271247461903, np.nan, 1.4142135623730951],
         "spread_t_statistic": [0.0, np.nan, 2.0], "spread_t_statistic_rank": pd.array([2, None, 1], dtype="Int64"),
         "hit_rate": [0.5, 1.0, 1.0], "rank_ic_periods": [2, 1, 2], "mean_rank_ic": [0.0, 0.5, 0.5],
         "rank_ic_standard_deviation": [0.3535533905932738, np.nan, 0.0], "rank_ic_t_statistic": [0.0, np.nan, np.nan],
         "average_coverage": [0.5, 0.25, 0.5]},
        index=pd.Index(["Mixed", "Once", "Up"], name="factor"))
    pd.testing.assert_frame_equal(summary[expected.columns], expected, check_dtype=False)
    assert summary["first_period"].astype(str).tolist() == ["2014-12-31"] * 3
    assert summary["last_period"].astype(str).tolist() == ["2016-12-31", "2014-12-31", "2015-12-31"]
    # two periods are below periods_needed = 3: no Newey-West statistic, and the note says so
    assert summary[["long_short_nw_t", "annualized_sharpe", "rank_ic_nw_t", "ic_information_ratio"]].isna().all().all()
    notes = summary["statistics_note"]
    assert "spread_standard_deviation, spread_t_statistic and spread_t_statistic_rank need a long-short return in at " \
           "least 2 periods; this factor has 1" in notes["Once"]
    assert "rank_ic_t_statistic: a rank IC (factor_ic, horizon 1) is the same in every period" in notes["Up"]
    assert "rank_ic_t_statistic" not in notes["Mixed"] and "spread_t_statistic" not in notes["Up"]
    assert all("long_short_nw_t, annualized_sharpe, long_short_q_value, long_short_by_q_value and long_short_holm_p_value "
               "need at least 3 periods" in note
               for note in notes)
    # no slope and no turnover: the means are null and the note names them
    assert summary[["fama_macbeth_slope", "mean_turnover", "mean_rank_autocorrelation"]].isna().all().all()
    assert all("fama_macbeth_slope: no period has" in note and "mean_turnover: no period has" in note
               and "mean_rank_autocorrelation: no period has" in note for note in notes)
