"""The main job: `dbt build` into a copy of the warehouse, swapped in only on
success, then the HTML research report rendered from it.

    .venv/bin/python -m factor_warehouse.cli.build [--kaggle-dir DIR] [--database FILE] [--report FILE]

A failed run therefore leaves the previous warehouse file untouched and usable.
"""

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.paths import DEFAULT_DATABASE, DEFAULT_REPORT
from factor_warehouse.report.document import render


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
