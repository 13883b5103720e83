"""The research step on Spark (factor_warehouse/cli/spark_research.py) on the demo panel (200 stocks,
36 months, 10 characteristics): every Python model's table the runner writes to the Spark catalog
equals the DuckDB build's (columns, types, keys and input_fingerprint exactly, floating-point values
to 1e-9), MIC's (factor, scope) pairs are computed by Spark's executors, and a second run reuses
every unit.
The Spark tables the models read are seeded from the DuckDB build (tests/spark_seed.py) until the
SQL models build on the spark target. Needs Java 17+ and requirements-spark.txt."""

import os
from unittest import mock

import duckdb
import pandas as pd
import pytest

from factor_warehouse.cli import spark_research
from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.research.mic import pair_statistics
from factor_warehouse.sources.panel_demo import write_panel
from tests.spark_seed import seed_spark_from_duckdb_build

PANEL_SIZE = {"n_stocks": 200, "n_months": 36, "n_characteristics": 10}
TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}
# computed_at is when a MIC pair was computed: the only column that differs between two builds
NOT_COMPARED = ("computed_at",)


class Recorder:
    """The units each run of the research step computed (`computed`), and those of them its
    driver computed in threads (`threaded`), the rest on Spark's executors."""

    def __init__(self):
        self.computed, self.threaded = [], []

    def patch(self, monkeypatch):
        real_runner, real_threads = spark_research.spark_unit_runner, spark_research.run_in_threads

        def runner(spark):
            run = real_runner(spark)

            def recorded(function, units, *arguments):
                self.computed.extend(units)
                return run(function, units, *arguments)

            return recorded

        def threads(function, items, *arguments):
            self.threaded.extend(items)
            return real_threads(function, items, *arguments)

        monkeypatch.setattr(spark_research, "spark_unit_runner", runner)
        monkeypatch.setattr(spark_research, "run_in_threads", threads)


def spark_relation(spark, schema, name):
    """A Spark table as a DuckDB relation, read as the DuckDB build's tables are."""
    return duckdb.from_arrow(spark.table(f"{schema}.{name}").toArrow())


@pytest.fixture(scope="module")
def research(tmp_path_factory):
    """The DuckDB build of the panel, and the Spark catalog after two runs of the research step."""
    directory = tmp_path_factory.mktemp("spark_research")
    dbt_vars = {"panel": {"path": str(write_panel(directory / "panel.parquet", **PANEL_SIZE).path),
                          "sector_column": "sector"}}
    database = directory / "warehouse.duckdb"
    result = run_dbt(["build"], database=database, dbt_vars=dbt_vars)
    assert result.success, result.exception
    environment = {"FACTOR_WAREHOUSE_SPARK_DIR": str(directory / "spark"), "FACTOR_WAREHOUSE_SPARK_MEMORY": "2g"}
    with mock.patch.dict(os.environ, environment), pytest.MonkeyPatch.context() as monkeypatch:
        target = spark_research.spark_target(dbt_vars)
        spark = spark_research.spark_session(target)
        try:
            models = spark_research.python_models(dbt_vars)
            inputs = sorted({ref for model in models for ref in model.refs} - {model.name for model in models})
            seed_spark_from_duckdb_build(spark, target["schema"], database, inputs, directory)
            runs = [Recorder(), Recorder()]
            tables = []
            for recorder in runs:
                recorder.patch(monkeypatch)
                written = spark_research.run_research(spark, dbt_vars, report=lambda line: None)
                relations = {name: spark_relation(spark, target["schema"], name) for name in written}
                tables.append({name: relation.df() for name, relation in relations.items()})
            types = {name: dict(zip(relation.columns, map(str, relation.types))) for name, relation in relations.items()}
            with duckdb.connect(str(database), read_only=True) as warehouse:
                expected = {name: warehouse.table(name).df() for name in written}
                expected_types = {name: dict(zip(warehouse.table(name).columns, map(str, warehouse.table(name).types)))
                                  for name in written}
            yield {"models": models, "runs": runs, "tables": tables, "expected": expected,
                   "types": types, "expected_types": expected_types, "spark": spark, "schema": target["schema"],
                   "vars": dbt_vars}
        finally:
            spark.stop()


def sorted_rows(frame, ignored=NOT_COMPARED):
    """The frame without the columns `ignored`, its rows ordered by its columns, keys (not floats) first."""
    frame = frame.drop(columns=[column for column in ignored if column in frame.columns])
    floats = [column for column in frame.columns if pd.api.types.is_float_dtype(frame[column])]
    keys = [column for column in frame.columns if column not in floats]
    return frame.sort_values(keys + floats, kind="stable").reset_index(drop=True)


def test_the_runner_writes_every_python_model(research):
    assert set(research["tables"][0]) == {model.name for model in research["models"]}
    assert len(research["models"]) == 17


def test_every_table_equals_the_duckdb_build(research):
    for name, expected in research["expected"].items():
        actual = research["tables"][0][name]
        assert list(actual.columns) == list(expected.columns), name
        assert len(actual) == len(expected) > 0, name
        pd.testing.assert_frame_equal(sorted_rows(actual), sorted_rows(expected), check_dtype=False,
                                      obj=name, **TOLERANCE)


def test_every_column_has_the_duckdb_builds_type(research):
    assert research["types"] == research["expected_types"]


def test_mic_pairs_are_computed_on_spark_executors(research):
    first = research["runs"][0]
    shipped = [unit for unit in first.computed if unit not in first.threaded]
    assert {unit.function for unit in shipped} == {pair_statistics}
    pairs = research["expected"]["factor_mic"][["factor", "scope"]]
    assert sorted((unit.labels["factor"], unit.labels["scope"]) for unit in shipped) == sorted(
        pairs.itertuples(index=False, name=None))
    assert all(unit.function is not pair_statistics for unit in first.threaded)


def test_a_second_run_reuses_every_unit(research):
    first, second = research["tables"]
    assert research["runs"][0].computed
    assert research["runs"][1].computed == []
    for name in first:
        pd.testing.assert_frame_equal(sorted_rows(second[name], ()), sorted_rows(first[name], ()), obj=name)


def test_without_java_the_runner_says_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(spark_research.SparkResearchError, match="install Java 17 or later"):
        spark_research.spark_session(spark_research.spark_target())


def test_an_input_not_in_the_spark_catalog_says_to_build_the_sql_models(research):
    copies = spark_research.SparkCopies(research["spark"], research["schema"])
    with pytest.raises(spark_research.SparkResearchError, match=r"factor_warehouse\.no_such_model is not in the "
                                                                r"Spark catalog: build the SQL models"):
        copies.relation("no_such_model")


def test_a_failing_model_is_named_with_its_file_and_the_setting(research):
    dbt_vars = {**research["vars"], "mic_engine": "abacus"}
    with pytest.raises(spark_research.SparkResearchError, match=r"model factor_mic \(python_models/mic/factor_mic.py\) "
                                                                r"failed: ValueError: MIC engine 'abacus' is unknown; "
                                                                r"set mic_engine"):
        spark_research.run_research(research["spark"], dbt_vars, report=lambda line: None)
