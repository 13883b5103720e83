"""Warm rebuilds of the trimmed real 2018 sample with dbt: every Python model (factor_mic has
its own test) reuses its rows from the previous table when its input is unchanged, and a
changed setting recomputes only the models that depend on it."""

import re
import shutil

import duckdb
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.execution.result_cache import relation_digests
from tests.conftest import KAGGLE_SAMPLE_DIR

CACHED_MODELS = (
    "factor_f_scores", "factor_regressions", "alpha_model_coefficients", "alpha_predictions",
    "alpha_model_metrics", "alpha_learning_curve", "factor_summary", "fama_macbeth", "factor_ic_summary",
    "factor_alphas", "factor_alpha_loadings", "factor_grs", "factor_clusters", "factor_alpha_posteriors",
    "factor_spanning",
)
# rank ICs, slopes and means that DuckDB aggregates in parallel (their last bits may differ between two
# builds), and the models across periods that read them
AGGREGATES = ("factor_long_short_returns", "factor_portfolio_alpha", "market_returns", "factor_ic",
              "factor_fama_macbeth_slopes", "factor_turnover")
MODELS_ON_AGGREGATES = ("factor_summary", "factor_ic_summary", "factor_alphas", "factor_alpha_loadings", "factor_grs",
                        "factor_clusters", "factor_alpha_posteriors", "factor_spanning")
SUMMARY = re.compile(r"(\w+): (\d+) of (\d+) \w+ reused from the previous table, (\d+) computed")
SAMPLE_VARS = {"kaggle_dir": str(KAGGLE_SAMPLE_DIR)}


def rebuild(database, log_path, selection, dbt_vars):
    """Run the models (and seeds) of `selection` on `database`, no tests; returns
    {model: (reused, units, computed)} from the lines the models logged."""
    result = run_dbt(["build", *selection, "--exclude", "factor_mic", "--exclude-resource-type", "test", "unit_test",
                      "--log-path", str(log_path)], database=database, dbt_vars=dbt_vars)
    assert result.success, f"rebuild failed: {result.exception or result.result}"
    facts = {model: tuple(map(int, numbers)) for model, *numbers in SUMMARY.findall((log_path / "dbt.log").read_text())}
    assert sorted(facts) == sorted(CACHED_MODELS), facts
    return facts


def table_rows(connection, model):
    return connection.sql(f"select * from {model} order by all").fetchall()


@pytest.fixture(scope="module")
def warm_rebuild(kaggle_sample_database, tmp_path_factory):
    """A copy of the session's sample warehouse, rebuilt (seeds, SQL and Python models) with
    nothing changed; (copy, facts)."""
    directory = tmp_path_factory.mktemp("warm_rebuild")
    copy = directory / "warehouse.duckdb"
    shutil.copyfile(kaggle_sample_database, copy)
    return copy, rebuild(copy, directory / "logs", [], SAMPLE_VARS)


def test_a_warm_rebuild_reuses_every_result_whose_input_is_unchanged(warm_rebuild, kaggle_sample_warehouse):
    copy, facts = warm_rebuild
    with duckdb.connect(str(copy), read_only=True) as rebuilt:
        aggregates_unchanged = all(
            relation_digests(rebuilt.table(name)) == relation_digests(kaggle_sample_warehouse.table(name))
            for name in AGGREGATES)
        for model in CACHED_MODELS:
            reused, units, computed = facts[model]
            if model not in MODELS_ON_AGGREGATES or aggregates_unchanged:
                assert (reused, computed) == (units, 0), f"{model} recomputed with its input unchanged"
            if computed == 0:
                assert table_rows(rebuilt, model) == table_rows(kaggle_sample_warehouse, model), model
    assert facts["alpha_model_coefficients"] == (5, 5, 0)  # one unit per model


def test_a_changed_setting_recomputes_only_the_models_that_depend_on_it(warm_rebuild, tmp_path):
    copy, _ = warm_rebuild
    changed = tmp_path / "warehouse.duckdb"
    shutil.copyfile(copy, changed)
    facts = rebuild(changed, tmp_path / "logs", ["--select", "path:python_models"],
                    {**SAMPLE_VARS, "alpha_models_top_k": 5})
    recomputed = {model for model, (reused, units, computed) in facts.items() if computed}
    # top_k is a setting of the fits; the metrics read the changed predictions and fama_macbeth the top-k list
    assert recomputed == {"factor_f_scores", "alpha_model_coefficients", "alpha_predictions", "alpha_learning_curve",
                          "alpha_model_metrics", "fama_macbeth"}
    assert facts["factor_regressions"] == facts["factor_summary"] == (1, 1, 0)
    assert facts["alpha_predictions"] == (0, 5, 5)  # one year of periods: the in-sample fit of each model
    with duckdb.connect(str(changed), read_only=True) as rebuilt:
        assert rebuilt.sql("select count(*) from factor_f_scores where is_top_k").fetchone() == (5,)
