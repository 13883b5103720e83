"""Factor sorts (models/marts/factor_sorts) against independent pandas/numpy/scipy references.

The median split is compared with the article's own loops (benchmarks.article), the
portfolios with numpy quantiles and searchsorted, the rank IC with pandas ranks over the pairs and
correlation (and the former ranks where the pairs are every stock) and the summary t-statistics with scipy. factor_values.pct_rank itself is
tested against pandas in tests/test_core_marts.py.
"""

import shutil

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from benchmarks.article import alpha_tables, load_wide_frame
from factor_warehouse.cli.dbt_runner import run_dbt

# the sorts, the factor evaluation's SQL tables and factor_summary, which summarizes them
FACTOR_SORTS_SELECTION = ["--select", "path:models/intermediate/factor_sorts", "path:models/marts/factor_sorts",
                          "path:models/intermediate/factor_evaluation", "path:models/marts/factor_evaluation",
                          "factor_summary"]
TOLERANCE = {"rel": 1e-9, "abs": 1e-9}


def table(connection, sql):
    return connection.sql(sql).df()


@pytest.fixture(scope="module")
def sector_quintile_warehouse(demo_database, tmp_path_factory):
    """The demo warehouse with the factor sorts rebuilt sector-neutral with J = 5 (unit and
    data tests included, so they also run under these settings)."""
    import duckdb

    database = tmp_path_factory.mktemp("sector_quintiles") / "warehouse.duckdb"
    shutil.copyfile(demo_database, database)
    result = run_dbt(["build", *FACTOR_SORTS_SELECTION], database=database,
                     dbt_vars={"portfolio_count": 5, "sort_grouping": "sector"})
    failed = [node_result.node.name for node_result in getattr(result.result, "results", [])
              if str(node_result.status) not in ("pass", "success")]
    assert result.success, f"dbt build of the factor sorts (J = 5, sector) failed: {result.exception or failed}"
    connection = duckdb.connect(str(database), read_only=True)
    yield connection
    connection.close()


def reference_portfolios(values, portfolio_count):
    """1 + number of k/J quantiles (numpy linear, k = 1..J-1) strictly below each value."""
    breakpoints = np.quantile(values, np.arange(1, portfolio_count) / portfolio_count)
    return 1 + np.searchsorted(breakpoints, values, side="left")


def reference_rank_ic(frame, stock_periods, group_columns, ranked_over_pairs=True):
    """Rank IC per (factor, period) at horizon 1 over the pairs, the stocks with both a value and an
    alpha: pandas rank(pct=True) of the value and of alpha within (factor, *group_columns) over the
    pairs alone, then the Pearson correlation over the factor-period's pairs. ranked_over_pairs=False
    is the former definition: the value ranked over all the factor's values in its group, alpha over
    all the group's stock-periods with an alpha."""
    frame = frame.dropna(subset=["value"]).copy()
    stock_periods = stock_periods.dropna(subset=["alpha"]).copy()
    frame["value_rank"] = frame.groupby(["factor", *group_columns])["value"].rank(pct=True)
    stock_periods["alpha_rank"] = stock_periods.groupby(group_columns)["alpha"].rank(pct=True)
    paired = frame.merge(stock_periods[["stock_id", "period", "alpha", "alpha_rank"]], on=["stock_id", "period"])
    if ranked_over_pairs:
        for column in ("value", "alpha"):
            paired[f"{column}_rank"] = paired.groupby(["factor", *group_columns])[column].rank(pct=True)
    return paired.groupby(["factor", "period"])[["value_rank", "alpha_rank"]].apply(correlation_or_nan
                                                                            ).rename("reference_rank_ic").reset_index()


def correlation_or_nan(year):
    """Pearson correlation of the two rank columns; NaN when either is constant (undefined, as in
    scipy.stats.spearmanr; pandas returns rounding noise such as 2e-16 there)."""
    if year["value_rank"].nunique() < 2 or year["alpha_rank"].nunique() < 2:
        return np.nan
    return year["value_rank"].corr(year["alpha_rank"])


@pytest.mark.parametrize("warehouse", ["demo_warehouse", "kaggle_sample_warehouse"])
def test_median_split_equals_the_articles_loops(warehouse, request):
    connection = request.getfixturevalue(warehouse)
    df_all, factor_columns, years = load_wide_frame(connection)
    top, below = alpha_tables(df_all, factor_columns, years)
    mart = table(connection, "select factor, period, side, median_value, n_stocks, mean_alpha "
                             "from factor_median_split_alpha")

    for side, article_table in (("above", top), ("below", below)):
        reference = (article_table.rename_axis(index="period", columns="factor").stack(future_stack=True)
                     .rename("article_mean_alpha").reset_index())
        merged = reference.merge(mart[mart["side"] == side], on=["factor", "period"], how="left")
        # A factor-year absent from the mart has no value at all: the article gets NaN there.
        absent = merged["side"].isna()
        assert merged.loc[absent, "article_mean_alpha"].isna().all()
        present = merged[~absent]
        assert len(present) == len(mart) / 2
        assert (present["article_mean_alpha"].isna() == present["mean_alpha"].isna()).all(), side
        defined = present.dropna(subset=["mean_alpha"])
        assert defined["mean_alpha"].to_numpy() == pytest.approx(defined["article_mean_alpha"].to_numpy(), **TOLERANCE)

    long = df_all.melt(id_vars=["period"], value_vars=factor_columns, var_name="factor").dropna()
    medians = long.groupby(["factor", "period"])["value"].median().rename("pandas_median").reset_index()
    merged = mart.merge(medians, on=["factor", "period"])
    assert len(merged) == len(mart)
    assert merged["median_value"].to_numpy() == pytest.approx(merged["pandas_median"].to_numpy(), **TOLERANCE)


def test_median_split_grouping_column_is_period(demo_warehouse):
    assert demo_warehouse.sql("select distinct grouping from factor_median_split_alpha").fetchall() == [("period",)]


@pytest.mark.parametrize("warehouse", ["demo_warehouse", "kaggle_sample_warehouse"])
def test_portfolios_equal_numpy_quantile_sort(warehouse, request):
    connection = request.getfixturevalue(warehouse)
    portfolios = table(connection, "select factor, period, value, portfolio, portfolio_count, grouping "
                                   "from factor_portfolios")
    assert set(portfolios["portfolio_count"]) == {2} and set(portfolios["grouping"]) == {"period"}
    expected = portfolios.groupby(["factor", "period"])["value"].transform(
        lambda values: reference_portfolios(values.to_numpy(), 2))
    assert (portfolios["portfolio"] == expected).all()


@pytest.mark.parametrize("warehouse", ["demo_warehouse", "kaggle_sample_warehouse"])
def test_rank_ic_equals_pandas_ranks_correlation(warehouse, request):
    connection = request.getfixturevalue(warehouse)
    frame = table(connection, "select factor, period, stock_id, value from factor_values")
    stock_periods = table(connection, "select stock_id, period, alpha from stock_periods")
    reference = reference_rank_ic(frame, stock_periods, ["period"])
    spreads = table(connection, "select factor, period, rank_ic from factor_ic where horizon = 1")
    merged = spreads.merge(reference, on=["factor", "period"], how="left")
    assert (merged["rank_ic"].isna() == merged["reference_rank_ic"].isna()).all()
    defined = merged.dropna(subset=["rank_ic"])
    assert len(defined) > 0
    assert defined["rank_ic"].to_numpy() == pytest.approx(defined["reference_rank_ic"].to_numpy(), **TOLERANCE)


def test_rank_ic_is_unchanged_where_the_pairs_are_every_stock(demo_warehouse):
    """Where every stock with the value has an alpha and every stock with an alpha has the value,
    ranking over the pairs is ranking over all the period's stocks: the rank IC is the former one."""
    frame = table(demo_warehouse, "select factor, period, stock_id, value from factor_values")
    stock_periods = table(demo_warehouse, "select stock_id, period, alpha from stock_periods")
    complete = table(demo_warehouse, """
        select v.factor, v.period from factor_values as v
        join stock_periods as s using (stock_id, period)
        where v.value is not null
        group by v.factor, v.period
        having count(s.alpha) = count(*)
            and count(s.alpha) = (select count(alpha) from stock_periods as y where y.period = v.period)""")
    assert len(complete) > 0, "the demo data has no factor-year with full coverage"
    found = table(demo_warehouse, "select factor, period, rank_ic from factor_ic where horizon = 1").merge(complete)
    former = reference_rank_ic(frame, stock_periods, ["period"], ranked_over_pairs=False)
    merged = found.merge(former, on=["factor", "period"])
    assert len(merged) == len(complete)
    assert merged["rank_ic"].to_numpy() == pytest.approx(merged["reference_rank_ic"].to_numpy(), **TOLERANCE)
    # elsewhere (a stock with an alpha but no value) the former ranks differ from Spearman's rho
    differing = table(demo_warehouse, "select factor, period, rank_ic from factor_ic where horizon = 1").merge(
        former, on=["factor", "period"]).dropna()
    assert (differing["rank_ic"] - differing["reference_rank_ic"]).abs().max() > 1e-6


def test_summary_statistics_equal_scipy(demo_warehouse):
    spreads = table(demo_warehouse, "select factor, period, long_short_return as spread, rank_ic from factor_long_short_returns "
                                    "left join (select factor, period, rank_ic from factor_ic where horizon = 1) "
                                    "using (factor, period)")
    summary = table(demo_warehouse, "select * from factor_summary").set_index("factor")
    assert len(summary) == spreads["factor"].nunique()
    for factor, years in spreads.groupby("factor"):
        row = summary.loc[factor]
        for column, prefix, count in (("spread", "spread", "spread_periods"), ("rank_ic", "rank_ic", "rank_ic_periods")):
            series = years[column].dropna()
            assert row[count] == len(series)
            if len(series) >= 2 and series.std() > 0:
                assert row[f"{prefix}_t_statistic"] == pytest.approx(stats.ttest_1samp(series, 0).statistic, **TOLERANCE)
                assert row[f"{prefix}_standard_deviation"] == pytest.approx(series.std(ddof=1), **TOLERANCE)
            else:
                assert pd.isna(row[f"{prefix}_t_statistic"])
        spread = years["spread"].dropna()
        assert row["hit_rate"] == pytest.approx((spread > 0).mean(), nan_ok=True, **TOLERANCE)
    ranked = summary.dropna(subset=["spread_t_statistic"])
    expected_rank = ranked["spread_t_statistic"].abs().rank(ascending=False, method="min")
    assert (ranked["spread_t_statistic_rank"] == expected_rank).all()


def test_planted_effects_lead_the_summary_with_the_right_sign(demo_warehouse):
    summary = table(demo_warehouse, "select * from factor_summary").set_index("factor")
    # The rank IC t-statistic puts the two planted linear effects first, with their signs.
    by_rank_ic = summary["rank_ic_t_statistic"].abs().sort_values(ascending=False)
    assert set(by_rank_ic.index[:2]) == {"Market Cap", "PE ratio"}
    assert summary.loc["Market Cap", "rank_ic_t_statistic"] > 0 > summary.loc["PE ratio", "rank_ic_t_statistic"]
    # The spread's t-statistic over T = 5 years has 4 degrees of freedom, so among 218 noise
    # factors one can come close (a noise factor is 2nd on the demo data): top 3, right sign,
    # and the sign holds every year.
    assert summary.loc["Market Cap", "spread_t_statistic_rank"] == 1
    assert summary.loc["PE ratio", "spread_t_statistic_rank"] <= 3
    assert summary.loc["Market Cap", "mean_spread"] > 0 and summary.loc["Market Cap", "hit_rate"] == 1.0
    assert summary.loc["PE ratio", "mean_spread"] < 0 and summary.loc["PE ratio", "hit_rate"] == 0.0
    # The U-shaped effect is symmetric around the median: the median split does not see it.
    assert summary.loc["Revenue Growth", "spread_t_statistic_rank"] > 10


def test_sector_neutral_quintiles_sort_within_sectors(sector_quintile_warehouse):
    connection = sector_quintile_warehouse
    for name in ("factor_portfolios", "factor_portfolio_alpha", "factor_long_short_returns", "factor_summary"):
        assert connection.sql(f"select distinct grouping, portfolio_count from {name}").fetchall() == [("sector", 5)]
    assert connection.sql("select distinct grouping from factor_ic").fetchall() == [("sector",)]

    portfolios = table(connection, "select p.factor, p.period, p.sort_group, p.value, p.portfolio, s.sector "
                                   "from factor_portfolios as p join stock_periods as s using (stock_id, period)")
    assert (portfolios["sort_group"] == portfolios["sector"].fillna("(no sector)")).all()
    expected = portfolios.groupby(["factor", "period", "sort_group"])["value"].transform(
        lambda values: reference_portfolios(values.to_numpy(), 5))
    assert (portfolios["portfolio"] == expected).all()

    frame = table(connection, "select factor, period, stock_id, value from factor_values")
    stock_periods = table(connection, "select stock_id, period, coalesce(sector, '(no sector)') as sort_group, alpha "
                                    "from stock_periods")
    frame = frame.merge(stock_periods[["stock_id", "period", "sort_group"]], on=["stock_id", "period"])
    reference = reference_rank_ic(frame, stock_periods, ["period", "sort_group"])
    merged = table(connection, "select factor, period, rank_ic from factor_ic where horizon = 1").merge(
        reference, on=["factor", "period"], how="left").dropna(subset=["rank_ic"])
    assert len(merged) > 0
    assert merged["rank_ic"].to_numpy() == pytest.approx(merged["reference_rank_ic"].to_numpy(), **TOLERANCE)


def test_quintiles_reveal_the_u_shaped_effect_the_median_split_misses(sector_quintile_warehouse):
    alpha = table(sector_quintile_warehouse, "select period, portfolio, mean_alpha from factor_portfolio_alpha "
                                             "where factor = 'Revenue Growth'")
    by_year = alpha.pivot(index="period", columns="portfolio", values="mean_alpha")
    assert (by_year[1] > by_year[3]).all() and (by_year[5] > by_year[3]).all()
