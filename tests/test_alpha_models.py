"""The alpha-model pure functions against direct scikit-learn / scipy computations on a
small synthetic yearly panel (60 stocks x 4 fiscal years, periods 2014-12-31 ... 2017-12-31,
x 12 factors, 10% of ranks missing), and on a small monthly one (36 month ends): walk-forward
refits once per year of periods, metrics average per-period values."""

import dataclasses

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNetCV, Lasso, LassoCV, LinearRegression, Ridge, SGDRegressor
from sklearn.model_selection import GridSearchCV, KFold, LeaveOneGroupOut
from sklearn.pipeline import Pipeline

from factor_warehouse.research import walk_forward
from factor_warehouse.research.alpha_models import INTERCEPT, MODELS, fit_alpha_model
from factor_warehouse.research.design_matrix import build_design, fill_with_training_means, period_years
from factor_warehouse.research.f_scores import factor_f_scores
from factor_warehouse.research.multiple_testing import benjamini_hochberg
from factor_warehouse.research.learning_curve import alpha_learning_curve
from factor_warehouse.research.metrics import alpha_model_metrics
from factor_warehouse.research.model_settings import ModelSettings
from factor_warehouse.research.penalty_selection import penalty_grid
from factor_warehouse.research.regressions import factor_regressions
from factor_warehouse.research.walk_forward import alpha_predictions
from tests.project_vars import model_settings

FACTORS = ["Market Cap", "PE ratio", "niperEBT", "nIperEBT"] + [f"Noise {i}" for i in range(8)]
SETTINGS = model_settings(top_k=3, penalty_grid_size=8, ridge_penalties=(0.1, 1.0, 10.0, 100.0, 1000.0))


YEAR_ENDS = tuple(pd.Timestamp(f"{year}-12-31") for year in (2014, 2015, 2016, 2017))  # yearly periods
MONTH_ENDS = tuple(pd.date_range("2014-01-31", periods=36, freq="ME"))  # monthly periods, 2014-2016


def synthetic_panel(n_stocks=60, periods=YEAR_ENDS, missing_share=0.1, seed=7):
    """Long factor ranks and targets in the warehouse's shapes (stock_id, period; ranks
    within the period by pandas rank(pct=True))."""
    rng = np.random.default_rng(seed)
    rows = []
    targets = []
    for period in periods:
        raw = pd.DataFrame(rng.normal(size=(n_stocks, len(FACTORS))), columns=FACTORS)
        raw = raw.mask(rng.random(raw.shape) < missing_share)
        ranks = raw.rank(pct=True)
        signal = ranks["Market Cap"].fillna(0.5) - ranks["PE ratio"].fillna(0.5)
        alpha = 20 * signal + rng.normal(scale=8, size=n_stocks)
        stock_ids = [f"T{i:03d}" for i in range(n_stocks)]
        targets.append(pd.DataFrame({"stock_id": stock_ids, "period": period, "alpha": alpha}))
        long = ranks.assign(stock_id=stock_ids).melt(id_vars="stock_id", var_name="factor", value_name="pct_rank")
        rows.append(long.dropna().assign(period=period))
    targets = pd.concat(targets, ignore_index=True)
    targets["alpha_rank"] = targets.groupby("period")["alpha"].rank(pct=True)
    return pd.concat(rows, ignore_index=True), targets


@pytest.fixture(scope="module")
def panel():
    return synthetic_panel()


@pytest.fixture(scope="module")
def monthly_design():
    return build_design(*synthetic_panel(n_stocks=20, periods=MONTH_ENDS, seed=11))


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
    assert design.keys.equals(design.keys.sort_values(["period", "stock_id"]).reset_index(drop=True))
    lookup = factor_ranks.set_index(["stock_id", "period", "factor"])["pct_rank"]
    row = design.keys.iloc[17]
    for factor in FACTORS:
        expected = lookup.get((row["stock_id"], row["period"], factor), np.nan)
        assert np.isclose(design.ranks.loc[17, factor], expected, equal_nan=True)


def test_design_without_any_alpha_is_an_error_that_says_why(panel):
    factor_ranks, targets = panel
    with pytest.raises(ValueError, match="no stock-period has a known alpha"):
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
    # the largest p-value is its own q-value, although p * 6 / 6 rounds one ulp below this p
    rounding = np.array([0.0037252645507502157, 0.265646991847766, 0.4370424426397382, 0.030478952452244332,
                         0.18325901488836394, 0.441556646998125])
    assert np.all(benjamini_hochberg(rounding) >= rounding)


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
    pairs = factor_ranks.merge(targets, on=["stock_id", "period"])
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
    return list(LeaveOneGroupOut().split(design.ranks, groups=period_years(design.keys["period"])))


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
    one_year = design.subset(design.period_years == 2016)
    fitted = fit_alpha_model("ridge", one_year, SETTINGS)
    assert fitted.cross_validation == "kfold_within_single_year (5 folds)"
    predictions = alpha_predictions(one_year, SETTINGS)
    assert set(predictions["evaluation"]) == {"in_sample"}
    assert set(predictions["model"]) == set(MODELS)


def test_walk_forward_cannot_see_a_later_years_leak(design):
    baseline = alpha_predictions(design, SETTINGS)
    last = design.period_years == 2017
    leaked_ranks = design.ranks.copy()
    leaked_ranks.loc[last, "Noise 3"] = design.alpha_rank[last]  # a perfect target leak in 2017
    leaked_ranks.loc[last, "Noise 4"] = np.nan  # and a change to what 2017 fills with
    leaked = alpha_predictions(dataclasses.replace(design, ranks=leaked_ranks), SETTINGS)

    walk_forward_rows = baseline[baseline["evaluation"] == "walk_forward"]
    predicted_years = period_years(walk_forward_rows["period"])
    assert set(predicted_years) == {2015, 2016, 2017}
    assert (walk_forward_rows["train_last_year"] < predicted_years).all()
    assert (walk_forward_rows["train_last_year"] == predicted_years - 1).all()
    for frame in (baseline, leaked):
        earlier = frame[(frame["evaluation"] == "walk_forward") & (period_years(frame["period"]) < 2017)]
        assert len(earlier) == 5 * 2 * 60
    earlier = (baseline["evaluation"] == "walk_forward") & (period_years(baseline["period"]) < 2017)
    pd.testing.assert_frame_equal(baseline[earlier], leaked[earlier], check_exact=True)
    in_sample = baseline["evaluation"] == "in_sample"
    assert not np.allclose(baseline.loc[in_sample, "predicted"], leaked.loc[in_sample, "predicted"]), (
        "the leak must matter where it is visible, else this test proves nothing"
    )


def test_monthly_walk_forward_refits_once_per_year_on_the_earlier_years_only(monthly_design, monkeypatch):
    fits = []  # (model, years of the fitted periods, distinct fitted periods)
    original = walk_forward.fit_alpha_model

    def recording(model, design, settings):
        fits.append((model, set(design.period_years), design.keys["period"].nunique()))
        return original(model, design, settings)

    monkeypatch.setattr(walk_forward, "fit_alpha_model", recording)
    predictions = walk_forward.alpha_predictions(monthly_design, SETTINGS, models=("linear_topk", "ridge"))
    assert fits == [
        (model, years, 12 * len(years))
        for model in ("linear_topk", "ridge")
        for years in ({2014, 2015, 2016}, {2014}, {2014, 2015})
    ], "one in-sample fit, then one refit per later year on every month of the years before it"

    rows = predictions[predictions["evaluation"] == "walk_forward"]
    predicted_years = period_years(rows["period"])
    assert rows["period"].nunique() == 24 and set(predicted_years) == {2015, 2016}
    assert (rows["train_first_year"] == 2014).all() and (rows["train_last_year"] == predicted_years - 1).all()
    assert len(rows) == 2 * 24 * 20, "every month of every later year is predicted, for every stock"


def test_monthly_walk_forward_equals_sklearn_fitted_on_the_years_before(monthly_design):
    """The months of 2016 predicted by LinearRegression on the top-k f_regression factors of
    2014-2015's 24 months, filled with their means: the article's pipeline on the earlier years."""
    predictions = alpha_predictions(monthly_design, SETTINGS, models=("linear_topk",))
    years = monthly_design.period_years
    train, test = monthly_design.subset(years < 2016), monthly_design.subset(years == 2016)
    top = top_k_article(train)
    training_means = train.ranks[top].mean()
    reference = LinearRegression().fit(train.ranks[top].fillna(training_means), train.alpha_rank)
    expected = reference.predict(test.ranks[top].fillna(training_means))
    rows = predictions[(predictions["evaluation"] == "walk_forward") & (period_years(predictions["period"]) == 2016)]
    assert rows["stock_id"].tolist() == test.keys["stock_id"].tolist()
    np.testing.assert_allclose(rows["predicted"], expected, rtol=1e-9, atol=1e-12)


def test_monthly_walk_forward_never_sees_the_predicted_year(monthly_design):
    """Reversing the targets (alpha and alpha_rank) of every month of 2016 changes what is
    fitted on 2016 (in-sample) but not one walk-forward prediction: the months of 2016 are
    predicted from 2014-2015 only, and their inputs (the ranks) are unchanged."""
    in_2016 = monthly_design.period_years == 2016
    reversed_targets = dataclasses.replace(
        monthly_design,
        alpha=np.where(in_2016, -monthly_design.alpha, monthly_design.alpha),
        alpha_rank=np.where(in_2016, 1 - monthly_design.alpha_rank, monthly_design.alpha_rank),
    )
    models = ("linear_topk", "lasso")  # top-k selection by F and the penalty's cross-validation both see targets
    baseline, changed = (alpha_predictions(d, SETTINGS, models=models) for d in (monthly_design, reversed_targets))
    walk = baseline["evaluation"] == "walk_forward"
    assert set(period_years(baseline.loc[walk, "period"])) == {2015, 2016}
    np.testing.assert_array_equal(baseline.loc[walk, "predicted"], changed.loc[walk, "predicted"])
    in_sample = baseline["evaluation"] == "in_sample"
    assert not np.allclose(baseline.loc[in_sample, "predicted"], changed.loc[in_sample, "predicted"]), (
        "the change must matter where 2016 is fitted, else this test proves nothing"
    )


def test_predicted_periods_are_dates_in_duckdb(monthly_design):
    predictions = alpha_predictions(monthly_design, SETTINGS, models=("linear_topk",))
    connection = duckdb.connect()
    connection.register("predictions", predictions)
    types = dict(connection.sql("select column_name, column_type from (describe predictions)").fetchall())
    assert (types["period"], types["stock_id"]) == ("DATE", "VARCHAR")
    assert connection.sql("select min(period), max(period) from predictions").fetchone() == (
        MONTH_ENDS[0].date(), MONTH_ENDS[-1].date()
    )


# ---------------------------------------------------------------------- metrics


def direct_cross_section(rows):
    """(rank IC, top-minus-bottom quintile alpha) of one period's predictions by scipy and
    pandas qcut; the IC is NaN when the predictions are constant."""
    constant = rows["predicted"].nunique() == 1
    quintile = pd.qcut(rows["predicted"].rank(method="first"), 5, labels=False)
    return (
        np.nan if constant else stats.spearmanr(rows["predicted"], rows["actual"]).statistic,
        rows["alpha"][quintile == 4].mean() - rows["alpha"][quintile == 0].mean(),
    )


def test_metrics_equal_direct_computations(design):
    predictions = alpha_predictions(design, SETTINGS, models=("linear_topk",))
    metrics = alpha_model_metrics(predictions).set_index(["model", "evaluation", "scope"])
    assert set(metrics.index.get_level_values("scope")) == {"all", "2014", "2015", "2016", "2017"}
    for evaluation, rows in predictions.groupby("evaluation"):
        ics, spreads = [], []
        for period, year_rows in rows.groupby("period"):  # yearly data: one period per year
            ic, spread = direct_cross_section(year_rows)
            ics.append(ic)
            spreads.append(spread)
            got = metrics.loc[("linear_topk", evaluation, str(period.year))]
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


def monthly_predictions(seed=5):
    """Predictions of one model over 24 month ends (2015-2016), 30 stocks each; one month's
    predictions are constant, so it has no rank IC."""
    rng = np.random.default_rng(seed)
    frames = []
    for period in pd.date_range("2015-01-31", periods=24, freq="ME"):
        actual = rng.permutation(np.arange(1, 31)) / 30
        predicted = 0.4 * actual + rng.normal(scale=0.2, size=30)
        if period == pd.Timestamp("2016-03-31"):
            predicted = np.full(30, 0.5)
        alpha = 50 * (actual - 0.5) + rng.normal(scale=5, size=30)
        frames.append(pd.DataFrame({"model": "linear_topk", "evaluation": "walk_forward", "period": period,
                                    "stock_id": [f"S{i:02d}" for i in range(30)], "actual": actual,
                                    "predicted": predicted, "alpha": alpha}))
    return pd.concat(frames, ignore_index=True)


def test_monthly_metrics_average_the_per_period_values_over_years_of_periods():
    predictions = monthly_predictions()
    metrics = alpha_model_metrics(predictions).set_index("scope")
    assert metrics.index.tolist() == ["all", "2015", "2016"], "one scope per year, never one per month"
    per_month = {period: direct_cross_section(rows) for period, rows in predictions.groupby("period")}
    for scope, in_scope in (("all", lambda p: True), ("2015", lambda p: p.year == 2015), ("2016", lambda p: p.year == 2016)):
        months = [period for period in per_month if in_scope(period)]
        rows = predictions[predictions["period"].isin(months)]
        got = metrics.loc[scope]
        assert (got["n_periods"], got["n_years"], got["n_rows"]) == (len(months), 2 if scope == "all" else 1, 30 * len(months))
        assert got["rank_ic"] == pytest.approx(np.nanmean([per_month[p][0] for p in months]), rel=1e-12)
        assert got["top_minus_bottom_alpha"] == pytest.approx(np.mean([per_month[p][1] for p in months]), rel=1e-12)
        assert got["mse"] == pytest.approx(np.mean((rows["actual"] - rows["predicted"]) ** 2), rel=1e-12)
    pooled_ic = stats.spearmanr(predictions["predicted"], predictions["actual"]).statistic
    assert metrics.loc["all", "rank_ic"] != pytest.approx(pooled_ic, rel=1e-3), "a mean of per-month ICs, not a pooled IC"
    year_means = metrics.loc[["2015", "2016"], "rank_ic"].mean()
    assert metrics.loc["all", "rank_ic"] != pytest.approx(year_means, rel=1e-9), (
        "'all' averages the 23 monthly ICs, not the two yearly means (2016 has one month without an IC)"
    )


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
    config = {field.name: getattr(model_settings(), field.name) for field in dataclasses.fields(ModelSettings)}
    assert ModelSettings.from_config(dict(config, ridge_penalties=[1, 10])).ridge_penalties == (1.0, 10.0)
    as_dbt_renders = {name: str(list(v) if isinstance(v, tuple) else v) for name, v in config.items()}  # "{{ var() }}"
    rendered = ModelSettings.from_config(as_dbt_renders)
    assert rendered == model_settings()
    assert ModelSettings.from_config(dict(config, elastic_net_l1_ratios="[0.5]")).elastic_net_l1_ratios == (0.5,)
    with pytest.raises(ValueError, match="alpha_model_settings.top_k: cannot read 'ten' as int"):
        ModelSettings.from_config(dict(config, top_k="ten"))
    with pytest.raises(ValueError, match="missing keys \\['top_k'\\]"):
        ModelSettings.from_config({k: v for k, v in config.items() if k != "top_k"})
    with pytest.raises(ValueError, match="unknown keys \\['topk'\\]"):
        ModelSettings.from_config(dict(config, topk=5))
