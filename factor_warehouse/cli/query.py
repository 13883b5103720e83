"""Run SQL against the warehouse and print the result, or write it to a file.

    .venv/bin/python -m factor_warehouse.cli.query "select * from factor_summary limit 10"
    .venv/bin/python -m factor_warehouse.cli.query --database other.duckdb < my_query.sql
    .venv/bin/python -m factor_warehouse.cli.query --format parquet --output values.parquet "from factor_values"

Opens the file read-only, so it never blocks or alters a build (a `COPY ... TO 'file'` still
writes its file). --format table (the default) prints at most --max-rows rows; csv (with a
header) and json (one array of objects) print every row, or write them to --output FILE;
parquet needs --output. DuckDB itself writes every format. A statement that returns no result
(COPY, SET) prints nothing. Any error is one line on standard error, with exit status 2 for a
bad command line and 1 when the database cannot be opened, the SQL fails or the output cannot
be written (1 too, silently, when the reader of standard output stops early, as `| head` does).
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

from factor_warehouse.paths import DEFAULT_DATABASE

PROGRAM = "query"
USAGE_ERROR = 2
RUN_ERROR = 1
FORMATS = ("table", "csv", "parquet", "json")


class QueryFailed(Exception):
    """A run that stops; its message is the whole line for the user."""


class OneLineParser(argparse.ArgumentParser):
    """argparse whose every complaint is one line on standard error, exit status 2."""

    def error(self, message):
        self.exit(USAGE_ERROR, f"{self.prog}: {message}; see --help\n")


def parse_options(argv):
    parser = OneLineParser(prog=PROGRAM, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sql", nargs="?", help="the SQL; read from standard input when omitted")
    parser.add_argument("--database", type=Path, default=DEFAULT_DATABASE, metavar="FILE",
                        help="warehouse file, opened read-only (default: %(default)s)")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table (printed, the default), csv, parquet or json")
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="write the result (csv, parquet or json) to FILE, replacing it, instead of printing it")
    parser.add_argument("--max-rows", type=int, default=40, help="rows of a table to print (default: %(default)s)")
    options = parser.parse_args(argv)
    if options.output and options.format == "table":
        parser.error("--output needs --format csv, parquet or json (a table is only printed)")
    if options.format == "parquet" and not options.output:
        parser.error("--format parquet needs --output FILE (Parquet is binary and is not printed)")
    if options.output and not options.output.absolute().parent.is_dir():
        parser.error(f"--output {options.output}: folder {options.output.absolute().parent} does not exist; "
                     f"create it or write elsewhere")
    if options.sql is None:
        options.sql = sys.stdin.read()
    if not options.sql.strip():
        parser.error("no SQL: give it as the argument or on standard input")
    return options


def main(argv=None):
    options = parse_options(argv)
    try:
        run(options)
    except QueryFailed as failure:
        print(f"{PROGRAM}: {failure}", file=sys.stderr)
        return RUN_ERROR
    except BrokenPipeError:
        # the reader stopped early (`| head`): nothing to report; the interpreter's last flush of
        # standard output goes to the null device instead of failing again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return RUN_ERROR
    return 0


def run(options):
    if not options.database.is_file():
        raise QueryFailed(f"no database file {options.database}: build the warehouse with `make build`, "
                          f"or name another file with --database FILE")
    try:
        connection = duckdb.connect(str(options.database), read_only=True)
    except duckdb.Error as error:
        raise QueryFailed(f"could not open {options.database} read-only: {reason(error)}; check that it is a "
                          f"database file of DuckDB {duckdb.__version__} and that no process has it open for "
                          f"writing") from error
    with connection:
        try:
            result = connection.sql(options.sql)
            if result is not None and options.format == "table":
                result.show(max_rows=options.max_rows, max_width=200)
        except duckdb.Error as error:
            raise query_failed(error) from error
        if result is None and options.output:
            raise QueryFailed(f"the last statement returns no result, so nothing was written to {options.output}; "
                              f"end the SQL with a query, or drop --output")
        if result is not None and options.format != "table":
            emit(result, options.format, options.output)


def emit(result, file_format, output):
    """DuckDB writes `result` as `file_format` to the file `output`, or to a scratch file that is
    then copied to standard output when `output` is None."""
    with tempfile.TemporaryDirectory(prefix="factor_warehouse_query_") as scratch:
        target = output or Path(scratch) / f"result.{file_format}"
        try:
            WRITERS[file_format](result, target)
        except duckdb.IOException as error:
            raise QueryFailed(f"could not write the result to {output or 'standard output'}: {reason(error)}; "
                              f"check that it names a file in a writable folder and that the disk has free space"
                              ) from error
        except duckdb.Error as error:  # the query runs as it is written, so it can fail here too
            raise query_failed(error) from error
        if not output:
            sys.stdout.flush()
            with target.open("rb") as written:
                shutil.copyfileobj(written, sys.stdout.buffer)
            sys.stdout.buffer.flush()


def reason(error):
    """DuckDB's message on one line: its first paragraph (the error and any suggestion such as
    `Did you mean "factor_summary"?`), without the quoted SQL and caret that follow."""
    return " ".join(line.strip() for line in str(error).split("\n\n")[0].splitlines())


def query_failed(error):
    return QueryFailed(f"the query failed: {reason(error)}; fix the SQL "
                       f"(`show tables` lists the tables, `describe TABLE` a table's columns)")


def write_csv(result, target):
    result.write_csv(str(target), header=True)


def write_parquet(result, target):
    result.write_parquet(str(target))


def write_json(result, target):
    """The relation API writes no JSON, and a read-only connection cannot name a relation for
    COPY, so the result goes through a scratch Parquet file that an in-memory DuckDB copies to
    `target` as one JSON array."""
    with tempfile.TemporaryDirectory(prefix="factor_warehouse_query_") as scratch:
        staged = Path(scratch) / "result.parquet"
        result.write_parquet(str(staged))
        with duckdb.connect() as memory:
            memory.execute(f"copy (from read_parquet({sql_literal(staged)})) to {sql_literal(target)} "
                           f"(format json, array true)")


def sql_literal(path):
    return "'" + str(path).replace("'", "''") + "'"


WRITERS = {"csv": write_csv, "parquet": write_parquet, "json": write_json}


if __name__ == "__main__":
    sys.exit(main())
