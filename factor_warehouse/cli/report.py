"""Render the research report from a built warehouse.

    .venv/bin/python -m factor_warehouse.cli.report [--database data/warehouse.duckdb] [--output data/report.html]

Every number and figure comes from a SQL query on the warehouse, opened read-only; the
HTML file opens without any network access.
"""

import argparse
import sys

from factor_warehouse.paths import DEFAULT_DATABASE, DEFAULT_REPORT
from factor_warehouse.report.document import render


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=str(DEFAULT_DATABASE), help="warehouse file (default: %(default)s)")
    parser.add_argument("--output", default=str(DEFAULT_REPORT), help="HTML file to write (default: %(default)s)")
    options = parser.parse_args(argv)
    try:
        path = render(options.database, options.output)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"report written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
