"""The spark target against DuckDB (issue 23): the same demo panel (200 stocks x 36 months x 10
characteristics) built by the build command on Spark (`--target spark`, tests/spark_build.py: dbt, the
research runner, the report) and by dbt on DuckDB. The Spark schema holds every table of the DuckDB
build, and each table and view (the SQL models, the research tables) equals DuckDB's: the same
columns, the same rows, keys by the names they stand for (a key is a hash of its name: DuckDB's hash,
Spark's xxhash64), other values exactly, floats to 1e-9. Needs Java 17+ and requirements-spark.txt:
without them the tests fail saying what to install. And the Kaggle input, which only DuckDB reads,
is refused on Spark when dbt parses."""

import math
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.paths import PROJECT_DIR
from factor_warehouse.sources.panel_demo import write_panel
from tests.conftest import build_warehouse
from tests.spark_build import build_on_spark

PANEL_SETTINGS = {"sector_column": "sector"}
# columns whose values differ between the targets by design, never compared: hashes of the input
# (the period digests and the value hash sums they add up; the research tables' input_fingerprint,
# of rows whose keys are the target's) and the time of the build
PER_TARGET = {"digest", "content_digest", "content_sum", "provenance_sum", "input_fingerprint", "built_at", "computed_at"}
# the tables of the research runner on Spark (of dbt's Python models on DuckDB)
RESEARCH_TABLES = {path.stem for path in (PROJECT_DIR / "python_models").glob("*/*.py")}
# tables of the DuckDB build only: the state of its builds incremental by period (a Spark table is
# rebuilt in full)
DUCKDB_ONLY = {"period_build_state"}
# key column -> (dimension, name column): compared as the name the key stands for in its build
KEY_NAMES = {"stock_key": ("stocks", "stock_id"), "factor_key": ("factors", "factor")}


@pytest.fixture(scope="session")
def panel_file(tmp_path_factory):
    return Path(write_panel(tmp_path_factory.mktemp("spark_panel") / "panel.parquet",
                            n_stocks=200, n_months=36, n_characteristics=10).path).resolve()


@pytest.fixture(scope="session")
def duckdb_build(tmp_path_factory, panel_file):
    return build_warehouse(tmp_path_factory, "spark_compare_duckdb",
                           {"panel": {"path": str(panel_file), **PANEL_SETTINGS}})


@pytest.fixture(scope="session")
def spark_build(tmp_path_factory, panel_file):
    return build_on_spark(tmp_path_factory.mktemp("spark_build"), panel_file, PANEL_SETTINGS)


def test_the_spark_build_passes(spark_build):
    assert spark_build["status"] == 0, "the build on the spark target failed:\n" + spark_build["output"][-6000:]


def named_rows(connection, relation, dimensions):
    """(columns, rows) of `relation`, each key column of KEY_NAMES replaced by the name its key stands
    for in `dimensions` ({dimension: relation}), the PER_TARGET columns left out."""
    columns = [row[0] for row in connection.execute(f"describe select * from {relation}").fetchall()]
    selected, joins = [], []
    for column in columns:
        if column in PER_TARGET:
            continue
        if column in KEY_NAMES:
            dimension, name = KEY_NAMES[column]
            joins.append(f"left join {dimensions[dimension]} as {column}_names on t.{column} = {column}_names.{column}")
            selected.append(f"coalesce(cast({column}_names.{name} as varchar), 'unnamed key ' || t.{column}) "
                            f"as {column}")
        else:
            selected.append(f't."{column}"')
    rows = connection.execute(f"select {', '.join(selected)} from {relation} as t {' '.join(joins)}").fetchall()
    return [column for column in columns if column not in PER_TARGET], rows


def sort_key(row):
    return tuple((value is None, repr(value) if isinstance(value, (list, dict)) else
                  round(float(value), 6) if isinstance(value, (float, Decimal)) else value)
                 for value in row)


def close(left, right):
    """Equal, floats (and decimals) to 1e-9, NaN equal to NaN, lists and maps element by element."""
    if isinstance(left, (float, Decimal)) or isinstance(right, (float, Decimal)):
        if left is None or right is None:
            return left is right
        left, right = float(left), float(right)
        return (math.isnan(left) and math.isnan(right)) or math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(close, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(close(left[key], right[key]) for key in left)
    return left == right


def difference(model, duck, spark):
    """None when the two (columns, rows) agree, else what differs first."""
    (duck_columns, duck_rows), (spark_columns, spark_rows) = duck, spark
    if duck_columns != spark_columns:
        return f"{model}: columns {duck_columns} on DuckDB, {spark_columns} on Spark"
    if len(duck_rows) != len(spark_rows):
        return f"{model}: {len(duck_rows)} rows on DuckDB, {len(spark_rows)} on Spark"
    for duck_row, spark_row in zip(sorted(duck_rows, key=sort_key), sorted(spark_rows, key=sort_key)):
        if not all(map(close, duck_row, spark_row)):
            return (f"{model}: row {dict(zip(duck_columns, duck_row))} on DuckDB is "
                    f"{dict(zip(spark_columns, spark_row))} on Spark")
    return None


def duckdb_relations(duckdb_build):
    with duckdb.connect(str(duckdb_build), read_only=True) as connection:
        return {row[0] for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}


def test_the_spark_schema_holds_every_table_of_the_duckdb_build(spark_build, duckdb_build):
    missing = duckdb_relations(duckdb_build) - spark_build["exported"].keys() - DUCKDB_ONLY
    assert not missing, f"not on Spark: {sorted(missing)}\n" + spark_build["output"][-6000:]


def model_differences(exported, duckdb_database):
    """What differs (difference) between each table of `exported` ({name: its Parquet directory}, a
    Spark build's) and its table in the DuckDB file `duckdb_database`; empty when they all agree.
    model_settings is compared on its own: the research runner records no rows in it yet."""
    exported = {name: path for name, path in exported.items() if name != "model_settings"}
    connection = duckdb.connect()
    connection.execute(f"attach '{duckdb_database}' as duck (read_only)")

    def spark_relation(model):
        return f"read_parquet('{exported[model]}/*.parquet')"

    duck_dimensions = {dimension: f"duck.main.{dimension}" for dimension, _ in KEY_NAMES.values()}
    spark_dimensions = {dimension: spark_relation(dimension) for dimension, _ in KEY_NAMES.values()}
    return [found for model in sorted(exported)
            if (found := difference(model, named_rows(connection, f"duck.main.{model}", duck_dimensions),
                                    named_rows(connection, spark_relation(model), spark_dimensions)))]


def test_every_table_on_spark_equals_its_duckdb_table(spark_build, duckdb_build):
    exported = spark_build["exported"]
    assert {"stock_periods", "int_factor_values", "factors", "stocks"} <= exported.keys(), (
        "the Spark build built none of the core tables:\n" + spark_build["output"][-6000:])
    differences = model_differences(exported, duckdb_build)
    assert not differences, f"{len(differences)} of {len(exported)} tables differ:\n" + "\n".join(differences)


def test_the_report_is_drawn_from_the_spark_tables(spark_build):
    report = spark_build["report"].read_text(encoding="utf-8")
    assert "Spark schema factor_warehouse" in report and report.count("data:image/png;base64,") >= 10


def test_model_settings_on_spark_holds_the_rows_duckdb_holds_for_the_sql_models(spark_build, duckdb_build):
    """The rows of every SQL model dbt built (the research runner records none yet: README)."""
    models = sorted(set(spark_build["exported"]) - {"model_settings"} - RESEARCH_TABLES)
    assert models, "the Spark build built no model:\n" + spark_build["output"][-6000:]
    listed = ", ".join(f"'{model}'" for model in models)
    query = ("select model, var, value, read_directly from {} where model in (" + listed + ") "
             "order by model, var, value, read_directly")
    connection = duckdb.connect()
    connection.execute(f"attach '{duckdb_build}' as duck (read_only)")
    duck_rows = connection.execute(query.format("duck.main.model_settings")).fetchall()
    spark_settings = f"read_parquet('{spark_build['exported']['model_settings']}/*.parquet')"
    spark_rows = connection.execute(query.format(spark_settings)).fetchall()
    assert spark_rows == duck_rows and duck_rows

def test_the_kaggle_input_is_refused_on_spark_when_dbt_parses(tmp_path):
    result = run_dbt(["parse"], database=None, dbt_vars={"kaggle_dir": str(tmp_path)}, target="spark")
    assert not result.success
    assert ("the spark target (spark) cannot read the kaggle input: only duckdb can (the Kaggle files are read by a "
            "dbt-duckdb plugin). Convert them to a Parquet panel") in str(result.exception)
