"""The factor evaluation tables (models/marts/factor_evaluation, python_models/evaluation) against
pandas, statsmodels, linearmodels and alphalens-reloaded on one small monthly panel (150 stocks x
36 months x 6 characteristics, every model built once), and on the Kaggle demo data (5 yearly
periods), where the statistics that need more periods are null and say why."""

import contextlib
import io
import warnings

import alphalens.performance as alphalens
import alphalens.utils as alphalens_utils
import duckdb
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from linearmodels import FamaMacBeth
from scipy import stats

from benchmarks.evaluation import alphalens_prices
from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.sources.panel_demo import write_panel

PANEL_SIZE = {"n_stocks": 150, "n_months": 36, "n_characteristics": 6, "seed": 5, "start": "2001-01"}
PANEL = {"id_column": "id", "period_column": "eom", "return_column": "ret_exc_lead1m", "sector_column": "sector"}
TOLERANCE = {"rel": 1e-9, "abs": 1e-12}
NEW_TABLES = ("factor_long_short_returns", "factor_ic", "factor_turnover", "factor_fama_macbeth_slopes",
              "factor_summary", "factor_ic_summary", "fama_macbeth")


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    """A read-only connection to the whole project built on the monthly panel."""
    directory = tmp_path_factory.mktemp("evaluation_panel")
    path = write_panel(directory / "panel.parquet", **PANEL_SIZE).path
    database = directory / "warehouse.duckdb"
    result = run_dbt(["build"], database=database, dbt_vars={"panel": {"path": str(path), **PANEL}})
    assert result.success, result.exception or [r.message for r in result.result.results if r.status not in
                                                ("success", "pass")]
    connection = duckdb.connect(str(database), read_only=True)
    yield connection
    connection.close()


def table(connection, sql, params=None):
    return connection.execute(sql, params or []).df()


def stock_factor_frame(connection):
    """Every stock-period-factor with a value: its portfolio, period_index, value, pct_rank and alpha."""
    return table(connection, """
        select p.factor, p.period, periods.period_index, p.stock_id, p.portfolio, p.portfolio_count,
               p.value, v.pct_rank, p.alpha
        from factor_portfolios as p
        join factor_values as v using (factor, period, stock_id)
        join periods using (period)""")


def test_settings_default_to_the_monthly_frequency(panel):
    settings = table(panel, "select * from int_factor_evaluation__settings")
    assert settings.iloc[0]["frequency"] == "monthly"
    assert list(settings.iloc[0]["ic_horizons"]) == [1, 3, 6, 12]
    assert settings.iloc[0]["newey_west_lags"] == 6 and settings.iloc[0]["periods_per_year"] == 12


def test_long_short_returns_equal_pandas(panel):
    frame = stock_factor_frame(panel)
    means = frame.groupby(["factor", "period", "portfolio"])["alpha"].mean().unstack("portfolio")
    expected = (means[frame["portfolio_count"].iloc[0]] - means[1]).rename("expected").reset_index()
    expected["expected_cumulative"] = expected.groupby("factor")["expected"].transform(
        lambda series: series.fillna(0.0).cumsum())
    found = table(panel, "select factor, period, long_short_return, cumulative_long_short_return "
                         "from factor_long_short_returns").merge(expected, on=["factor", "period"], how="outer")
    assert len(found) == len(expected) == frame.groupby(["factor", "period"]).ngroups
    assert found["long_short_return"].to_numpy() == pytest.approx(found["expected"].to_numpy(), nan_ok=True, **TOLERANCE)
    assert found["cumulative_long_short_return"].to_numpy() == pytest.approx(
        found["expected_cumulative"].to_numpy(), **TOLERANCE)


def ic_pairs(connection):
    """Every factor value with its period_index, and every stock-period's alpha with its period
    (datetime) and period_index."""
    values = table(connection, "select v.factor, v.period, periods.period_index, v.stock_id, v.value "
                               "from factor_values as v join periods using (period) where v.value is not null")
    alpha = table(connection, "select stock_id, period, period_index, alpha from stock_periods "
                              "join periods using (period) where alpha is not null")
    return values, alpha


def test_rank_ic_at_every_horizon_is_scipy_spearman_over_the_pairs(panel):
    """Per (factor, period, horizon): scipy.stats.spearmanr of the values and the alphas at the target
    period over the stocks with both, on factors with missing values."""
    values, alpha = ic_pairs(panel)
    ic = table(panel, "select factor, period, horizon, n_stocks, rank_ic from factor_ic")
    assert sorted(ic["horizon"].unique()) == [1, 3, 6, 12]
    counts = values.groupby("factor").size()
    assert (counts < len(alpha)).sum() >= 4, "the panel should have factors with missing values"
    for horizon, found in ic.groupby("horizon"):
        target = alpha[["stock_id", "period_index", "alpha"]].assign(period_index=alpha["period_index"] - (horizon - 1))
        pairs = values.merge(target, on=["stock_id", "period_index"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a constant input: spearmanr warns and returns nan
            expected = pairs.groupby(["factor", "period"]).apply(
                lambda group: pd.Series({"expected": stats.spearmanr(group["value"], group["alpha"]).statistic,
                                         "pairs": len(group)}), include_groups=False).reset_index()
        merged = found.merge(expected, on=["factor", "period"], how="left")
        # the last horizon - 1 months have no target month: null, and no pair either
        assert merged["rank_ic"].isna().sum() == merged["expected"].isna().sum() == 6 * (horizon - 1)
        assert (merged["n_stocks"] == merged["pairs"].fillna(0)).all()
        assert merged["rank_ic"].to_numpy() == pytest.approx(merged["expected"].to_numpy(), nan_ok=True, **TOLERANCE)


def test_rank_ic_equals_alphalens_factor_information_coefficient(panel):
    """alphalens' IC, from get_clean_factor_and_forward_returns on prices compounding alpha, is
    factor_ic at horizon 1 for every factor, those with missing values included."""
    values, alpha = ic_pairs(panel)
    for frame in (values, alpha):
        frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[ns]")
    prices = alphalens_prices(alpha)
    ic = table(panel, "select factor, period, rank_ic from factor_ic where horizon = 1")
    ic["period"] = pd.to_datetime(ic["period"]).astype("datetime64[ns]")
    missing = 0
    for factor, rows in values.groupby("factor"):
        factor_values = (rows.rename(columns={"period": "date", "stock_id": "asset"})
                         .set_index(["date", "asset"])["value"].sort_index())
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            factor_data = alphalens_utils.get_clean_factor_and_forward_returns(
                factor_values, prices, quantiles=2, periods=(1,), filter_zscore=None, max_loss=1.0)
            reference = alphalens.factor_information_coefficient(factor_data).iloc[:, 0]
        # alphalens' forward return is alpha on every pair
        forward = (factor_data.iloc[:, 0] * 100).rename_axis(["period", "stock_id"]).rename("forward").reset_index()
        checked = forward.merge(alpha, on=["period", "stock_id"], how="left")
        assert checked["forward"].to_numpy() == pytest.approx(checked["alpha"].to_numpy(), abs=1e-9)
        missing += len(factor_data) < len(alpha)
        found = ic[ic["factor"] == factor].set_index("period")["rank_ic"]
        both = pd.concat([found, reference.rename("alphalens")], axis=1, join="inner").dropna()
        assert len(both) == reference.notna().sum() == found.notna().sum()
        assert both["rank_ic"].to_numpy() == pytest.approx(both["alphalens"].to_numpy(), **TOLERANCE)
    assert missing >= 4


def test_newey_west_t_equals_statsmodels_hac_on_the_tables_own_series(panel):
    performance = table(panel, "select * from factor_summary").set_index("factor")
    long_short = table(panel, "select factor, period, long_short_return from factor_long_short_returns "
                              "order by factor, period")
    rank_ic = table(panel, "select factor, period, rank_ic from factor_ic where horizon = 1 order by factor, period")
    assert len(performance) == 6 and (performance["newey_west_lags"] == 6).all()
    for factor, row in performance.iterrows():
        for series, t_column in ((long_short, "long_short_nw_t"), (rank_ic, "rank_ic_nw_t")):
            values = series.loc[series["factor"] == factor].iloc[:, 2].dropna().to_numpy()
            reference = sm.OLS(values, np.ones(len(values))).fit(cov_type="HAC", cov_kwds={"maxlags": 6})
            assert row[t_column] == pytest.approx(reference.tvalues[0], **TOLERANCE)
        returns = long_short.loc[long_short["factor"] == factor, "long_short_return"].dropna()
        assert row["annualized_sharpe"] == pytest.approx(returns.mean() / returns.std() * np.sqrt(12), **TOLERANCE)
        assert row["exceeds_t_hurdle"] == (abs(row["long_short_nw_t"]) > 3)
        assert pd.isna(row["statistics_note"])
    # the planted return predictors of the demo panel are found; the BH q-value is never below the p-value
    assert performance["exceeds_t_hurdle"].any() and not performance["exceeds_t_hurdle"].all()
    assert (performance["long_short_q_value"] >= performance["long_short_p_value"] - 1e-12).all()


def test_ic_t_by_horizon_equals_statsmodels_hac_with_lags_covering_the_overlap(panel):
    summary = table(panel, "select * from factor_ic_summary").set_index(["factor", "horizon"])
    rank_ic = table(panel, "select factor, horizon, period, rank_ic from factor_ic order by factor, horizon, period")
    assert len(summary) == 6 * 4
    for (factor, horizon), row in summary.iterrows():
        values = rank_ic.loc[(rank_ic["factor"] == factor) & (rank_ic["horizon"] == horizon), "rank_ic"].dropna()
        lags = max(6, horizon - 1)
        reference = sm.OLS(values.to_numpy(), np.ones(len(values))).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
        assert row["newey_west_lags"] == lags
        assert row["rank_ic_nw_t"] == pytest.approx(reference.tvalues[0], **TOLERANCE)
    # horizon 1 is factor_summary's rank IC
    performance = table(panel, "select factor, rank_ic_nw_t from factor_summary").set_index("factor")
    horizon_1 = summary.xs(1, level="horizon")
    assert horizon_1["rank_ic_nw_t"].to_numpy() == pytest.approx(
        performance.loc[horizon_1.index, "rank_ic_nw_t"].to_numpy(), **TOLERANCE)


def fama_macbeth_reference(ranks, alpha):
    """linearmodels FamaMacBeth of alpha on the ranks and a constant (MultiIndex stock_id, period)."""
    exog = ranks.assign(**{"(intercept)": 1.0})[["(intercept)", *ranks.columns]]
    return FamaMacBeth(alpha, exog).fit().params


def test_fama_macbeth_coefficients_equal_linearmodels(panel):
    ranks = table(panel, "select stock_id, period, factor, pct_rank from factor_values where pct_rank is not null")
    alpha = table(panel, "select stock_id, period, alpha from stock_periods where alpha is not null")
    wide = ranks.pivot(index=["stock_id", "period"], columns="factor", values="pct_rank")
    wide = wide.reindex(pd.MultiIndex.from_frame(alpha[["stock_id", "period"]]))
    target = alpha.set_index(["stock_id", "period"])["alpha"]
    found = table(panel, "select model, factor, coefficient, n_periods from fama_macbeth")
    top_k = table(panel, "select factor from factor_f_scores where is_top_k")["factor"].tolist()
    complete = wide[top_k].dropna()
    references = {
        "top_k": fama_macbeth_reference(complete, target.loc[complete.index]),
        "all_factors": fama_macbeth_reference(wide.fillna(wide.mean()), target),  # Filler: means over all rows
    }
    for model, reference in references.items():
        rows = found[found["model"] == model].set_index("factor")["coefficient"]
        assert len(rows) == len(reference) == 7
        assert rows.loc[reference.index].to_numpy() == pytest.approx(reference.to_numpy(), **TOLERANCE)
    # the univariate slope of factor_summary is linearmodels' on one factor
    factor = top_k[0]
    single = wide[[factor]].dropna()
    slope = table(panel, "select fama_macbeth_slope from factor_summary where factor = ?", [factor]).iloc[0, 0]
    assert slope == pytest.approx(fama_macbeth_reference(single, target.loc[single.index])[factor], **TOLERANCE)


def alphalens_factor_data(connection, factor):
    """alphalens' factor_data, fed directly (no prices: its functions below take factor_data): index
    (date, asset); '1D' = the forward return, here the stock-period's alpha / 100 (alpha is already
    the next period's return); 'factor' = the value; 'factor_quantile' = the warehouse's portfolio,
    so quantile breakpoints are not compared (alphalens' own quantize_factor bins by pd.qcut)."""
    frame = table(connection, "select period as date, stock_id as asset, alpha / 100 as \"1D\", value as factor, "
                              "portfolio as factor_quantile from factor_portfolios where factor = ?", [factor])
    return frame.set_index(["date", "asset"]).sort_index()


def test_quantile_returns_ic_turnover_and_autocorrelation_equal_alphalens(panel):
    """market_equity has a value for every stock-month (stocks enter and leave the panel), fed to
    alphalens as factor_data with the warehouse's portfolios. Horizons above 1 differ by definition:
    alphalens' h-period forward return compounds h periods, factor_ic correlates the single period
    h - 1 later. The IC of factors with missing values: test_rank_ic_equals_alphalens_factor_information_coefficient."""
    factor = "market_equity"
    factor_data = alphalens_factor_data(panel, factor)
    stocks = table(panel, "select period, n_stocks_with_alpha from periods").set_index("period")["n_stocks_with_alpha"]
    assert not factor_data["1D"].isna().any()
    sizes = factor_data.groupby(level="date").size()
    assert (sizes.to_numpy() == stocks.loc[sizes.index].to_numpy()).all(), "market_equity should cover every stock-month"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantile_means, _ = alphalens.mean_return_by_quantile(factor_data, by_date=True, demeaned=False)
        ic = alphalens.factor_information_coefficient(factor_data, group_adjust=False, by_group=False)
        autocorrelation = alphalens.factor_rank_autocorrelation(factor_data, period=1)
        turnover = {quantile: alphalens.quantile_turnover(factor_data["factor_quantile"], quantile, period=1)
                    for quantile in (1, 2)}

    portfolios = table(panel, "select period, portfolio, mean_alpha / 100 as mean_return from factor_portfolio_alpha "
                              "where factor = ?", [factor]).set_index(["portfolio", "period"])["mean_return"]
    reference = quantile_means["1D"]
    assert reference.to_numpy() == pytest.approx(portfolios.loc[reference.index].to_numpy(), **TOLERANCE)

    rank_ic = table(panel, "select period, rank_ic from factor_ic where factor = ? and horizon = 1",
                    [factor]).set_index("period")["rank_ic"]
    assert ic["1D"].to_numpy() == pytest.approx(rank_ic.loc[ic.index].to_numpy(), **TOLERANCE)

    rows = table(panel, "select period, portfolio, turnover, rank_autocorrelation from factor_turnover "
                        "where factor = ? order by period", [factor])
    first = rows["period"].min()
    assert rows.loc[rows["period"] == first, ["turnover", "rank_autocorrelation"]].isna().all().all()
    later = rows[rows["period"] > first]
    by_period = later.groupby("period")["rank_autocorrelation"].first()
    assert by_period.to_numpy() == pytest.approx(autocorrelation.loc[by_period.index].to_numpy(), **TOLERANCE)
    for quantile, series in turnover.items():
        found = later[later["portfolio"] == quantile].set_index("period")["turnover"]
        assert found.to_numpy() == pytest.approx(series.loc[found.index].to_numpy(), **TOLERANCE)
        assert found.between(0.0, 1.0).all() and found.gt(0).any()


def test_every_table_builds_on_the_kaggle_demo_and_says_where_periods_are_too_few(demo_warehouse):
    for name in NEW_TABLES:
        assert demo_warehouse.execute(f"select count(*) from {name}").fetchone()[0] > 0, name
    settings = table(demo_warehouse, "select * from int_factor_evaluation__settings").iloc[0]
    assert settings["frequency"] == "yearly" and list(settings["ic_horizons"]) == [1, 2]
    assert settings["newey_west_lags"] == 1 and settings["periods_per_year"] == 1

    performance = table(demo_warehouse, "select * from factor_summary")
    short = performance[performance["spread_periods"] < 3]
    assert len(short) > 0, "the demo has sparse factors with a long-short return in fewer than 3 of its 5 years"
    assert short[["long_short_nw_t", "annualized_sharpe", "long_short_q_value"]].isna().all().all()
    assert short["statistics_note"].str.contains("need at least 3 periods").all()
    enough = performance[(performance["spread_periods"] >= 3) & performance["spread_standard_deviation"].gt(0)]
    assert enough["long_short_nw_t"].notna().all() and enough["statistics_note"].isna().any()
    # Sharpe is not annualized for yearly data
    row = enough.iloc[0]
    assert row["annualized_sharpe"] == pytest.approx(row["mean_spread"] / row["spread_standard_deviation"])

    ic = table(demo_warehouse, "select period, horizon, target_period, n_stocks, rank_ic, statistics_note from factor_ic")
    last = ic["period"].max()
    beyond = ic[(ic["period"] == last) & (ic["horizon"] == 2)]
    assert len(beyond) > 0 and beyond["target_period"].isna().all() and beyond["rank_ic"].isna().all()
    assert (beyond["statistics_note"] == "rank_ic: alpha 2 periods ahead is after the last period of the warehouse").all()
    assert ic.loc[ic["horizon"] == 2, "rank_ic"].notna().any()
    assert (ic["rank_ic"].isna() == ic["statistics_note"].notna()).all()

    turnover = table(demo_warehouse, "select period, turnover, rank_autocorrelation, statistics_note from factor_turnover")
    first = turnover["period"].min()
    assert turnover.loc[turnover["period"] == first, ["turnover", "rank_autocorrelation"]].isna().all().all()
    assert turnover.loc[turnover["period"] == first, "statistics_note"].str.contains("no value in the previous period").all()
    assert turnover.loc[turnover["period"] > first, "turnover"].notna().any()
    either_null = turnover["turnover"].isna() | turnover["rank_autocorrelation"].isna()
    assert (either_null == turnover["statistics_note"].notna()).all()

    fama_macbeth = table(demo_warehouse, "select * from fama_macbeth")
    assert set(fama_macbeth["model"]) == {"top_k", "all_factors"}
    undefined = fama_macbeth[fama_macbeth["n_periods"] < 3]
    assert undefined["nw_t"].isna().all() and undefined["statistics_note"].notna().all()


@pytest.mark.parametrize("horizons, compiled", [([1, 2, 2], "[1, 2]"), ("[12, 1]", "[1, 12]"), (1, "[1]")])
def test_ic_horizons_given_as_a_var_compile_to_their_sorted_list(tmp_path, horizons, compiled):
    result = run_dbt(["compile", "--select", "int_factor_evaluation__settings", "factor_ic"],
                     database=tmp_path / "warehouse.duckdb", dbt_vars={"ic_horizons": horizons})
    assert result.success, result.exception or result.result
    settings = next(item.node.compiled_code for item in result.result.results
                    if item.node.name == "int_factor_evaluation__settings")
    assert f"{compiled} as ic_horizons" in " ".join(settings.split())


@pytest.mark.parametrize("horizons", [[2, 3], [1, "x"], [1, 0], []])
def test_ic_horizons_without_horizon_1_or_not_whole_numbers_are_refused(tmp_path, horizons):
    result = run_dbt(["compile", "--select", "int_factor_evaluation__settings"],
                     database=tmp_path / "warehouse.duckdb", dbt_vars={"ic_horizons": horizons})
    assert not result.success
    assert "dbt var ic_horizons must be a list of whole numbers >= 1 that includes 1" in str(result.exception or result.result)
