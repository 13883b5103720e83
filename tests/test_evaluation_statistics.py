"""Newey-West and Fama-MacBeth (factor_warehouse.research) against statsmodels and linearmodels
on the same inputs."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from linearmodels import FamaMacBeth

from factor_warehouse.research.fama_macbeth import INTERCEPT, cross_sectional_coefficients, fama_macbeth
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
