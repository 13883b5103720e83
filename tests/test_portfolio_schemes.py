"""Portfolio schemes (dbt var portfolio_schemes, macros/factor_sorts_settings.sql) against an
independent pandas implementation on one small monthly panel with an exchange column, market
equity, prices, a per-stock cost, ties and missing values: value- and capped-value-weighted
quintile returns on NYSE breakpoints (Tidy Finance's value weights, market equity at formation,
and NYSE breakpoints; JKP's capped weights, market equity winsorized at the NYSE 80th percentile),
the price and microcap screens, JKP's non-microcap breakpoints with minimum stocks, a 6-month
overlapping hold (Jegadeesh-Titman) and its cost, net returns (gross - turnover x cost), and 2 x 3 dependent and
3 x 2 independent double sorts. Also: the panel's
stock-level columns reach stock_periods, and a scheme that needs a column the input lacks is an
error naming the panel key to set."""

import duckdb
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from factor_warehouse.cli.dbt_runner import run_dbt
from tests.test_readme_settings import README_EXAMPLES

TOLERANCE = 1e-10
PORTFOLIO_COUNT = 5
N_STOCKS, N_MONTHS = 50, 10
PANEL_KEYS = {"id_column": "id", "period_column": "eom", "return_column": "ret", "market_equity_column": "me",
              "exchange_column": "exch", "price_column": "prc", "cost_column": "spread"}
SCHEMES = [
    {"name": "equal"},
    {"name": "vw_nyse", "breakpoints": "nyse", "weights": "value"},
    {"name": "cvw_nyse", "breakpoints": "nyse", "weights": "capped_value"},
    {"name": "screened", "weights": "value", "min_price": 5, "exclude_microcaps": True, "min_stocks_per_leg": 2},
    {"name": "jkp", "breakpoints": "non_microcap", "weights": "capped_value", "min_breakpoint_stocks": 10,
     "min_stocks_per_leg": 3},
    {"name": "jt6", "breakpoints": "nyse", "weights": "value", "holding_periods": 6, "cost_bps": "column"},
    {"name": "costly", "cost_bps": 25},
    {"name": "spread_cost", "weights": "value", "cost_bps": "column"},
]
DEFAULTS = {"breakpoints": "all", "weights": "equal", "size_universe": "nyse", "size_percentile": 20,
            "cap_percentile": 80, "min_price": None, "exclude_microcaps": False, "min_stocks_per_leg": 1,
            "min_breakpoint_stocks": 1, "holding_periods": 1, "cost_bps": 0}
DOUBLE_SORTS = [{"name": "ff_2x3"}, {"name": "on_f2", "control": "f2", "method": "independent", "control_groups": 3,
                                      "factor_groups": 2}]
SELECTION = ["--select", "+path:models/marts/factor_sorts", "+factor_scheme_summary", "+factor_summary",
             "--indirect-selection", "cautious"]


def make_panel():
    """50 stocks x 10 months: NYSE (exch 1) every third stock, one stock without an exchange; market
    equity drawn from a pool of 40 values (ties), some missing and one zero; prices on a half-dollar
    grid, some negative (CRSP's bid-ask midpoints) or missing; two characteristics with ties (f2 drawn
    from 8 values) and gaps. Values are continuous otherwise, so that no breakpoint interpolated
    between two different values is also a stock's value (where the last bit of the interpolation
    would decide the stock's portfolio)."""
    rng = np.random.default_rng(21)
    rows = N_STOCKS * N_MONTHS
    ids = np.tile(np.arange(1, N_STOCKS + 1), N_MONTHS)
    months = np.repeat(pd.date_range("2020-01-31", periods=N_MONTHS, freq="ME"), N_STOCKS)
    exchange = pd.array(np.where(ids % 3 == 0, 1, 3), dtype="Int64")
    exchange[ids == 7] = pd.NA
    market_equity = rng.choice(rng.lognormal(5, 1.2, 40), rows)
    market_equity[rng.random(rows) < 0.05] = np.nan
    market_equity[3] = 0.0
    price = np.round(rng.uniform(1, 40, rows) * 2) / 2 * np.where(rng.random(rows) < 0.1, -1, 1)
    price[rng.random(rows) < 0.05] = np.nan
    returns = rng.normal(0.01, 0.08, rows)
    returns[rng.random(rows) < 0.05] = np.nan
    f1 = rng.normal(size=rows) + 0.002 * np.nan_to_num(market_equity)
    f1[rng.random(rows) < 0.1] = np.nan
    f2 = rng.choice(rng.normal(size=8), rows)
    f2[rng.random(rows) < 0.1] = np.nan
    return pd.DataFrame({"id": ids, "eom": months.date, "ret": returns, "exch": exchange, "me": market_equity,
                         "prc": price, "spread": np.round(rng.uniform(0.001, 0.02, rows), 4), "f1": f1, "f2": f2})


@pytest.fixture(scope="module")
def panel():
    return make_panel()


@pytest.fixture(scope="module")
def warehouse(panel, tmp_path_factory):
    directory = tmp_path_factory.mktemp("portfolio_schemes")
    path = directory / "panel.parquet"
    panel.to_parquet(path, index=False)
    database = directory / "warehouse.duckdb"
    result = run_dbt(["build", *SELECTION], database=database,
                     dbt_vars={"panel": {"path": str(path), **PANEL_KEYS}, "portfolio_count": PORTFOLIO_COUNT,
                               "portfolio_schemes": SCHEMES, "double_sorts": DOUBLE_SORTS})
    assert result.success, result.exception or [r.message for r in result.result.results
                                                if r.status not in ("success", "pass")]
    connection = duckdb.connect(str(database), read_only=True)
    yield connection
    connection.close()


# --- the reference: pandas, one period at a time ---------------------------------------------


def stock_months(panel):
    """One row per stock-month with alpha (percent return minus the month's equal-weighted mean, the
    panel's default alpha_method) and the month's position."""
    frame = panel.copy()
    frame["period"] = pd.to_datetime(frame["eom"])
    frame["alpha"] = frame["ret"] * 100 - frame.groupby("period")["ret"].transform("mean") * 100
    frame["period_index"] = frame["period"].rank(method="dense").astype(int)
    frame["is_nyse"] = (frame["exch"] == 1).fillna(False).astype(bool)
    frame["positive_me"] = frame["me"].where(frame["me"] > 0)
    return frame


def scheme_stocks(month, scheme):
    """The month's stocks with the scheme's sample, breakpoint flag, weight and cost (percent)."""
    universe = month["positive_me"][month["is_nyse"]] if scheme["size_universe"] == "nyse" else month["positive_me"]
    universe = universe.dropna()
    cutoff = np.quantile(universe, scheme["size_percentile"] / 100) if len(universe) else np.nan
    cap = np.quantile(universe, scheme["cap_percentile"] / 100) if len(universe) else np.nan
    month = month.copy()
    above_cutoff = month["me"] >= cutoff
    in_sample = pd.Series(True, index=month.index)
    if scheme["min_price"] is not None:
        in_sample &= month["prc"].abs() >= scheme["min_price"]
    if scheme["exclude_microcaps"]:
        in_sample &= above_cutoff
    month["in_sample"] = in_sample
    month["is_breakpoint"] = {"all": True, "nyse": month["is_nyse"], "non_microcap": above_cutoff}[scheme["breakpoints"]]
    month["weight"] = {"equal": pd.Series(1.0, index=month.index), "value": month["positive_me"],
                       "capped_value": np.minimum(month["positive_me"], cap)}[scheme["weights"]]
    month["cost_pct"] = month["spread"] * 100 if scheme["cost_bps"] == "column" else scheme["cost_bps"] / 100
    return month[month["in_sample"]]


def weighted_mean(alpha, weight):
    usable = alpha.notna() & weight.notna()
    return (alpha[usable] * weight[usable]).sum() / weight[usable].sum() if usable.any() else np.nan, int(usable.sum())


def formations(frame, factor, scheme):
    """{period_index: DataFrame of the members (id, portfolio, weight, cost_pct, alpha)} of the factor's
    portfolios formed in each month with enough breakpoint stocks."""
    formed = {}
    for index, month in frame.groupby("period_index"):
        stocks = scheme_stocks(month, scheme)
        stocks = stocks[stocks[factor].notna()]
        breakpoint_values = stocks.loc[stocks["is_breakpoint"], factor]
        if stocks.empty or len(breakpoint_values) < scheme["min_breakpoint_stocks"]:
            continue
        edges = np.quantile(breakpoint_values, np.arange(1, PORTFOLIO_COUNT) / PORTFOLIO_COUNT)
        stocks = stocks.assign(portfolio=1 + np.searchsorted(edges, stocks[factor].to_numpy(), side="left"))
        formed[index] = stocks[["id", "portfolio", "weight", "cost_pct", "alpha"]]
    return formed


def reference_returns(frame, factor, scheme):
    """Rows (period_index, portfolio, mean_alpha, trading_cost_pct) of the scheme's portfolios. The cost of
    holding K overlapping cohorts: the cohort formed at the period enters with weight 1/K and the one formed
    K periods before leaves; the weight bought is 1/K of the new cohort's weight in stocks not in the
    leaving one (K = 1: the stocks new since the previous period)."""
    scheme = {**DEFAULTS, **scheme}
    formed = formations(frame, factor, scheme)
    by_month = {index: month.set_index("id") for index, month in frame.groupby("period_index")}
    rows = []
    for index, members in formed.items():
        for portfolio in range(1, PORTFOLIO_COUNT + 1):
            held = []
            for start in range(index - scheme["holding_periods"] + 1, index + 1):
                if start not in formed:
                    continue
                cohort = formed[start][formed[start]["portfolio"] == portfolio].set_index("id")
                now = by_month[index].reindex(cohort.index)
                scheme_now = scheme_stocks(by_month[index].reset_index(), {**scheme, "min_price": None,
                                                                            "exclude_microcaps": False})
                weight = scheme_now.set_index("id")["weight"].reindex(cohort.index)
                mean, count = weighted_mean(now["alpha"], weight)
                if count >= scheme["min_stocks_per_leg"]:
                    held.append(mean)
            mean_alpha = np.mean(held) if held else np.nan
            current = members[members["portfolio"] == portfolio]
            cost = np.nan
            holding = scheme["holding_periods"]
            if index - holding in formed and len(current) and current["weight"].notna().any():
                leaving = formed[index - holding]
                before = set(leaving.loc[leaving["portfolio"] == portfolio, "id"])
                new = current[~current["id"].isin(before)]
                cost = (new["weight"] * new["cost_pct"]).sum() / current["weight"].sum() / holding
            rows.append((index, portfolio, mean_alpha, cost))
    return pd.DataFrame(rows, columns=["period_index", "portfolio", "reference_mean_alpha", "reference_cost"])


def warehouse_returns(warehouse, scheme_name, factor):
    return warehouse.execute(
        """
        select periods.period_index, portfolio_alpha.portfolio, portfolio_alpha.mean_alpha, turnover.trading_cost_pct,
               turnover.holding_trading_cost_pct
        from factor_portfolio_alpha as portfolio_alpha
        inner join periods using (period)
        inner join factor_turnover as turnover using (scheme, factor, period, portfolio)
        where portfolio_alpha.scheme = ? and portfolio_alpha.factor = ?
        order by all
        """, [scheme_name, factor]).df()


@pytest.mark.parametrize("scheme", SCHEMES, ids=[scheme["name"] for scheme in SCHEMES])
@pytest.mark.parametrize("factor", ["f1", "f2", "me"])
def test_portfolio_returns_equal_the_pandas_reference(warehouse, panel, scheme, factor):
    expected = reference_returns(stock_months(panel), factor, scheme)
    found = warehouse_returns(warehouse, scheme["name"], factor)
    found["period_index"] -= found["period_index"].min() - 1  # calendar positions of consecutive months, from 1
    merged = expected.merge(found, on=["period_index", "portfolio"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    assert len(merged) == N_MONTHS * PORTFOLIO_COUNT
    assert (merged["mean_alpha"].isna() == merged["reference_mean_alpha"].isna()).all()
    assert np.allclose(merged["mean_alpha"], merged["reference_mean_alpha"], rtol=0, atol=TOLERANCE, equal_nan=True)
    assert (merged["holding_trading_cost_pct"].isna() == merged["reference_cost"].isna()).all()
    assert np.allclose(merged["holding_trading_cost_pct"], merged["reference_cost"], rtol=0, atol=TOLERANCE,
                       equal_nan=True)
    if scheme.get("holding_periods", 1) == 1:
        assert merged["trading_cost_pct"].equals(merged["holding_trading_cost_pct"])
    else:
        assert (merged["holding_trading_cost_pct"] > 0).any()


def groups(values, breakpoint_values, count):
    """1 + the number of the k/count quantiles (numpy linear) of breakpoint_values strictly below each value."""
    edges = np.quantile(breakpoint_values, np.arange(1, count) / count)
    return 1 + np.searchsorted(edges, values, side="left")


def reference_double_sort(frame, factor, scheme, double_sort):
    """Rows (period_index, control_group, factor_group, mean_alpha) and the controlled long-short per month."""
    scheme, double_sort = {**DEFAULTS, **scheme}, {"control": "size", "control_groups": 2, "factor_groups": 3,
                                                  "method": "dependent", **double_sort}
    cells, spreads = [], []
    for index, month in frame.groupby("period_index"):
        stocks = scheme_stocks(month, scheme)
        control = stocks["positive_me"] if double_sort["control"] == "size" else stocks[double_sort["control"]]
        stocks = stocks.assign(control=control).dropna(subset=[factor, "control"])
        breakpoint_stocks = stocks[stocks["is_breakpoint"]]
        if breakpoint_stocks.empty:
            continue
        stocks["control_group"] = groups(stocks["control"], breakpoint_stocks["control"], double_sort["control_groups"])
        parts = ([stocks[stocks["control_group"] == group] for group in sorted(stocks["control_group"].unique())]
                 if double_sort["method"] == "dependent" else [stocks])
        assigned = []
        for part in parts:
            if part["is_breakpoint"].any():
                assigned.append(part.assign(factor_group=groups(part[factor], part.loc[part["is_breakpoint"], factor],
                                                                double_sort["factor_groups"])))
        month_cells = {}
        for (control_group, factor_group), cell in pd.concat(assigned).groupby(["control_group", "factor_group"]):
            mean, count = weighted_mean(cell["alpha"], cell["weight"])
            month_cells[control_group, factor_group] = mean if count >= scheme["min_stocks_per_leg"] else np.nan
            cells.append((index, control_group, factor_group, month_cells[control_group, factor_group]))
        legs = [month_cells.get((group, double_sort["factor_groups"]), np.nan) - month_cells.get((group, 1), np.nan)
                for group in range(1, double_sort["control_groups"] + 1)]
        spreads.append((index, np.mean(legs) if not np.isnan(legs).any() else np.nan))
    return (pd.DataFrame(cells, columns=["period_index", "control_group", "factor_group", "reference_mean_alpha"]),
            pd.DataFrame(spreads, columns=["period_index", "reference_long_short"]))


@pytest.mark.parametrize("double_sort", DOUBLE_SORTS, ids=[double_sort["name"] for double_sort in DOUBLE_SORTS])
@pytest.mark.parametrize("scheme", [SCHEMES[0], SCHEMES[1], SCHEMES[4]], ids=["equal", "vw_nyse", "jkp"])
def test_double_sorts_equal_the_pandas_reference(warehouse, panel, scheme, double_sort):
    expected_cells, expected_spreads = reference_double_sort(stock_months(panel), "f1", scheme, double_sort)
    cells = warehouse.execute(
        """
        select periods.period_index, control_group, factor_group, mean_alpha
        from factor_double_sort_portfolios inner join periods using (period)
        where double_sort = ? and scheme = ? and factor = 'f1'
        """, [double_sort["name"], scheme["name"]]).df()
    spreads = warehouse.execute(
        """
        select periods.period_index, long_short_return
        from factor_controlled_long_short inner join periods using (period)
        where double_sort = ? and scheme = ? and factor = 'f1'
        """, [double_sort["name"], scheme["name"]]).df()
    for found in (cells, spreads):
        found["period_index"] -= found["period_index"].min() - 1
    merged = expected_cells.merge(cells, on=["period_index", "control_group", "factor_group"], how="outer",
                                  indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) >= N_MONTHS * 4
    assert np.allclose(merged["mean_alpha"], merged["reference_mean_alpha"], rtol=0, atol=TOLERANCE, equal_nan=True)
    merged = expected_spreads.merge(spreads, on="period_index", how="outer", indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) == N_MONTHS
    assert merged["long_short_return"].notna().sum() >= N_MONTHS - 2
    assert np.allclose(merged["long_short_return"], merged["reference_long_short"], rtol=0, atol=TOLERANCE,
                       equal_nan=True)


def test_scheme_summary_t_equals_statsmodels_newey_west_of_the_reference_series(warehouse, panel):
    """factor_scheme_summary's Newey-West t of the 6-month hold's long-short series, against statsmodels'
    HAC regression on a constant over the pandas reference's series; the primary scheme's equals
    factor_summary's."""
    reference = reference_returns(stock_months(panel), "f1", SCHEMES[5]).pivot(
        index="period_index", columns="portfolio", values="reference_mean_alpha")
    series = (reference[PORTFOLIO_COUNT] - reference[1]).dropna().to_numpy()
    lags = int(warehouse.sql("select newey_west_lags from int_factor_evaluation__settings").fetchone()[0])
    fit = sm.OLS(series, np.ones(len(series))).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    found = warehouse.sql("select long_short_nw_t, spread_periods from factor_scheme_summary "
                          "where factor = 'f1' and scheme = 'jt6'").fetchone()
    assert found == (pytest.approx(fit.tvalues[0], abs=1e-9), len(series))
    compared = warehouse.sql(
        """
        select schemes.long_short_nw_t, schemes.spread_t_statistic, summary.long_short_nw_t, summary.spread_t_statistic
        from factor_scheme_summary as schemes inner join factor_summary as summary using (factor)
        where schemes.scheme_index = 1
        """).fetchall()
    assert len(compared) == 5
    for scheme_nw_t, scheme_t, summary_nw_t, summary_t in compared:
        assert (scheme_nw_t, scheme_t) == (pytest.approx(summary_nw_t, abs=1e-12), pytest.approx(summary_t, abs=1e-12))


def test_the_readme_scheme_example_builds_on_a_jkp_shaped_panel(panel, tmp_path):
    """The README's portfolio_schemes example (JKP's column names) on the panel renamed to them."""
    example = next(example for example in README_EXAMPLES if "portfolio_schemes" in example)
    path = tmp_path / "jkp.parquet"
    panel.rename(columns={"ret": "ret_exc_lead1m", "exch": "crsp_exchcd"}).drop(columns=["prc", "spread"]).to_parquet(
        path, index=False)
    database = tmp_path / "warehouse.duckdb"
    result = run_dbt(["build", "--select", "+factor_scheme_summary", "--exclude", "test_type:data"], database=database,
                     dbt_vars={**example, "panel": {**example["panel"], "path": str(path)}})
    assert result.success, result.exception
    with duckdb.connect(str(database), read_only=True) as connection:
        schemes = connection.sql("select factor, list(scheme order by scheme_index) from factor_scheme_summary "
                                 "group by factor").fetchall()
        portfolio_counts = connection.sql("select distinct portfolio_count from factor_portfolio_alpha").fetchall()
    assert {tuple(names) for _, names in schemes} == {tuple(scheme["name"] for scheme in example["portfolio_schemes"])}
    assert len(schemes) == 3 and portfolio_counts == [(example["portfolio_count"],)]


def test_the_schemes_differ_where_their_constructions_do(warehouse):
    """The reference agreement above is not vacuous: weights, breakpoints and screens change the returns."""
    means = warehouse.sql("select scheme, sum(abs(mean_alpha)) as total from factor_portfolio_alpha "
                          "where factor = 'f1' group by scheme").df().set_index("scheme")["total"]
    assert len(set(np.round(means[["equal", "vw_nyse", "cvw_nyse", "screened", "jkp", "jt6"]], 8))) == 6
    assert means["costly"] == pytest.approx(means["equal"], abs=TOLERANCE)


def test_net_returns_are_gross_minus_both_legs_turnover_times_cost(warehouse):
    rows = warehouse.sql(
        f"""
        select long_short.scheme, long_short.long_short_return, long_short.net_long_short_return,
               long_short.long_short_note, long_leg.traded_weight as long_traded, short_leg.traded_weight as short_traded,
               long_leg.turnover as long_turnover, short_leg.turnover as short_turnover,
               long_leg.holding_trading_cost_pct as long_cost, short_leg.holding_trading_cost_pct as short_cost
        from factor_long_short_returns as long_short
        inner join factor_turnover as long_leg
            on long_leg.scheme = long_short.scheme and long_leg.factor = long_short.factor
            and long_leg.period = long_short.period and long_leg.portfolio = {PORTFOLIO_COUNT}
        inner join factor_turnover as short_leg
            on short_leg.scheme = long_short.scheme and short_leg.factor = long_short.factor
            and short_leg.period = long_short.period and short_leg.portfolio = 1
        where long_short.scheme in ('costly', 'equal', 'jt6')
        """).df()
    costly = rows[(rows["scheme"] == "costly") & rows["net_long_short_return"].notna()]
    assert len(costly) > 20
    # equal weights: the weight traded is the turnover, at 25 bps = 0.25 percentage points
    assert np.allclose(costly["long_traded"], costly["long_turnover"], atol=TOLERANCE)
    expected = costly["long_short_return"] - (costly["long_turnover"] + costly["short_turnover"]) * 0.25
    assert np.allclose(costly["net_long_short_return"], expected, rtol=0, atol=TOLERANCE)
    assert (costly["net_long_short_return"] < costly["long_short_return"]).any()
    free = rows[(rows["scheme"] == "equal") & rows["net_long_short_return"].notna()]
    assert (free["net_long_short_return"] == free["long_short_return"]).all()
    first = rows[rows["scheme"].isin(["costly", "equal"]) & rows["long_turnover"].isna()]
    assert first["net_long_short_return"].isna().all() and len(first) > 0
    assert first["long_short_note"].str.contains("no turnover").all()
    held = rows[rows["scheme"] == "jt6"]
    netted = held[held["net_long_short_return"].notna()]
    assert len(netted) > 5
    expected = netted["long_short_return"] - (netted["long_cost"] + netted["short_cost"])
    assert np.allclose(netted["net_long_short_return"], expected, rtol=0, atol=TOLERANCE)
    assert (netted["net_long_short_return"] < netted["long_short_return"]).any()
    unheld = held[held["long_cost"].isna() & held["long_short_return"].notna()]
    assert len(unheld) > 0 and unheld["net_long_short_return"].isna().all()
    assert unheld["long_short_note"].str.contains("no portfolios 6 periods before").all()


def test_screens_say_why_a_stock_or_a_leg_is_left_out(warehouse):
    reasons = set(warehouse.sql("select distinct exclusion_reason from int_factor_sorts__scheme_stocks "
                                "where scheme = 'screened'").df()["exclusion_reason"].dropna())
    assert reasons == {"no price (min_price)", "price below min_price",
                       "microcap, or no market equity (exclude_microcaps)"}
    notes = warehouse.sql("select portfolio_note, mean_alpha from factor_portfolio_alpha "
                          "where portfolio_note is not null and scheme in ('jkp', 'screened')").df()
    assert notes["mean_alpha"].isna().all()
    assert notes["portfolio_note"].str.match(r"mean_alpha: \d+ stocks with an alpha, fewer than min_stocks_per_leg "
                                             r"[23]$").all()


def test_the_stock_level_columns_reach_stock_periods(warehouse, panel):
    found = warehouse.sql("select stock_id, period, market_equity, exchange, is_nyse, price, cost_pct "
                          "from stock_periods order by period, cast(stock_id as integer)").df()
    assert len(found) == len(panel)
    expected = panel.sort_values(["eom", "id"])
    assert np.array_equal(found["market_equity"], expected["me"], equal_nan=True)
    assert np.array_equal(found["price"], expected["prc"], equal_nan=True)
    assert np.allclose(found["cost_pct"], expected["spread"] * 100, rtol=1e-12)
    assert found["exchange"].fillna("").tolist() == expected["exch"].astype("string").fillna("").tolist()
    assert (found["is_nyse"].fillna(False) == (expected["exch"] == 1).fillna(False).to_numpy()).all()
    assert found["is_nyse"].isna().sum() == N_MONTHS


def test_default_scheme_is_the_articles_construction(demo_warehouse):
    assert demo_warehouse.sql("select distinct scheme from factor_long_short_returns").fetchall() == [("equal",)]
    assert demo_warehouse.sql("select distinct holding_periods from factor_portfolio_alpha").fetchall() == [(1,)]


@pytest.mark.parametrize("scheme, message", [
    ({"name": "nyse", "breakpoints": "nyse"},
     "dbt var portfolio_schemes, scheme 'nyse' needs the stocks' exchange, which this input does not give: "
     "set the dbt var panel.exchange_column to the panel's column"),
    ({"name": "capped", "weights": "capped_value"},
     "dbt var portfolio_schemes, scheme 'capped' needs the stocks' exchange, which this input does not give: "
     "set the dbt var panel.exchange_column to the panel's column, or use size_universe: all"),
    ({"name": "priced", "min_price": 5},
     "scheme 'priced' needs the stocks' price, which this input does not give: set the dbt var panel.price_column"),
    ({"name": "bad", "weight": "value"}, "dbt var portfolio_schemes, scheme 1: unknown key(s) weight; the keys are"),
    ({"name": "bad", "holding_periods": 0},
     "dbt var portfolio_schemes, scheme 'bad': holding_periods must be a whole number >= 1; got '0'"),
])
def test_a_scheme_the_input_cannot_build_is_an_error_naming_what_to_set(tmp_path, scheme, message):
    """On the Kaggle files (market equity from Market Cap; no exchange, price or cost)."""
    result = run_dbt(["compile", "--select", "int_factor_sorts__scheme_values"], database=tmp_path / "w.duckdb",
                     dbt_vars={"portfolio_schemes": [scheme]})
    assert_fails_saying(result, message)


@pytest.mark.parametrize("double_sorts, message", [
    (5, "dbt var double_sorts must be a list of mappings with a name; got '5'"),
    ([{"name": "X"}], "dbt var double_sorts, sort 1: name must be lowercase letters, digits and _ and unique; got 'X'"),
    ([{"name": "a"}, {"name": "a"}], "dbt var double_sorts, sort 2: name must be lowercase letters, digits and _"),
    ([{"name": "a", "method": "both"}], "dbt var double_sorts, sort 1: method must be dependent or independent"),
    ([{"name": "a", "control_groups": 1}], "dbt var double_sorts, sort 1: control_groups must be a whole number >= 2"),
])
def test_a_double_sort_setting_that_is_not_valid_is_an_error_naming_it(tmp_path, double_sorts, message):
    result = run_dbt(["compile", "--select", "factor_double_sort_portfolios"], database=tmp_path / "w.duckdb",
                     dbt_vars={"double_sorts": double_sorts})
    assert_fails_saying(result, message)


def assert_fails_saying(result, message):
    assert not result.success
    messages = [str(result.exception)] + [str(node.message) for node in getattr(result.result, "results", [])]
    assert any(message in text for text in messages), messages


def test_kaggle_value_weights_use_market_cap_and_all_stocks(tmp_path):
    """The Kaggle files: value weights are Market Cap, the size cutoff a percentile of all stocks."""
    scheme = {"name": "vw", "weights": "value", "size_universe": "all", "exclude_microcaps": True}
    database = tmp_path / "warehouse.duckdb"
    result = run_dbt(["build", "--select", "+int_factor_sorts__scheme_stocks", "--exclude", "test_type:data"],
                     database=database, dbt_vars={"portfolio_schemes": [scheme]})
    assert result.success, result.exception
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.sql(
            """
            select stock_periods.period, stock_periods.market_equity, scheme_stocks.weight, scheme_stocks.is_in_sample
            from int_factor_sorts__scheme_stocks as scheme_stocks
            inner join stock_periods using (stock_key, period)
            """).df()
    positive = rows["market_equity"] > 0
    assert (rows.loc[positive, "weight"] == rows.loc[positive, "market_equity"]).all()
    assert rows.loc[~positive, "weight"].isna().all()
    cutoffs = rows[positive].groupby("period")["market_equity"].quantile(0.2).rename("cutoff")
    rows = rows.join(cutoffs, on="period")
    assert (rows["is_in_sample"] == (rows["market_equity"] >= rows["cutoff"])).all()
