"""The inference tables (market_returns, factor_alphas, factor_alpha_loadings, factor_grs and the
factor-model CSV of the dbt var factor_models) on the demo panel with a Fama-French-like file:
every statistic against statsmodels OLS with HAC or the textbook GRS formula on the tables' own
series; the planted factors keep their alpha, the planted market loading loses it; a bad file
stops the build with its file and line."""

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.sources.panel_demo import MARKET_LOADING, panel_truth, write_panel
from tests.test_readme_settings import readme_example

# seed 8: a sample whose market premium (1.1% a month; the demo's expected premium is 0.6%) makes
# the pure market loading's raw spread look significant, the case CAPM must explain away
PANEL_SIZE = {"n_stocks": 800, "n_months": 120, "n_characteristics": 7, "seed": 8, "start": "2001-01"}
PANEL = {"id_column": "id", "period_column": "eom", "return_column": "ret_exc_lead1m", "sector_column": "sector"}
LINEAR_PLANTED = ("be_me", "ret_12_1", "niq_su")  # the linear effects, which a high-minus-low spread shows
TOLERANCE = {"rel": 1e-8, "abs": 1e-10}


def factor_file(path, months, seed=0):
    """A Ken French-like CSV in percent: period yyyymm (the month the returns were earned), Mkt-RF, SMB, HML, RF."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"period": [month.strftime("%Y%m") for month in months],
                          "Mkt-RF": rng.normal(0.6, 4.5, len(months)).round(6),
                          "SMB": rng.normal(0.2, 3.0, len(months)).round(6),
                          "HML": rng.normal(0.3, 3.0, len(months)).round(6),
                          "RF": np.full(len(months), 0.2)})
    frame.to_csv(path, index=False)
    return frame


def model_vars(path, **settings):
    """The README's factor_models example (models capm_ff and ff3 of a Fama-French 3 file, percent, RF,
    excess stock returns as the demo panel's), on the file at `path`, with `settings` changed."""
    example = readme_example("factor_models")["factor_models"]
    return {"factor_models": {**example, "path": str(path), **settings}}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(database, the factor file's frame) of the project built on the demo panel with quintile sorts."""
    directory = tmp_path_factory.mktemp("inference_panel")
    path = write_panel(directory / "panel.parquet", **PANEL_SIZE).path
    # months 2001-02 .. 2011-01: the returns of warehouse periods 2001-01 .. 2010-12
    frame = factor_file(directory / "ff3.csv", pd.period_range("2001-02", periods=120, freq="M"))
    database = directory / "warehouse.duckdb"
    result = run_dbt(["build"], database=database, dbt_vars={
        "panel": {"path": str(path), **PANEL}, "portfolio_count": 5, "factor_cluster_count": 3,
        **model_vars(directory / "ff3.csv")})
    assert result.success, result.exception or [r.message for r in result.result.results if r.status not in
                                                ("success", "pass")]
    return database, frame


@pytest.fixture(scope="module")
def warehouse(built):
    connection = duckdb.connect(str(built[0]), read_only=True)
    yield connection
    connection.close()


def table(connection, sql, params=None):
    return connection.execute(sql, params or []).df()


def test_market_is_the_equal_weighted_mean_return_of_the_excess_returns(warehouse, built):
    market = table(warehouse, "select period, n_stocks, market_return_pct from market_returns order by period")
    reference = table(warehouse, "select period, count(return_pct) as n, avg(return_pct) as mean from stock_periods "
                                 "group by period order by period")
    assert market["n_stocks"].tolist() == reference["n"].tolist()
    assert market["market_return_pct"].to_numpy() == pytest.approx(reference["mean"].to_numpy(), rel=1e-12)
    returns = table(warehouse, "select model, regressor, period, return_pct from factor_model_returns "
                               "order by model, regressor_order, period")
    capm = returns[returns["model"] == "capm"]
    # stock_returns excess (the demo panel's ret_exc_lead1m): the market as it is
    assert capm["return_pct"].to_numpy() == pytest.approx(market["market_return_pct"].to_numpy(), rel=1e-12)
    assert set(returns["model"]) == {"capm", "capm_ff", "ff3"}
    ff3 = returns[(returns["model"] == "ff3") & (returns["regressor"] == "SMB")]
    # warehouse period 2001-01-31 holds the stocks' February returns: the file's line 200102
    assert ff3["return_pct"].to_numpy() == pytest.approx(built[1]["SMB"].to_numpy(), rel=1e-12)
    assert ff3["period"].iloc[0] == pd.Timestamp("2001-01-31")


def series_frame(warehouse):
    return table(warehouse, """
        select factor, 'long_short' as series, period, long_short_return as value from factor_long_short_returns
        union all
        select factor, 'portfolio ' || portfolio, period, mean_alpha from factor_portfolio_alpha""")


def test_alphas_and_loadings_equal_statsmodels_ols_with_hac_on_the_tables_own_series(warehouse):
    alphas = table(warehouse, "select * from factor_alphas")
    loadings = table(warehouse, "select * from factor_alpha_loadings")
    returns = table(warehouse, "select model, regressor, period, return_pct from factor_model_returns")
    series = series_frame(warehouse)
    assert set(alphas["model"]) == {"capm", "capm_ff", "ff3"} and len(alphas) == 3 * 7 * 6
    for _, row in alphas.iterrows():
        regressors = returns[returns["model"] == row["model"]].pivot(index="period", columns="regressor",
                                                                     values="return_pct")
        values = series[(series["factor"] == row["factor"]) & (series["series"] == row["series"])]
        joined = regressors.join(values.set_index("period")["value"]).dropna().sort_index()
        names = row["regressors"].split(", ")
        reference = sm.OLS(joined["value"], sm.add_constant(joined[names])).fit(cov_type="HAC", cov_kwds={"maxlags": 6})
        assert row["n_periods"] == len(joined) and row["newey_west_lags"] == 6
        assert row["alpha"] == pytest.approx(reference.params["const"], **TOLERANCE)
        assert row["alpha_nw_t"] == pytest.approx(reference.tvalues["const"], **TOLERANCE)
        assert row["r_squared"] == pytest.approx(reference.rsquared, **TOLERANCE)
        mine = loadings[(loadings["model"] == row["model"]) & (loadings["factor"] == row["factor"])
                        & (loadings["series"] == row["series"])].set_index("regressor")
        assert list(mine.index) == names or sorted(mine.index) == sorted(names)
        for name in names:
            assert mine.loc[name, "loading"] == pytest.approx(reference.params[name], **TOLERANCE)
            assert mine.loc[name, "nw_t"] == pytest.approx(reference.tvalues[name], **TOLERANCE)


def test_grs_equals_the_textbook_formula_on_the_tables_own_portfolios(warehouse):
    grs = table(warehouse, "select * from factor_grs")
    returns = table(warehouse, "select model, regressor, period, return_pct from factor_model_returns")
    portfolios = table(warehouse, "select factor, portfolio, period, mean_alpha from factor_portfolio_alpha")
    assert len(grs) == 3 * 7 and (grs["n_portfolios"] == 5).all()
    for _, row in grs.iterrows():
        factors = returns[returns["model"] == row["model"]].pivot(index="period", columns="regressor", values="return_pct")
        wide = portfolios[portfolios["factor"] == row["factor"]].pivot(index="period", columns="portfolio",
                                                                       values="mean_alpha")
        joined = wide.join(factors).dropna()
        y, x = joined[wide.columns].to_numpy(), joined[factors.columns].to_numpy()
        t, n, l = len(joined), y.shape[1], x.shape[1]
        design = np.hstack([np.ones((t, 1)), x])
        b = np.linalg.inv(design.T @ design) @ design.T @ y
        e = y - design @ b
        mu = x.mean(axis=0)
        omega = (x - mu).T @ (x - mu) / (t - 1)
        f = (t / n) * ((t - n - l) / (t - l - 1)) * (b[0] @ np.linalg.inv(e.T @ e / (t - l - 1)) @ b[0]) \
            / (1 + mu @ np.linalg.inv(omega) @ mu)
        assert row["n_periods"] == t and row["n_regressors"] == l
        assert row["grs_f"] == pytest.approx(f, rel=1e-8)
        assert row["grs_p_value"] == pytest.approx(stats.f.sf(f, n, t - n - l), rel=1e-8, abs=1e-15)


def test_planted_factors_keep_their_alpha_and_the_market_loading_loses_it_under_capm(warehouse):
    truth = panel_truth(PANEL_SIZE["n_characteristics"]).set_index("characteristic")
    assert truth.loc[MARKET_LOADING.characteristic, "effect"] == "market_loading"
    alphas = table(warehouse, "select * from factor_alphas where series = 'long_short'").set_index(["model", "factor"])
    summary = table(warehouse, "select factor, mean_spread, long_short_nw_t from factor_summary").set_index("factor")
    for factor in LINEAR_PLANTED:
        for model in ("capm", "ff3"):
            assert alphas.loc[(model, factor), "alpha_nw_t"] > 3, (model, factor)
            assert alphas.loc[(model, factor), "alpha_by_q_value"] < 0.05, (model, factor)
    loading = table(warehouse, "select * from factor_alpha_loadings where model = 'capm' and series = 'long_short' "
                               "and factor = ?", [MARKET_LOADING.characteristic]).iloc[0]
    capm = alphas.loc[("capm", MARKET_LOADING.characteristic)]
    raw = summary.loc[MARKET_LOADING.characteristic]
    # raw, the spread looks like a (negative) premium; it is the market's premium times a negative
    # loading, and CAPM leaves no alpha
    assert raw["long_short_nw_t"] < -2
    assert loading["loading"] < -0.5 and loading["nw_t"] < -10 and capm["r_squared"] > 0.5
    assert abs(capm["alpha_nw_t"]) < 2 and abs(capm["alpha"]) < abs(raw["mean_spread"]) / 2
    assert capm["alpha_by_q_value"] > 0.05


def test_clusters_posteriors_and_spanning_on_the_tables_own_alphas(warehouse):
    clusters = table(warehouse, "select factor, cluster from factor_clusters order by factor")
    assert len(clusters) == 7 and clusters["cluster"].nunique() == 3
    posteriors = table(warehouse, "select * from factor_alpha_posteriors order by model, factor")
    alphas = table(warehouse, "select model, factor, alpha, alpha_standard_error from factor_alphas "
                              "where series = 'long_short' order by model, factor")
    for model, rows in posteriors.groupby("model"):
        estimates = alphas.loc[alphas["model"] == model, "alpha"].to_numpy()
        variances = alphas.loc[alphas["model"] == model, "alpha_standard_error"].to_numpy() ** 2
        membership = rows["cluster"].to_numpy()
        mu, tau_c, tau_w = rows.iloc[0][["prior_mean", "cluster_standard_deviation", "factor_standard_deviation"]]
        prior = tau_c ** 2 * (membership[:, None] == membership[None, :]) + tau_w ** 2 * np.eye(len(membership))
        covariance = np.linalg.inv(np.linalg.inv(prior) + np.diag(1 / variances))
        expected = covariance @ (np.linalg.solve(prior, np.full(len(membership), mu)) + estimates / variances)
        assert rows["posterior_mean"].to_numpy() == pytest.approx(expected, rel=1e-6, abs=1e-9)
    capm = posteriors[posteriors["model"] == "capm"].set_index("factor")
    assert capm.loc[list(LINEAR_PLANTED), "is_significant"].all()
    assert not capm.loc[MARKET_LOADING.characteristic, "is_significant"]
    spanning = table(warehouse, "select * from factor_spanning where model = 'capm'").set_index("factor")
    long_short = table(warehouse, "select factor, period, long_short_return from factor_long_short_returns").pivot(
        index="period", columns="factor", values="long_short_return")
    market = table(warehouse, "select period, return_pct as market from factor_model_returns "
                              "where model = 'capm'").set_index("period")
    for factor, row in spanning.iterrows():
        cluster = clusters.set_index("factor").loc[factor, "cluster"]
        peers = [other for other in clusters.loc[clusters["cluster"] == cluster, "factor"] if other != factor]
        joined = market.join(long_short[[factor, *peers]]).dropna().sort_index()
        reference = sm.OLS(joined[factor], sm.add_constant(joined[["market", *peers]])).fit(
            cov_type="HAC", cov_kwds={"maxlags": 6})
        assert row["n_cluster_peers"] == len(peers)
        assert row["alpha_nw_t"] == pytest.approx(reference.tvalues["const"], **TOLERANCE)


# --- the factor-model file's checks ----------------------------------------------------------------

def build_with_file(built, tmp_path, lines, selection="stg_factor_models__returns", **settings):
    """A copy of the built warehouse, its factor file replaced by `lines`, `selection` built, which must
    fail: (the file, the error messages)."""
    path, result = rebuild_with_file(built, tmp_path, lines, selection, **settings)
    assert not result.success
    messages = " ".join(str(r.message) for r in result.result.results if r.status == "error") if result.result else ""
    return path, messages or str(result.exception)


def rebuild_with_file(built, tmp_path, lines, selection, **settings):
    """A copy of the built warehouse, its factor file replaced by `lines`, `selection` built: (the file, dbt's result)."""
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(built[0], database)
    path = tmp_path / "factors.csv"
    path.write_text("\n".join(lines) + "\n")
    result = run_dbt(["build", "--select", *selection.split()], database=database,
                     dbt_vars={"panel": {"path": str(built[0].parent / "panel.parquet"), **PANEL},
                               "portfolio_count": 5, "factor_cluster_count": 3, **model_vars(path, **settings)})
    return path, result


def test_raw_stock_returns_put_the_capm_market_in_excess_of_the_risk_free_column(built, tmp_path):
    lines = ["period,Mkt-RF,SMB,HML,RF", "200102,1.1,0.5,0.3,0.25", "200103,1.2,0.1,0.2,0.5"]
    _, result = rebuild_with_file(built, tmp_path, lines,
                                  "stg_factor_models__returns factor_model_returns", stock_returns="raw")
    assert result.success, result.exception
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        capm = table(connection, "select period, m.return_pct, market_return_pct from factor_model_returns "
                                 "as m inner join market_returns using (period) where model = 'capm' order by period")
    # the line of February (RF 0.25%) is the returns of warehouse period January; periods past the file have no RF
    assert capm["return_pct"].iloc[:2].to_numpy() == pytest.approx(
        capm["market_return_pct"].iloc[:2].to_numpy() - [0.25, 0.5], rel=1e-12)
    assert capm["return_pct"].iloc[2:].isna().all()


@pytest.mark.parametrize("lines, expected", [
    (["period,Mkt-RF,SMB,HML,RF", "200102,1.1,0.5,0.3,0.2", "2001x3,1.2,0.1,0.2,0.2"],
     "line 3: period '2001x3' does not read as yyyymm, yyyy-mm, a date or yyyy"),
    (["period,Mkt-RF,SMB,HML,RF", "200102,1.1,0.5,0.3,0.2", "200102,1.2,0.1,0.2,0.2"],
     "line 3: period '200102' is given again (first on line 2)"),
    (["period,Mkt-RF,SMB,HML,RF", "200102,1.1,0.5,0.3,0.2", "200103,1.2,abc,0.2,0.2"],
     "line 3, column SMB: 'abc' is not a finite number"),
    (["period,Mkt-RF,SMB,HML,RF", "200102,0.011,0.005,0.003,0.002", "200103,0.012,0.001,0.002,0.002"],
     "the returns look like decimals"),
    (["date,Mkt-RF,SMB,HML,RF", "200102,1.1,0.5,0.3,0.2"],
     "(dbt var factor_models.path) has no column 'period'; its columns are date, Mkt-RF, SMB, HML, RF. Name the first column period"),
])
def test_a_bad_factor_file_stops_the_build_with_its_file_and_line(built, tmp_path, lines, expected):
    path, messages = build_with_file(built, tmp_path, lines)
    assert f"factor model file {path}" in messages and expected in messages, messages


def test_a_period_missing_inside_the_file_stops_the_build_naming_it(built, tmp_path):
    lines = ["period,Mkt-RF,SMB,HML,RF", "200102,1.1,0.5,0.3,0.2", "200104,1.2,0.1,0.2,0.2"]
    path, messages = build_with_file(built, tmp_path, lines,
                                     selection="stg_factor_models__returns factor_model_returns")
    assert f"factor model file {path} has no line for 2001-03 (the returns of warehouse period 2001-02-28)" in messages, \
        messages


def test_a_risk_free_column_needs_the_stock_returns_kind(built, tmp_path):
    lines = ["period,Mkt-RF,SMB,HML,RF", "200102,1.1,0.5,0.3,0.2"]
    _, messages = build_with_file(built, tmp_path, lines, stock_returns=None)
    assert "factor_models.stock_returns must say whether the panel's returns are raw" in messages, messages
