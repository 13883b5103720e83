"""`run_dbt`: the one way the project (its build command, tests and benchmarks) invokes
dbt, in-process through dbtRunner against a given DuckDB file, releasing the file after.
dbt prints its own lines on the console, in colour only on a terminal, unless a caller
takes them over with `dbt_output_to`; its log file keeps every event either way."""

import json
import os
import sys
from contextlib import contextmanager

import yaml

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner

from factor_warehouse.paths import PROJECT_DIR

_LISTENERS = []  # the callables `dbt_output_to` put in place of dbt's console output


@contextmanager
def dbt_output_to(listener):
    """Within the block, `run_dbt` prints nothing on the console and hands every dbt event (an
    EventMsg: `.info.name`, `.info.level`, `.info.msg`, `.data`) to `listener` instead, from
    dbt's worker threads; dbt's log file (logs/dbt.log) still gets every event."""
    _LISTENERS.append(listener)
    try:
        yield listener
    finally:
        _LISTENERS.remove(listener)


def vars_option(parser, text):
    """The mapping of dbt vars a command line's --vars gives as YAML (`text`); anything else is the
    argparse `parser`'s error, with an example."""
    try:
        dbt_vars = yaml.safe_load(text)
    except yaml.YAMLError as error:
        parser.error(f"--vars is not YAML ({str(error).splitlines()[0]}); give a mapping such as '{{portfolio_count: 5}}'")
    if not isinstance(dbt_vars, dict):
        parser.error(f"--vars must be a YAML mapping such as '{{portfolio_count: 5}}'; got {text!r}")
    return dbt_vars


def run_dbt(args, database, dbt_vars=None, target="test", project_dir=PROJECT_DIR, artifacts=False):
    """Invoke dbt in-process against `database` (None for the spark target, whose tables are in its
    schema) on the project in `project_dir` (this one by default); returns dbt's result object.
    dbt's JSON artifacts (target/manifest.json, run_results.json) are written only with
    `artifacts`: their writing is a second of a build that has nothing to do, and the result
    object holds what they say."""
    if database is not None:
        os.environ["FACTOR_WAREHOUSE_PATH"] = str(database)
    command = [*args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir), "--target", target,
               "--use-colors" if sys.stdout.isatty() else "--no-use-colors",
               "--write-json" if artifacts else "--no-write-json"]
    if _LISTENERS:  # the console logger off; the file logger at its own default level, not following it
        command += ["--log-level", "none", "--log-level-file", "debug"]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]  # JSON is YAML, with every string quoted
    try:
        return dbtRunner(callbacks=list(_LISTENERS)).invoke(command)
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
