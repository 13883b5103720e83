"""Session fixtures: build the warehouse once on the demo data and once on the
trimmed real 2018 sample, each with `dbt build` through dbtRunner into a
temporary DuckDB file, and hand the integration tests a read-only connection."""

import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]
KAGGLE_SAMPLE_DIR = PROJECT_DIR / "data" / "kaggle_2018_sample"

# dbt's compiled files and logs of this test session go to a directory of its own, not the
# project's target/ and logs/: a build or a second test session running at the same time
# would otherwise overwrite each other's manifest and partial-parse state.
_DBT_SCRATCH = tempfile.mkdtemp(prefix="factor_warehouse_tests_dbt_")
os.environ.setdefault("DBT_TARGET_PATH", os.path.join(_DBT_SCRATCH, "target"))
os.environ.setdefault("DBT_LOG_PATH", os.path.join(_DBT_SCRATCH, "logs"))


def build_warehouse(tmp_path_factory, name, dbt_vars):
    """Run `dbt build` into a fresh database file and return its path."""
    database = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
    result = run_dbt(["build"], database=database, dbt_vars=dbt_vars)
    assert result.success, f"dbt build failed for {name}: {result.exception or result.result}"
    return database


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    return build_warehouse(tmp_path_factory, "demo", {})


@pytest.fixture(scope="session")
def kaggle_sample_database(tmp_path_factory):
    return build_warehouse(tmp_path_factory, "kaggle_sample", {"kaggle_dir": str(KAGGLE_SAMPLE_DIR)})


@pytest.fixture(scope="session")
def demo_warehouse(demo_database):
    connection = duckdb.connect(str(demo_database), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def kaggle_sample_warehouse(kaggle_sample_database):
    connection = duckdb.connect(str(kaggle_sample_database), read_only=True)
    yield connection
    connection.close()


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_DBT_SCRATCH, ignore_errors=True)
