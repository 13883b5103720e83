"""The CSV inputs on the spark target against DuckDB (issue 23): the demo panel (200 stocks x 36
months x 10 characteristics) as a gzipped CSV, with a benchmark CSV (panel.benchmark_path), a
Fama-French-like factor_models CSV and a factor_publications CSV (a quoted field holding a comma,
empty fields), built by the build command on Spark and by dbt on DuckDB; every model the Spark build
built is compared with DuckDB's as tests/test_spark_target.py compares them, source_file and
line_number included. Needs Java 17+ and requirements-spark.txt: without them the tests fail saying
what to install."""

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.sources.panel_demo import write_panel
from tests.conftest import build_warehouse
from tests.spark_build import build_on_spark, dbt_on_spark
from tests.test_factor_inference import factor_file, model_vars
from tests.test_spark_target import model_differences

PUBLICATIONS = ["factor,sample_start,sample_end,publication_date,authors",
                'be_me,1900-01-01,1926-12-31,1927-06-30,"Rosenberg, Reid and Lanstein"',
                "ret_12_1,1900-01-01,1927-03-31,,Jegadeesh and Titman",
                "niq_su,,,,",
                "gp_at,1926-07-01,1927-12-31,1928-05-31,Novy-Marx"]
# models whose rows come from the CSV files, each of which the Spark build must build
CSV_MODELS = {"stg_panel__rows", "stg_panel__values", "stg_panel__benchmark_returns", "stg_factor_models__returns",
              "stg_factor_publications__dates", "stock_periods"}


@pytest.fixture(scope="session")
def csv_inputs(tmp_path_factory):
    """(the panel's path, the dbt var panel but its path, the other dbt vars) of the four CSV files."""
    directory = tmp_path_factory.mktemp("spark_csv_inputs")
    panel = Path(write_panel(directory / "panel.csv.gz", n_stocks=200, n_months=36, n_characteristics=10).path)
    months = pd.period_range("1926-01", periods=36, freq="M")
    pd.DataFrame({"period": [month.end_time.strftime("%Y-%m-%d") for month in months],
                  "return": np.random.default_rng(1).normal(0.006, 0.04, len(months)).round(6)}
                 ).to_csv(directory / "benchmark.csv", index=False)
    factor_file(directory / "ff3.csv", months + 1)  # the months in which the panel's returns are earned
    (directory / "publications.csv").write_text("\n".join(PUBLICATIONS) + "\n")
    panel_settings = {"sector_column": "sector", "benchmark_path": str((directory / "benchmark.csv").resolve())}
    other_vars = {**model_vars((directory / "ff3.csv").resolve()),
                  "factor_publications": {"path": str((directory / "publications.csv").resolve())}}
    return panel.resolve(), panel_settings, other_vars


@pytest.fixture(scope="session")
def duckdb_csv_build(tmp_path_factory, csv_inputs):
    panel, panel_settings, other_vars = csv_inputs
    return build_warehouse(tmp_path_factory, "spark_csv_duckdb",
                           {"panel": {"path": str(panel), **panel_settings}, **other_vars})


@pytest.fixture(scope="session")
def spark_csv_build(tmp_path_factory, csv_inputs):
    panel, panel_settings, other_vars = csv_inputs
    return build_on_spark(tmp_path_factory.mktemp("spark_csv_build"), panel, panel_settings, other_vars)


def test_the_spark_build_of_the_csv_inputs_passes(spark_csv_build):
    assert spark_csv_build["status"] == 0, ("the build of the CSV inputs on the spark target failed:\n"
                                            + spark_csv_build["output"][-6000:])


def test_every_model_built_from_the_csv_inputs_on_spark_equals_its_duckdb_table(spark_csv_build, duckdb_csv_build):
    exported = spark_csv_build["exported"]
    assert CSV_MODELS <= exported.keys(), (f"the Spark build did not build {sorted(CSV_MODELS - exported.keys())}:\n"
                                           + spark_csv_build["output"][-6000:])
    differences = model_differences(exported, duckdb_csv_build)
    assert not differences, f"{len(differences)} of {len(exported)} models differ:\n" + "\n".join(differences)
    lines = duckdb.sql(f"select min(line_number), max(line_number), count(*) from "
                       f"read_parquet('{exported['stg_factor_publications__dates']}/*.parquet')").fetchone()
    assert lines == (2, len(PUBLICATIONS), len(PUBLICATIONS) - 1)  # the header is line 1


def test_a_factor_given_twice_in_the_publications_csv_stops_both_targets_with_the_same_line(tmp_path, csv_inputs):
    path = tmp_path / "publications.csv"
    path.write_text("\n".join(PUBLICATIONS[:3] + ["be_me,1900-01-01,1926-12-31,1927-06-30,again"]) + "\n")
    panel, panel_settings, _ = csv_inputs
    dbt_vars = {"panel": {"path": str(panel), **panel_settings}, "factor_publications": {"path": str(path)}}
    expected = (f"factor publications file {path} line 4: factor 'be_me' is given again (first on line 2); "
                "keep one line per factor")
    duck = run_dbt(["run", "--select", "stg_factor_publications__dates"], database=tmp_path / "warehouse.duckdb",
                   dbt_vars=dbt_vars)
    assert not duck.success and expected in " ".join(str(r.message) for r in duck.result.results)
    status, output = dbt_on_spark(tmp_path / "spark", ["run", "--select", "stg_factor_publications__dates"], dbt_vars)
    assert status != 0 and expected in output, output[-4000:]


@pytest.mark.parametrize("lines, message", [
    (["id,eom,ret,be_me", "1,2020-01-31,0.1,0.5", "2,2020-01-31,0.2"],
     "{path}, line 3: 3 fields where the header has 4; the row is ragged: fix or remove it"),
    (["id,eom,ret,be_me", '1,2020-01-31,0.1,"0.5', '"'],
     "{path}, line 2: a quoted field runs onto the next line, which the spark target does not read (DuckDB does)"),
])
def test_a_ragged_row_or_a_quoted_field_over_two_lines_stops_the_spark_read_with_file_and_line(tmp_path, lines,
                                                                                               message):
    path = tmp_path / "panel.csv"
    path.write_text("\n".join(lines) + "\n")
    dbt_vars = {"panel": {"path": str(path), "id_column": "id", "period_column": "eom", "return_column": "ret"}}
    status, output = dbt_on_spark(tmp_path / "spark", ["show", "--inline", "select count(ordinality) from "
                                                       "{{ source('panel', 'panel_file') }}"], dbt_vars)
    assert status != 0 and message.format(path=path) in output, output[-4000:]
