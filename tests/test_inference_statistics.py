"""The inference of the factor zoo (factor_warehouse.research: ic_horizons, multiple_testing,
factor_models, grs, clusters, empirical_bayes) against independent references on the same inputs:
statsmodels OLS with HAC, statsmodels' multipletests, the GRS formula and the empirical-Bayes
model written here in numpy."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from factor_warehouse.research.clusters import factor_clusters
from factor_warehouse.research.empirical_bayes import empirical_bayes_alphas
from factor_warehouse.research.factor_models import factor_model_alphas
from factor_warehouse.research.grs import factor_grs
from factor_warehouse.research.ic_horizons import ic_by_horizon
from factor_warehouse.research.spanning import factor_spanning
from factor_warehouse.research.multiple_testing import adjusted_p_values, benjamini_hochberg, benjamini_yekutieli, holm


def autocorrelated(n, seed, mean=0.05, persistence=0.5):
    rng = np.random.default_rng(seed)
    values = np.empty(n)
    values[0] = rng.normal()
    for t in range(1, n):
        values[t] = persistence * values[t - 1] + rng.normal()
    return mean + values


@pytest.mark.parametrize("lags", [0, 2, 6])
def test_ic_t_by_horizon_is_statsmodels_hac_with_lags_covering_the_overlap(lags):
    horizons = [1, 3, 6, 12]
    periods = pd.date_range("2001-01-31", periods=48, freq="ME")
    frame = pd.DataFrame([
        {"factor": factor, "horizon": horizon, "period": period, "rank_ic": value}
        for factor in ("a", "b") for horizon in horizons
        for period, value in zip(periods, autocorrelated(48, seed=horizon + (factor == "b") * 100))
    ]).sample(frac=1.0, random_state=1)  # shuffled: the function restores the period order
    frame.loc[frame.index[:5], "rank_ic"] = np.nan  # a period without an IC is left out
    result = ic_by_horizon(frame, lags).set_index(["factor", "horizon"])
    assert len(result) == 8
    for (factor, horizon), row in result.iterrows():
        series = frame[(frame["factor"] == factor) & (frame["horizon"] == horizon)].sort_values("period")
        values = series["rank_ic"].dropna().to_numpy()
        used = max(lags, horizon - 1)
        reference = sm.OLS(values, np.ones(len(values))).fit(cov_type="HAC", cov_kwds={"maxlags": used})
        assert row["newey_west_lags"] == used
        assert row["rank_ic_periods"] == len(values)
        assert row["mean_rank_ic"] == pytest.approx(values.mean(), rel=1e-12)
        assert row["rank_ic_nw_standard_error"] == pytest.approx(reference.bse[0], rel=1e-10)
        assert row["rank_ic_nw_t"] == pytest.approx(reference.tvalues[0], rel=1e-10)
        assert row["rank_ic_t_statistic"] == pytest.approx(values.mean() / (values.std(ddof=1) / np.sqrt(len(values))))
        assert pd.notna(row["statistics_note"]) == (horizon - 1 > lags)
        if horizon - 1 > lags:
            assert f"newey_west_lags is horizon - 1 = {horizon - 1}" in row["statistics_note"]


def test_ic_t_by_horizon_needs_periods_for_its_own_lags():
    frame = pd.DataFrame({"factor": "a", "horizon": 12, "period": pd.date_range("2001-01-31", periods=12, freq="ME"),
                          "rank_ic": autocorrelated(12, seed=3)})
    row = ic_by_horizon(frame, 1).iloc[0]
    assert row["newey_west_lags"] == 11 and row["periods_needed"] == 13
    assert np.isnan(row["rank_ic_nw_t"]) and "need at least 13 periods" in row["statistics_note"]


@pytest.mark.parametrize("count", [1, 2, 7, 200])
def test_benjamini_yekutieli_holm_and_hochberg_equal_multipletests(count):
    rng = np.random.default_rng(count)
    p_values = np.concatenate([rng.uniform(size=count - count // 3), rng.uniform(0, 1e-3, size=count // 3)])
    p_values[: min(2, count)] = p_values[0]  # ties
    for function, method in ((benjamini_hochberg, "fdr_bh"), (benjamini_yekutieli, "fdr_by"), (holm, "holm")):
        np.testing.assert_allclose(function(p_values), multipletests(p_values, method=method)[1], rtol=1e-12, atol=0)


def test_adjusted_p_values_leave_the_untested_out_of_the_family():
    p_values = pd.Series([0.01, np.nan, 0.04, 0.03])
    adjusted = adjusted_p_values(p_values)
    for name, method in (("bh_q", "fdr_bh"), ("by_q", "fdr_by"), ("holm_p", "holm")):
        assert np.isnan(adjusted[name][1])
        np.testing.assert_allclose(adjusted[name][[0, 2, 3]], multipletests([0.01, 0.04, 0.03], method=method)[1],
                                   rtol=1e-12)


def factor_model_case(n=60, seed=7):
    """Two regressors, three factors' long-short series (one with a planted alpha), with gaps."""
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2001-01-31", periods=n, freq="ME")
    regressors = pd.DataFrame({"market": rng.normal(0.6, 4.5, n), "smb": rng.normal(0.2, 3.0, n)}, index=periods)
    series = []
    for k, (alpha, beta) in enumerate(((0.8, (0.2, 0.0)), (0.0, (1.0, 0.5)), (0.1, (-0.3, 0.2)))):
        values = alpha + regressors.to_numpy() @ np.array(beta) + autocorrelated(n, seed=seed + k, mean=0.0)
        values[[3 + k, n // 3]] = np.nan
        series.append(pd.DataFrame({"factor": f"f{k}", "series": "long_short", "period": periods, "value": values}))
    model_returns = pd.concat([
        pd.DataFrame({"model": "capm", "regressor": "market", "period": periods, "value": regressors["market"]}),
        *(pd.DataFrame({"model": "two", "regressor": name, "period": periods, "value": regressors[name]})
          for name in ("market", "smb"))])
    model_returns.loc[(model_returns["model"] == "two") & (model_returns["period"] == periods[n - 2]), "value"] = np.nan
    return pd.concat(series, ignore_index=True), model_returns


@pytest.mark.parametrize("lags", [0, 3, 6])
def test_factor_model_alphas_equal_statsmodels_ols_with_hac(lags):
    series, model_returns = factor_model_case()
    alphas, loadings = factor_model_alphas(series, model_returns, lags)
    assert len(alphas) == 6 and len(loadings) == 9
    for _, row in alphas.iterrows():
        regressors = model_returns[model_returns["model"] == row["model"]].pivot(
            index="period", columns="regressor", values="value")
        values = series[series["factor"] == row["factor"]].set_index("period")["value"]
        joined = regressors.join(values).dropna()
        reference = sm.OLS(joined["value"], sm.add_constant(joined[regressors.columns])).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags})
        assert row["n_periods"] == len(joined)
        assert row["alpha"] == pytest.approx(reference.params["const"], rel=1e-8, abs=1e-10)
        assert row["alpha_standard_error"] == pytest.approx(reference.bse["const"], rel=1e-8)
        assert row["alpha_nw_t"] == pytest.approx(reference.tvalues["const"], rel=1e-8)
        assert row["r_squared"] == pytest.approx(reference.rsquared, rel=1e-8)
        degrees = len(joined) - len(regressors.columns) - 1
        assert row["alpha_p_value"] == pytest.approx(2 * stats.t.sf(abs(reference.tvalues["const"]), degrees), rel=1e-8)
        mine = loadings[(loadings["model"] == row["model"]) & (loadings["factor"] == row["factor"])].set_index("regressor")
        for name in regressors.columns:
            assert mine.loc[name, "loading"] == pytest.approx(reference.params[name], rel=1e-8, abs=1e-10)
            assert mine.loc[name, "standard_error"] == pytest.approx(reference.bse[name], rel=1e-8)
            assert mine.loc[name, "nw_t"] == pytest.approx(reference.tvalues[name], rel=1e-8)
    for _, members in alphas.groupby("model"):
        for column, method in (("alpha_bh_q_value", "fdr_bh"), ("alpha_by_q_value", "fdr_by"),
                               ("alpha_holm_p_value", "holm")):
            np.testing.assert_allclose(members[column], multipletests(members["alpha_p_value"], method=method)[1],
                                       rtol=1e-12)


def test_factor_model_alphas_need_periods_for_lags_and_regressors():
    series, model_returns = factor_model_case(n=8)
    alphas, loadings = factor_model_alphas(series, model_returns, lags=6)
    assert alphas["alpha"].isna().all() and loadings["loading"].isna().all()
    assert alphas["statistics_note"].str.contains("need at least 8 periods").all()


def grs_reference(returns, factors):
    """The textbook GRS statistic, written out: F = (T/N)((T-N-L)/(T-L-1)) a'S^-1 a / (1 + m'W^-1 m)."""
    t, n = returns.shape
    l = factors.shape[1]
    x = np.hstack([np.ones((t, 1)), factors])
    b = np.linalg.inv(x.T @ x) @ x.T @ returns
    e = returns - x @ b
    sigma = e.T @ e / (t - l - 1)
    mu = factors.mean(axis=0)
    centred = factors - mu
    omega = centred.T @ centred / (t - 1)
    a = b[0]
    f = (t / n) * ((t - n - l) / (t - l - 1)) * (a @ np.linalg.inv(sigma) @ a) / (1 + mu @ np.linalg.inv(omega) @ mu)
    return f, 1 - stats.f.cdf(f, n, t - n - l)


@pytest.mark.parametrize("planted", [0.0, 0.4])
def test_grs_equals_the_textbook_formula(planted):
    rng = np.random.default_rng(11)
    t, n = 48, 5
    periods = pd.date_range("2001-01-31", periods=t, freq="ME")
    factors = rng.normal(0.5, 3.0, size=(t, 2))
    returns = planted * np.arange(n) + factors @ rng.uniform(0.5, 1.5, size=(2, n)) + rng.normal(size=(t, n))
    portfolios = pd.DataFrame([{"factor": "f", "portfolio": j + 1, "period": periods[i], "value": returns[i, j]}
                               for i in range(t) for j in range(n)])
    model_returns = pd.concat([
        pd.DataFrame({"model": "capm", "regressor": "market", "period": periods, "value": factors[:, 0]}),
        *(pd.DataFrame({"model": "two", "regressor": name, "period": periods, "value": factors[:, k]})
          for k, name in enumerate(("market", "smb")))])
    result = factor_grs(portfolios, model_returns).set_index("model")
    for model, columns in (("capm", [0]), ("two", [0, 1])):
        f, p = grs_reference(returns, factors[:, columns])
        assert result.loc[model, "grs_f"] == pytest.approx(f, rel=1e-8)
        assert result.loc[model, "grs_p_value"] == pytest.approx(p, rel=1e-8, abs=1e-14)
        assert result.loc[model, "n_periods"] == t and result.loc[model, "n_portfolios"] == n
    assert (result["grs_p_value"] < 1e-6).all() == (planted > 0)
    short = factor_grs(portfolios[portfolios["period"] < periods[6]], model_returns)
    assert short["grs_f"].isna().all() and short["statistics_note"].str.contains("needs more periods").all()


def test_clusters_recover_groups_of_correlated_factors_and_cap_the_count():
    rng = np.random.default_rng(5)
    periods = pd.date_range("2001-01-31", periods=60, freq="ME")
    themes = rng.normal(size=(60, 3))
    rows = []
    for theme in range(3):
        for member in range(3):
            values = themes[:, theme] + 0.3 * rng.normal(size=60)
            rows += [{"factor": f"t{theme}_{member}", "period": period, "value": value}
                     for period, value in zip(periods, values)]
    frame = pd.DataFrame(rows)
    result = factor_clusters(frame, 3).set_index("factor")
    assert result["cluster"].nunique() == 3 and (result["cluster_size"] == 3).all()
    for theme in range(3):
        assert result.loc[[f"t{theme}_{m}" for m in range(3)], "cluster"].nunique() == 1
    assert result.loc["t0_0", "cluster"] == 1  # numbered by their first factor by name
    assert factor_clusters(frame, 13)["cluster"].nunique() == 9  # 13 capped by the 9 factors
    assert factor_clusters(frame, 1)["cluster"].eq(1).all()
    with pytest.raises(ValueError, match="factor_cluster_count"):
        factor_clusters(frame, 0)


def eb_case(seed=4):
    rng = np.random.default_rng(seed)
    membership = np.array([1, 1, 1, 2, 2, 2, 3, 3, 3, 3])
    cluster_effects = {1: 0.6, 2: -0.1, 3: 0.2}
    truth = 0.3 + np.array([cluster_effects[c] for c in membership]) + 0.15 * rng.normal(size=10)
    standard_errors = rng.uniform(0.1, 0.3, size=10)
    estimates = truth + standard_errors * rng.normal(size=10)
    return estimates, standard_errors, membership


def direct_log_likelihood(estimates, variances, membership, mean, tau_c, tau_w):
    """log N(estimates; mean, tau_c^2 [same cluster] + tau_w^2 I + diag(variances)), written out."""
    n = len(estimates)
    covariance = np.diag(variances + tau_w ** 2)
    for i in range(n):
        for j in range(n):
            if membership[i] == membership[j]:
                covariance[i, j] += tau_c ** 2
    residual = estimates - mean
    return -0.5 * (n * np.log(2 * np.pi) + np.log(np.linalg.det(covariance))
                   + residual @ np.linalg.inv(covariance) @ residual)


def test_empirical_bayes_maximizes_the_likelihood_a_grid_finds_and_its_posterior_is_the_direct_one():
    estimates, standard_errors, membership = eb_case()
    variances = standard_errors ** 2
    alphas = pd.DataFrame({"model": "capm", "factor": [f"f{i}" for i in range(10)], "alpha": estimates,
                           "alpha_standard_error": standard_errors})
    clusters = pd.DataFrame({"factor": alphas["factor"], "cluster": membership})
    result = empirical_bayes_alphas(alphas, clusters)
    mean, tau_c, tau_w, fitted = result.loc[0, ["prior_mean", "cluster_standard_deviation", "factor_standard_deviation",
                                                "log_likelihood"]].astype(float)
    # brute force: the likelihood on a grid; the fit is at least as good as every grid point, and near the best
    means, taus = np.linspace(-0.5, 1.5, 81), np.linspace(0.0, 1.0, 51)
    grid = np.array([[[direct_log_likelihood(estimates, variances, membership, m, c, w) for w in taus] for c in taus]
                     for m in means])
    best = np.unravel_index(np.argmax(grid), grid.shape)
    assert fitted >= grid.max() - 1e-9
    assert fitted == pytest.approx(direct_log_likelihood(estimates, variances, membership, mean, tau_c, tau_w), rel=1e-10)
    assert abs(mean - means[best[0]]) <= 0.05 and abs(tau_c - taus[best[1]]) <= 0.04 and abs(tau_w - taus[best[2]]) <= 0.04
    assert tau_c > 0.1  # the clusters differ: the fit finds their dispersion
    # the posterior in precision form: V = (P^-1 + S^-1)^-1, m = V (P^-1 mu 1 + S^-1 a)
    prior = np.array([[tau_c ** 2 * (membership[i] == membership[j]) + tau_w ** 2 * (i == j) for j in range(10)]
                      for i in range(10)])
    precision = np.linalg.inv(prior) + np.diag(1 / variances)
    covariance = np.linalg.inv(precision)
    posterior_mean = covariance @ (np.linalg.inv(prior) @ np.full(10, mean) + estimates / variances)
    posterior_sd = np.sqrt(np.diag(covariance))
    np.testing.assert_allclose(result["posterior_mean"].astype(float), posterior_mean, rtol=1e-8)
    np.testing.assert_allclose(result["posterior_standard_deviation"].astype(float), posterior_sd, rtol=1e-8)
    positive = stats.norm.cdf(posterior_mean / posterior_sd)
    np.testing.assert_allclose(result["probability_positive"].astype(float), positive, rtol=1e-8)
    significant = np.maximum(positive, 1 - positive) >= 0.975
    assert result["is_significant"].tolist() == significant.tolist() and significant.any()
    assert result["significant_set_fdr"].iloc[0] == pytest.approx(np.minimum(positive, 1 - positive)[significant].mean())
    # the prior adds information: each posterior sd is below the estimate's standard error
    assert (posterior_sd < standard_errors).all()


def test_empirical_bayes_needs_three_factors_with_an_alpha():
    alphas = pd.DataFrame({"model": "capm", "factor": ["a", "b", "c"], "alpha": [0.1, 0.2, np.nan],
                           "alpha_standard_error": [0.1, 0.1, np.nan]})
    result = empirical_bayes_alphas(alphas, pd.DataFrame({"factor": ["a", "b", "c"], "cluster": [1, 1, 2]}))
    assert result["posterior_mean"].isna().all()
    assert result["statistics_note"].iloc[0].startswith("posterior: the hyperparameters need at least 3 factors")
    assert result["statistics_note"].iloc[2] == "posterior: the factor has no alpha with a standard error in this model"


def test_spanning_adds_the_cluster_peers_to_the_model_as_statsmodels_would():
    series, model_returns = factor_model_case()
    long_short = series.drop(columns="series")
    clusters = pd.DataFrame({"factor": ["f0", "f1", "f2"], "cluster": [1, 1, 2]})
    result = factor_spanning(long_short, model_returns, clusters, lags=3).set_index(["model", "factor"])
    assert len(result) == 6
    wide = long_short.pivot(index="period", columns="factor", values="value")
    for model in ("capm", "two"):
        regressors = model_returns[model_returns["model"] == model].pivot(index="period", columns="regressor",
                                                                          values="value")
        joined = regressors.join(wide).dropna(subset=[*regressors.columns, "f0", "f1"])
        reference = sm.OLS(joined["f0"], sm.add_constant(joined[[*regressors.columns, "f1"]])).fit(
            cov_type="HAC", cov_kwds={"maxlags": 3})
        row = result.loc[(model, "f0")]
        assert row["n_cluster_peers"] == 1 and row["regressors"].endswith(", f1")
        assert row["alpha"] == pytest.approx(reference.params["const"], rel=1e-8, abs=1e-10)
        assert row["alpha_nw_t"] == pytest.approx(reference.tvalues["const"], rel=1e-8)
        # alone in its cluster: the model's own alpha
        alone = factor_model_alphas(series[series["factor"] == "f2"], model_returns, 3)[0].set_index("model")
        assert result.loc[(model, "f2"), "n_cluster_peers"] == 0
        assert result.loc[(model, "f2"), "alpha_nw_t"] == pytest.approx(alone.loc[model, "alpha_nw_t"], rel=1e-12)


def test_empirical_bayes_with_every_factor_alone_in_its_cluster_puts_the_dispersion_on_the_factors():
    estimates, standard_errors, _ = eb_case()
    alphas = pd.DataFrame({"model": "capm", "factor": [f"f{i}" for i in range(10)], "alpha": estimates,
                           "alpha_standard_error": standard_errors})
    result = empirical_bayes_alphas(alphas, pd.DataFrame({"factor": alphas["factor"], "cluster": range(1, 11)}))
    assert (result["cluster_standard_deviation"] == 0).all() and (result["factor_standard_deviation"] > 0).all()
    assert result["statistics_note"].str.startswith("cluster_standard_deviation is 0: every factor is alone").all()
    # the same fit as one cluster-free dispersion: the likelihood a grid over tau_w finds
    taus = np.linspace(0.0, 1.0, 2001)
    variances = standard_errors ** 2
    grid = [max(direct_log_likelihood(estimates, variances, np.arange(10), m, 0.0, w) for m in np.linspace(0, 1, 201))
            for w in taus[::50]]
    assert result["log_likelihood"].iloc[0] >= max(grid) - 1e-9
