"""Run SQL against the warehouse and print the result.

    .venv/bin/python -m factor_warehouse.cli.query "select * from factor_summary limit 10"
    .venv/bin/python -m factor_warehouse.cli.query --database other.duckdb < my_query.sql

Opens the file read-only, so it never blocks or alters a build.
"""

import argparse
import sys

import duckdb

from factor_warehouse.paths import DEFAULT_DATABASE


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sql", nargs="?", help="the query; read from standard input when omitted")
    parser.add_argument("--database", default=str(DEFAULT_DATABASE), help="warehouse file (default: %(default)s)")
    parser.add_argument("--max-rows", type=int, default=40, help="rows to print (default: %(default)s)")
    options = parser.parse_args(argv)
    sql = options.sql or sys.stdin.read()
    with duckdb.connect(options.database, read_only=True) as connection:
        connection.sql(sql).show(max_rows=options.max_rows, max_width=200)
    return 0


if __name__ == "__main__":
    sys.exit(main())
