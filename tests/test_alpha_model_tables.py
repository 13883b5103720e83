"""The six alpha-model tables as `dbt build` writes them: on the demo data, where the truth
is planted ('Market Cap' and 'PE ratio' linear, 'Revenue Growth' U-shaped, the rest noise),
and on the trimmed real 2018 sample, which has one fiscal year (one period, 2018-12-31) and so no
walk-forward."""

import numpy as np
import pytest
from sklearn.feature_selection import SelectKBest, f_regression

from factor_warehouse.research.alpha_models import MODELS
from factor_warehouse.research.design_matrix import load_design

TABLES = [
    "factor_f_scores",
    "factor_regressions",
    "alpha_model_coefficients",
    "alpha_predictions",
    "alpha_model_metrics",
    "alpha_learning_curve",
]


def rows(connection, sql):
    return connection.sql(sql).fetchall()


def test_planted_linear_factors_lead_the_f_scores(demo_warehouse):
    top = rows(demo_warehouse, "select factor from factor_f_scores order by score_rank limit 2")
    assert {factor for (factor,) in top} == {"Market Cap", "PE ratio"}
    flagged = rows(demo_warehouse, "select factor from factor_f_scores where is_top_k order by score_rank")
    assert len(flagged) == 10 and {f for (f,) in flagged[:2]} == {"Market Cap", "PE ratio"}
    (q_value,) = rows(demo_warehouse, "select max(q_value) from factor_f_scores where factor in ('Market Cap', 'PE ratio')")[0]
    assert q_value < 1e-6


def test_u_shaped_factor_has_near_zero_f_score_and_slope(demo_warehouse):
    scores = dict(rows(demo_warehouse, "select factor, f_statistic from factor_f_scores"))
    slopes = dict(rows(demo_warehouse, "select factor, slope from factor_regressions"))
    assert scores["Revenue Growth"] < 0.05 * min(scores["Market Cap"], scores["PE ratio"])
    assert abs(slopes["Revenue Growth"]) < 0.1 * min(abs(slopes["Market Cap"]), abs(slopes["PE ratio"]))
    assert slopes["Market Cap"] > 0 > slopes["PE ratio"]
    (is_top_k,) = rows(demo_warehouse, "select is_top_k from factor_f_scores where factor = 'Revenue Growth'")[0]
    assert not is_top_k


def test_walk_forward_rank_ic_of_linear_topk_is_positive_every_year(demo_warehouse):
    result = dict(
        rows(
            demo_warehouse,
            "select scope, rank_ic from alpha_model_metrics"
            " where model = 'linear_topk' and evaluation = 'walk_forward'",
        )
    )
    years = [year for (year,) in rows(demo_warehouse, "select distinct year(period) from stock_periods order by 1")]
    assert set(result) == {"all"} | {str(year) for year in years[1:]}
    assert all(ic > 0 for ic in result.values()), result


def test_demo_predictions_cover_every_model_period_and_evaluation(demo_warehouse):
    (stock_periods,) = rows(demo_warehouse, "select count(*) from stock_periods where alpha is not null")[0]
    (first_year,) = rows(demo_warehouse, "select min(year(period)) from stock_periods where alpha is not null")[0]
    counts = dict(
        rows(demo_warehouse, "select model || '/' || evaluation, count(*) from alpha_predictions group by all")
    )
    (later_years,) = rows(
        demo_warehouse, f"select count(*) from stock_periods where alpha is not null and year(period) > {first_year}"
    )[0]
    for model in MODELS:
        assert counts[f"{model}/in_sample"] == stock_periods
        assert counts[f"{model}/walk_forward"] == later_years
    types = dict(rows(demo_warehouse, "select column_name, column_type from (describe alpha_predictions)"))
    assert (types["stock_id"], types["period"]) == ("VARCHAR", "DATE"), "the keys of stock_periods, same types"


def test_topk_coefficients_use_the_flagged_factors_with_planted_signs(demo_warehouse):
    flagged = {f for (f,) in rows(demo_warehouse, "select factor from factor_f_scores where is_top_k")}
    for model in ("linear_topk", "sgd_topk"):
        coefficients = dict(
            rows(
                demo_warehouse,
                f"select factor, coefficient from alpha_model_coefficients where model = '{model}' and not is_intercept",
            )
        )
        assert set(coefficients) == flagged
        assert coefficients["Market Cap"] > 0 > coefficients["PE ratio"]
    penalized = rows(
        demo_warehouse,
        "select distinct model, cross_validation from alpha_model_coefficients where penalty is not null order by 1",
    )
    years = rows(demo_warehouse, "select count(distinct year(period)) from stock_periods")[0][0]
    assert penalized == [(m, f"leave_one_year_out ({years} folds)") for m in ("elastic_net", "lasso", "ridge")]
    assert rows(demo_warehouse, "select bool_and(converged) from alpha_model_coefficients") == [(True,)]


def test_metrics_agree_with_the_predictions_table(demo_warehouse):
    difference = rows(
        demo_warehouse,
        """
        with direct as (
            select model, evaluation, cast(year(period) as varchar) as scope,
                   avg((actual - predicted) ^ 2) as mse, count(*) as n_rows
            from alpha_predictions
            group by all
            union all
            select model, evaluation, 'all', avg((actual - predicted) ^ 2), count(*)
            from alpha_predictions
            group by all
        )
        select max(abs(direct.mse - metrics.mse)), sum(abs(direct.n_rows - metrics.n_rows)), count(*)
        from direct
        join alpha_model_metrics as metrics using (model, evaluation, scope)
        """,
    )[0]
    (metric_rows,) = rows(demo_warehouse, "select count(*) from alpha_model_metrics")[0]
    assert difference[0] < 1e-12 and difference[1] == 0 and difference[2] == metric_rows


def test_learning_curve_follows_the_article_call(demo_warehouse):
    (stock_periods,) = rows(demo_warehouse, "select count(*) from stock_periods where alpha is not null")[0]
    sizes = [size for (size,) in rows(demo_warehouse, "select train_size from alpha_learning_curve order by 1")]
    fold_train = stock_periods - -(-stock_periods // 5)  # training part of KFold(5)'s first fold
    assert sizes == sorted(set((np.linspace(0.01, 1.0, 40) * fold_train).astype(int)))


def test_every_table_builds_on_the_one_year_kaggle_sample(kaggle_sample_warehouse):
    for table in TABLES:
        (count,) = rows(kaggle_sample_warehouse, f"select count(*) from {table}")[0]
        assert count > 0, f"{table} is empty on the 2018 sample"
    evaluations = rows(kaggle_sample_warehouse, "select distinct evaluation from alpha_predictions")
    assert evaluations == [("in_sample",)], "one fiscal year: no earlier year to walk forward from"
    assert rows(kaggle_sample_warehouse, "select distinct evaluation from alpha_model_metrics") == [("in_sample",)]
    schemes = rows(
        kaggle_sample_warehouse, "select distinct cross_validation from alpha_model_coefficients where penalty is not null"
    )
    assert schemes == [("kfold_within_single_year (5 folds)",)]


def test_kaggle_sample_f_scores_equal_select_k_best_on_the_warehouse(kaggle_sample_warehouse):
    design = load_design(kaggle_sample_warehouse.table("int_research__design_ranks"),
                         kaggle_sample_warehouse.table("stock_periods"))
    x = design.ranks.loc[:, design.ranks.notna().any()]
    x = x.fillna(x.mean())
    selector = SelectKBest(k=10, score_func=f_regression).fit(x, design.alpha)
    table = dict(rows(kaggle_sample_warehouse, "select factor, f_statistic from factor_f_scores"))
    assert set(table) == set(x.columns)
    expected = dict(zip(x.columns, np.nan_to_num(selector.scores_)))
    for factor, f_statistic in table.items():
        assert f_statistic == pytest.approx(expected[factor], rel=1e-9, abs=1e-9), factor
    flagged = {f for (f,) in rows(kaggle_sample_warehouse, "select factor from factor_f_scores where is_top_k")}
    assert flagged == set(x.columns[selector.get_support()])


def test_kaggle_sample_regressions_count_the_rows_where_both_exist(kaggle_sample_warehouse):
    mismatches = rows(
        kaggle_sample_warehouse,
        """
        with direct as (
            select factor_values.factor, count(*) as n,
                   regr_slope(stock_periods.alpha, factor_values.pct_rank) as slope
            from factor_values
            join stock_periods using (stock_id, period)
            where stock_periods.alpha is not null and factor_values.pct_rank is not null
            group by all
        )
        select direct.factor
        from direct
        full join factor_regressions using (factor)
        where direct.n is distinct from factor_regressions.n
           or abs(coalesce(direct.slope, 0) - coalesce(factor_regressions.slope, 0)) > 1e-6 * (1 + abs(direct.slope))
        """,
    )
    assert mismatches == []
