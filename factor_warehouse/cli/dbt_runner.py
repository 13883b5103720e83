"""`run_dbt`: the one way the project (its build command, tests and benchmarks) invokes
dbt, in-process through dbtRunner against a given DuckDB file, releasing the file after."""

import json
import os

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner

from factor_warehouse.paths import PROJECT_DIR


def run_dbt(args, database, dbt_vars=None, target="test"):
    """Invoke dbt in-process against `database`; returns dbt's result object."""
    os.environ["FACTOR_WAREHOUSE_PATH"] = str(database)
    command = [*args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR), "--target", target]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]  # JSON is YAML, with every string quoted
    try:
        return dbtRunner().invoke(command)
    finally:
        release_database()


def release_database():
    """Close the DuckDB file dbt-duckdb keeps open in this process after a run.

    dbt-duckdb holds its database handle in a class-level environment that can
    outlive the invocation; until it is closed, the file cannot be opened with
    another configuration (read-only) nor replaced.
    """
    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None
