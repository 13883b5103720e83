"""The main job: `dbt build` into a copy of the warehouse, swapped in only on
success, then the HTML research report rendered from it.

A failed run therefore leaves the previous warehouse file untouched and usable.
Also home of `run_dbt`, the one way the project (and its tests) invoke dbt.
"""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = PROJECT_DIR / "data" / "warehouse.duckdb"
DEFAULT_REPORT = PROJECT_DIR / "data" / "report.html"


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


def build(database, dbt_vars, report=None):
    """Build into a copy of `database`, atomically replace `database` with it,
    then render the report to `report` (skipped when None).

    The copy is `<dir>/.building/<same file name>`: dbt-duckdb names the catalog
    after the file and views keep fully qualified names, so the file name must
    not change between build and swap.
    """
    started = time.monotonic()
    database = Path(database)
    staging_copy = database.parent / ".building" / database.name
    staging_copy.parent.mkdir(parents=True, exist_ok=True)
    if database.exists():
        shutil.copyfile(database, staging_copy)  # keeps caches (e.g. MIC results) warm
    elif staging_copy.exists():
        staging_copy.unlink()
    result = run_dbt(["build"], database=staging_copy, dbt_vars=dbt_vars, target="dev")
    if not result.success:
        print(f"build failed; {database} was left as it was", file=sys.stderr)
        return 1
    os.replace(staging_copy, database)
    print(f"warehouse ready: {database}")
    if report is not None:
        from factor_warehouse.report import render  # here, not at the top: report imports this module

        render(database, report, build_seconds=time.monotonic() - started)
        print(f"report ready: {report}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kaggle-dir", help="directory with {YEAR}_Financial_Data.csv[.zip]; default: demo data")
    parser.add_argument("--database", default=str(DEFAULT_DATABASE), help="warehouse file to build")
    parser.add_argument("--report", default=str(DEFAULT_REPORT), help="HTML report to write")
    options = parser.parse_args(argv)
    dbt_vars = {"kaggle_dir": str(Path(options.kaggle_dir).resolve())} if options.kaggle_dir else {}
    return build(options.database, dbt_vars, report=options.report)


if __name__ == "__main__":
    sys.exit(main())
