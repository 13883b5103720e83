"""The alpha-model pure functions against direct scikit-learn / scipy computations on a
small synthetic panel (60 tickers x 4 years x 12 factors, 10% of ranks missing)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNetCV, Lasso, LassoCV, LinearRegression, Ridge, SGDRegressor
from sklearn.model_selection import GridSearchCV, KFold, LeaveOneGroupOut
from sklearn.pipeline import Pipeline

from factor_warehouse.research.alpha_models import INTERCEPT, MODELS, fit_alpha_model
from factor_warehouse.research.design_matrix import build_design, fill_with_training_means
from factor_warehouse.research.f_scores import benjamini_hochberg, factor_f_scores
from factor_warehouse.research.learning_curve import alpha_learning_curve
from factor_warehouse.research.metrics import alpha_model_metrics
from factor_warehouse.research.model_settings import ModelSettings
from factor_warehouse.research.penalty_selection import penalty_grid
from factor_warehouse.research.regressions import factor_regressions
from factor_warehouse.research.walk_forward import alpha_predictions

FACTORS = ["Market Cap", "PE ratio", "niperEBT", "nIperEBT"] + [f"Noise {i}" for i in range(8)]
SETTINGS = ModelSettings(top_k=3, penalty_grid_size=8, ridge_penalties=(0.1, 1.0, 10.0, 100.0, 1000.0))


def synthetic_panel(n_tickers=60, years=(2014, 2015, 2016, 2017), missing_share=0.1, seed=7):
    """Long factor ranks and targets in the warehouse's shapes (pandas rank(pct=True))."""
    rng = np.random.default_rng(seed)
    rows = []
    targets = []
    for year in years:
        raw = pd.DataFrame(rng.normal(size=(n_tickers, len(FACTORS))), columns=FACTORS)
        raw = raw.mask(rng.random(raw.shape) < missing_share)
        ranks = raw.rank(pct=True)
        signal = ranks["Market Cap"].fillna(0.5) - ranks["PE ratio"].fillna(0.5)
        alpha = 20 * signal + rng.normal(scale=8, size=n_tickers)
        tickers = [f"T{i:03d}" for i in range(n_tickers)]
        targets.append(pd.DataFrame({"ticker": tickers, "fiscal_year": year, "alpha": alpha}))
        long = ranks.assign(ticker=tickers).melt(id_vars="ticker", var_name="factor", value_name="pct_rank")
        rows.append(long.dropna().assign(fiscal_year=year))
    targets = pd.concat(targets, ignore_index=True)
    targets["alpha_rank"] = targets.groupby("fiscal_year")["alpha"].rank(pct=True)
    return pd.concat(rows, ignore_index=True), targets


@pytest.fixture(scope="module")
def panel():
    return synthetic_panel()


@pytest.fixture(scope="module")
def design(panel):
    return build_design(*panel)


def article_matrix(design, columns=None):
    """The article's X = df_rank.fillna(df_rank.mean()), via pandas."""
    ranks = design.ranks if columns is None else design.ranks[columns]
    return ranks.fillna(ranks.mean())


# ------------------------------------------------------------------ design matrix


def test_design_keeps_case_pairs_apart_and_drops_rows_without_alpha(panel):
    factor_ranks, targets = panel
    targets = targets.copy()
    targets.loc[0, "alpha"] = np.nan
    design = build_design(factor_ranks, targets)
    assert {"niperEBT", "nIperEBT"} <= set(design.ranks.columns)
    assert not design.ranks["niperEBT"].equals(design.ranks["nIperEBT"])
    assert len(design.alpha) == len(targets) - 1
    assert design.keys.equals(design.keys.sort_values(["fiscal_year", "ticker"]).reset_index(drop=True))
    lookup = factor_ranks.set_index(["ticker", "fiscal_year", "factor"])["pct_rank"]
    row = design.keys.iloc[17]
    for factor in FACTORS:
        expected = lookup.get((row["ticker"], row["fiscal_year"], factor), np.nan)
        assert np.isclose(design.ranks.loc[17, factor], expected, equal_nan=True)


def test_design_without_any_alpha_is_an_error_that_says_why(panel):
    factor_ranks, targets = panel
    with pytest.raises(ValueError, match="no stock-year has a known alpha"):
        build_design(factor_ranks, targets.assign(alpha=np.nan))


def test_filling_uses_training_rows_only_and_drops_unseen_factors(design):
    train, test = design.ranks.iloc[:100].copy(), design.ranks.iloc[100:].copy()
    train["Noise 0"] = np.nan
    columns, train_matrix, test_matrix = fill_with_training_means(train, test)
    assert "Noise 0" not in columns
    train_means = train[columns].mean()
    expected = test[columns].fillna(train_means).to_numpy()
    np.testing.assert_allclose(test_matrix, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(train_matrix, train[columns].fillna(train_means).to_numpy(), rtol=0, atol=1e-12)


# ----------------------------------------------------------------------- f-scores


def test_benjamini_hochberg_equals_scipy_and_direct_formula():
    p_values = np.random.default_rng(3).uniform(size=40) ** 3
    p_values[5] = p_values[9]  # a tie
    q_values = benjamini_hochberg(p_values)
    np.testing.assert_allclose(q_values, stats.false_discovery_control(p_values, method="bh"), rtol=0, atol=1e-12)
    count = len(p_values)
    order = np.sort(p_values)
    direct = [min(1.0, min(order[j] * count / (j + 1) for j in range(count) if order[j] >= p)) for p in p_values]
    np.testing.assert_allclose(q_values, direct, rtol=0, atol=1e-12)
    by_p = np.argsort(p_values, kind="stable")
    assert np.all(np.diff(q_values[by_p]) >= 0), "q-values must be monotone in p"
    assert np.all((q_values >= p_values) & (q_values <= 1))


def test_f_scores_equal_select_k_best_on_the_article_matrix(design):
    scores = factor_f_scores(design, top_k=3).set_index("factor")
    x = article_matrix(design)
    selector = SelectKBest(k=3, score_func=f_regression).fit(x, design.alpha)
    np.testing.assert_allclose(scores.loc[x.columns, "f_statistic"], selector.scores_, rtol=1e-9)
    np.testing.assert_allclose(scores.loc[x.columns, "p_value"], selector.pvalues_, rtol=1e-9)
    assert set(scores.index[scores["is_top_k"]]) == set(x.columns[selector.get_support()])
    assert {"Market Cap", "PE ratio"} <= set(scores.index[scores["is_top_k"]])
    assert sorted(scores["score_rank"]) == list(range(1, len(FACTORS) + 1))
    np.testing.assert_allclose(scores["q_value"], stats.false_discovery_control(scores["p_value"]), atol=1e-12)


# ------------------------------------------------------- single-factor regressions


def test_factor_regressions_equal_linregress_without_filling(panel):
    factor_ranks, targets = panel
    pairs = factor_ranks.merge(targets, on=["ticker", "fiscal_year"])
    result = factor_regressions(pairs).set_index("factor")
    assert sorted(result.index) == sorted(FACTORS)
    for factor in FACTORS:
        rows = pairs[pairs["factor"] == factor]
        fit = stats.linregress(rows["pct_rank"], rows["alpha"])
        got = result.loc[factor]
        assert got["n"] == len(rows) < 240, "n counts the present rows only (no filling)"
        for column, expected in [
            ("slope", fit.slope),
            ("intercept", fit.intercept),
            ("r2", fit.rvalue**2),
            ("slope_standard_error", fit.stderr),
            ("slope_t_statistic", fit.slope / fit.stderr),
            ("slope_p_value", fit.pvalue),
        ]:
            assert got[column] == pytest.approx(expected, rel=1e-9, abs=1e-12), (factor, column)
    assert result.loc["Market Cap", "slope"] > 0 > result.loc["PE ratio", "slope"]


# --------------------------------------------------------------- multi-factor models


def top_k_article(design, k=3):
    x = article_matrix(design)
    scores = pd.Series(f_regression(x, design.alpha)[0], index=x.columns)
    return scores.nlargest(k).index.tolist()


def test_linear_and_sgd_topk_equal_the_article_pipeline(design):
    top = top_k_article(design)
    x = article_matrix(design, top)
    expected = {
        "linear_topk": LinearRegression().fit(x, design.alpha_rank),
        "sgd_topk": SGDRegressor(
            max_iter=100000, tol=1e-5, penalty=None, eta0=0.01, n_iter_no_change=100, random_state=42
        ).fit(x, design.alpha_rank),
    }
    for model, reference in expected.items():
        fitted = fit_alpha_model(model, design, SETTINGS)
        assert fitted.factors == top
        coefficients = fitted.coefficients()
        assert coefficients["factor"].tolist() == [INTERCEPT, *top]
        expected_values = [reference.intercept_.item() if np.ndim(reference.intercept_) else reference.intercept_]
        np.testing.assert_allclose(
            coefficients["coefficient"], expected_values + list(reference.coef_), rtol=1e-9, atol=1e-12
        )
        np.testing.assert_allclose(fitted.predict(design.ranks), reference.predict(x), rtol=1e-9, atol=1e-12)


def complete_design(design):
    """The same panel without missing ranks, where in-fold filling is the identity."""
    return dataclasses.replace(design, ranks=design.ranks.fillna(0.5))


def year_splits(design):
    return list(LeaveOneGroupOut().split(design.ranks, groups=design.fiscal_years))


def test_lasso_and_elastic_net_choose_as_sklearn_cv_on_whole_years(design):
    design = complete_design(design)
    x = design.ranks.to_numpy()
    lasso = fit_alpha_model("lasso", design, SETTINGS)
    reference = LassoCV(alphas=8, eps=1e-3, cv=year_splits(design), max_iter=1_000).fit(x, design.alpha_rank)
    np.testing.assert_allclose(
        penalty_grid(x, design.alpha_rank, 1.0, SETTINGS), reference.alphas_, rtol=1e-9
    )
    assert lasso.penalty == pytest.approx(reference.alpha_, rel=1e-12)
    assert lasso.cross_validation == "leave_one_year_out (4 folds)"
    assert lasso.converged and lasso.estimator.n_iter_ < 1_000
    assert not fit_alpha_model(
        "lasso", design, dataclasses.replace(SETTINGS, coordinate_descent_max_iter=1)
    ).converged
    refit = Lasso(alpha=lasso.penalty, max_iter=1_000).fit(x, design.alpha_rank)
    np.testing.assert_allclose(lasso.estimator.coef_, refit.coef_, rtol=1e-9, atol=1e-12)

    net = fit_alpha_model("elastic_net", design, SETTINGS)
    reference = ElasticNetCV(l1_ratio=[0.2, 0.5, 0.8], alphas=8, cv=year_splits(design), max_iter=1_000)
    reference.fit(x, design.alpha_rank)
    assert (net.penalty, net.l1_ratio) == (pytest.approx(reference.alpha_, rel=1e-12), reference.l1_ratio_)


def test_ridge_cross_validation_fills_each_fold_with_its_own_training_means(design):
    ridge = fit_alpha_model("ridge", design, SETTINGS)
    pipeline = Pipeline([("fill", SimpleImputer(strategy="mean")), ("ridge", Ridge())])
    search = GridSearchCV(
        pipeline,
        {"ridge__alpha": list(SETTINGS.ridge_penalties)},
        cv=year_splits(design),
        scoring="neg_mean_squared_error",
    ).fit(design.ranks, design.alpha_rank)
    assert ridge.penalty == search.best_params_["ridge__alpha"]
    np.testing.assert_allclose(
        ridge.estimator.coef_, search.best_estimator_.named_steps["ridge"].coef_, rtol=1e-9, atol=1e-12
    )


def test_one_year_uses_folds_within_the_year_and_has_no_walk_forward(design):
    one_year = design.subset(design.fiscal_years == 2016)
    fitted = fit_alpha_model("ridge", one_year, SETTINGS)
    assert fitted.cross_validation == "kfold_within_single_year (5 folds)"
    predictions = alpha_predictions(one_year, SETTINGS)
    assert set(predictions["evaluation"]) == {"in_sample"}
    assert set(predictions["model"]) == set(MODELS)


def test_walk_forward_cannot_see_a_later_years_leak(design):
    baseline = alpha_predictions(design, SETTINGS)
    last = design.fiscal_years == 2017
    leaked_ranks = design.ranks.copy()
    leaked_ranks.loc[last, "Noise 3"] = design.alpha_rank[last]  # a perfect target leak in 2017
    leaked_ranks.loc[last, "Noise 4"] = np.nan  # and a change to what 2017 fills with
    leaked = alpha_predictions(dataclasses.replace(design, ranks=leaked_ranks), SETTINGS)

    walk_forward = baseline[baseline["evaluation"] == "walk_forward"]
    assert set(walk_forward["fiscal_year"]) == {2015, 2016, 2017}
    assert (walk_forward["train_last_year"] < walk_forward["fiscal_year"]).all()
    assert (walk_forward["train_last_year"] == walk_forward["fiscal_year"] - 1).all()
    for frame in (baseline, leaked):
        earlier = frame[(frame["evaluation"] == "walk_forward") & (frame["fiscal_year"] < 2017)]
        assert len(earlier) == 5 * 2 * 60
    earlier = (baseline["evaluation"] == "walk_forward") & (baseline["fiscal_year"] < 2017)
    pd.testing.assert_frame_equal(baseline[earlier], leaked[earlier], check_exact=True)
    in_sample = baseline["evaluation"] == "in_sample"
    assert not np.allclose(baseline.loc[in_sample, "predicted"], leaked.loc[in_sample, "predicted"]), (
        "the leak must matter where it is visible, else this test proves nothing"
    )


# ---------------------------------------------------------------------- metrics


def test_metrics_equal_direct_computations(design):
    predictions = alpha_predictions(design, SETTINGS, models=("linear_topk",))
    metrics = alpha_model_metrics(predictions).set_index(["model", "evaluation", "scope"])
    assert set(metrics.index.get_level_values("scope")) == {"all", "2014", "2015", "2016", "2017"}
    for evaluation, rows in predictions.groupby("evaluation"):
        ics, spreads = [], []
        for year, year_rows in rows.groupby("fiscal_year"):
            ics.append(stats.spearmanr(year_rows["predicted"], year_rows["actual"]).statistic)
            quintile = pd.qcut(year_rows["predicted"].rank(method="first"), 5, labels=False)
            spreads.append(year_rows["alpha"][quintile == 4].mean() - year_rows["alpha"][quintile == 0].mean())
            got = metrics.loc[("linear_topk", evaluation, str(year))]
            assert got["rank_ic"] == pytest.approx(ics[-1], rel=1e-9)
            assert got["top_minus_bottom_alpha"] == pytest.approx(spreads[-1], rel=1e-9)
        got = metrics.loc[("linear_topk", evaluation, "all")]
        assert got["n_rows"] == len(rows)
        assert got["mse"] == pytest.approx(np.mean((rows["actual"] - rows["predicted"]) ** 2), rel=1e-9)
        residual = np.sum((rows["actual"] - rows["predicted"]) ** 2)
        assert got["r2"] == pytest.approx(1 - residual / np.sum((rows["actual"] - rows["actual"].mean()) ** 2), rel=1e-9)
        assert got["rank_ic"] == pytest.approx(np.mean(ics), rel=1e-9)
        assert got["top_minus_bottom_alpha"] == pytest.approx(np.mean(spreads), rel=1e-9)
    assert metrics.loc[("linear_topk", "walk_forward", "all"), "rank_ic"] > 0


# --------------------------------------------------------------- learning curve


def test_learning_curve_equals_a_manual_kfold_loop(design):
    curve = alpha_learning_curve(design, SETTINGS)
    x = article_matrix(design, top_k_article(design)).to_numpy()
    y = design.alpha_rank
    folds = list(KFold(n_splits=5).split(x))
    train_size = int(curve["train_size"].iloc[7])
    train_errors, validation_errors = [], []
    for train_rows, validation_rows in folds:
        used = train_rows[:train_size]
        fit = LinearRegression().fit(x[used], y[used])
        train_errors.append(np.sqrt(np.mean((y[used] - fit.predict(x[used])) ** 2)))
        validation_errors.append(np.sqrt(np.mean((y[validation_rows] - fit.predict(x[validation_rows])) ** 2)))
    assert curve["train_rmse"].iloc[7] == pytest.approx(np.mean(train_errors), rel=1e-9)
    assert curve["validation_rmse"].iloc[7] == pytest.approx(np.mean(validation_errors), rel=1e-9)
    expected_sizes = np.unique((np.linspace(0.01, 1.0, 40) * len(folds[0][0])).astype(int))
    assert curve["train_size"].tolist() == expected_sizes.tolist()


# --------------------------------------------------------------------- settings


def test_settings_refuse_missing_and_unknown_keys():
    config = {field.name: getattr(ModelSettings(), field.name) for field in dataclasses.fields(ModelSettings)}
    assert ModelSettings.from_config(dict(config, ridge_penalties=[1, 10])).ridge_penalties == (1.0, 10.0)
    as_dbt_renders = {name: str(list(v) if isinstance(v, tuple) else v) for name, v in config.items()}  # "{{ var() }}"
    rendered = ModelSettings.from_config(as_dbt_renders)
    assert rendered == ModelSettings()
    assert ModelSettings.from_config(dict(config, elastic_net_l1_ratios="[0.5]")).elastic_net_l1_ratios == (0.5,)
    with pytest.raises(ValueError, match="alpha_model_settings.top_k: cannot read 'ten' as int"):
        ModelSettings.from_config(dict(config, top_k="ten"))
    with pytest.raises(ValueError, match="missing keys \\['top_k'\\]"):
        ModelSettings.from_config({k: v for k, v in config.items() if k != "top_k"})
    with pytest.raises(ValueError, match="unknown keys \\['topk'\\]"):
        ModelSettings.from_config(dict(config, topk=5))
