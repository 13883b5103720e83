"""The query command (factor_warehouse/cli/query.py), run as a user runs it, in a subprocess: every
output format, statements that return nothing, and each error as one line with its exit status; on
a small DuckDB file made here. Then, on the demo warehouse: every query command the README shows,
its pandas snippet, and a renamed copy of the file read through every view (macros/ref.sql)."""

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
README_COMMAND = ".venv/bin/python -m factor_warehouse.cli.query"
PRICES_CSV = "id,name,value,period\n1,a'b,1.5,2020-01-31\n2,c,,2020-02-29\n"
PRICES_JSON = [
    {"id": 1, "name": "a'b", "value": 1.5, "period": "2020-01-31"},
    {"id": 2, "name": "c", "value": None, "period": "2020-02-29"},
]


def run_query(*arguments, cwd, stdin=""):
    return subprocess.run([sys.executable, "-m", "factor_warehouse.cli.query", *arguments],
                          cwd=cwd, input=stdin, capture_output=True, text=True)


@pytest.fixture
def database(tmp_path):
    """A small database file: table prices (a quote in a text, a null, dates) and a view on it."""
    path = tmp_path / "small.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create table prices (id integer, name varchar, value double, period date)")
        connection.execute("insert into prices values (1, 'a''b', 1.5, '2020-01-31'), (2, 'c', null, '2020-02-29')")
        connection.execute("create view price_count as select count(*) as n from prices")
    return path


def query(database, *arguments, stdin=""):
    """Run the query command on `database` from the database's folder."""
    return run_query("--database", str(database), *arguments, cwd=database.parent, stdin=stdin)


def test_a_table_is_printed_by_default(database):
    result = query(database, "select * from prices order by id")
    assert result.returncode == 0, result.stderr
    assert "name" in result.stdout and "a'b" in result.stdout and "2020-02-29" in result.stdout


def test_csv_goes_to_standard_output_with_a_header(database):
    result = query(database, "--format", "csv", "select * from prices order by id")
    assert (result.returncode, result.stdout, result.stderr) == (0, PRICES_CSV, "")


def test_csv_goes_to_the_output_file_and_nothing_is_printed(database):
    result = query(database, "--format", "csv", "--output", "prices.csv", "select * from prices order by id")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (database.parent / "prices.csv").read_text() == PRICES_CSV


def test_parquet_file_reads_back_equal(database):
    result = query(database, "--format", "parquet", "--output", "prices.parquet", "from prices order by id")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    written = duckdb.sql(f"from read_parquet('{database.parent / 'prices.parquet'}')")
    with duckdb.connect(str(database), read_only=True) as connection:
        original = connection.sql("from prices order by id")
        assert written.types == original.types
        assert written.fetchall() == original.fetchall()


def test_json_is_one_array_of_objects_printed_or_written(database):
    printed = query(database, "--format", "json", "from prices order by id")
    written = query(database, "--format", "json", "--output", "prices.json", "from prices order by id")
    assert (printed.returncode, written.returncode, written.stdout) == (0, 0, "")
    assert json.loads(printed.stdout) == PRICES_JSON
    assert json.loads((database.parent / "prices.json").read_text()) == PRICES_JSON


def test_sql_is_read_from_standard_input_when_not_given(database):
    result = query(database, "--format", "csv", stdin="select n from price_count")
    assert (result.returncode, result.stdout) == (0, "n\n2\n")


@pytest.mark.parametrize("file_format", ["table", "csv", "json"])
def test_a_statement_without_result_succeeds_quietly(database, file_format):
    """COPY ... TO writes its file although the database is opened read-only, and prints nothing."""
    result = query(database, "--format", file_format, "copy (from prices order by id) to 'copied.csv'")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (database.parent / "copied.csv").read_text() == PRICES_CSV


@pytest.mark.parametrize("arguments, status, says", [
    (["select * from pricess"], 1, 'Table with name pricess does not exist! Did you mean "prices"?'),
    (["select 1 frm prices"], 1, "syntax error"),
    (["--format", "csv", "select cast(name as integer) from prices"], 1, "Could not convert string"),
    (["create table more_prices as from prices"], 1, "read-only"),
    (["--format", "csv", "--output", "written.csv", "copy prices to 'copied.csv'"], 1,
     "returns no result, so nothing was written to written.csv"),
    (["--format", "csv", "--output", ".", "from prices"], 1, "could not write the result to ."),
    (["--format", "parquet", "from prices"], 2, "--format parquet needs --output FILE"),
    (["--output", "prices.csv", "from prices"], 2, "--output needs --format csv, parquet or json"),
    (["--format", "csv", "--output", "missing/prices.csv", "from prices"], 2, "missing does not exist"),
    (["--format", "xml", "from prices"], 2, "invalid choice: 'xml'"),
    ([" "], 2, "no SQL"),
])
def test_an_error_is_one_line_and_a_status(database, arguments, status, says):
    result = query(database, *arguments)
    assert result.returncode == status
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("query: ") and says in result.stderr


def test_a_missing_or_foreign_database_file_is_named(tmp_path):
    (tmp_path / "notes.duckdb").write_text("not a database")
    missing = run_query("--database", "absent.duckdb", "select 1", cwd=tmp_path)
    foreign = run_query("--database", "notes.duckdb", "select 1", cwd=tmp_path)
    assert (missing.returncode, foreign.returncode) == (1, 1)
    assert missing.stderr == ("query: no database file absent.duckdb: build the warehouse with `make build`, "
                              "or name another file with --database FILE\n")
    assert foreign.stderr.startswith("query: could not open notes.duckdb read-only: ")
    assert "not a valid DuckDB database file" in foreign.stderr and len(foreign.stderr.splitlines()) == 1


def test_a_reader_that_stops_early_ends_it_quietly(database):
    """As `| head` does: the output (megabytes, more than a pipe holds) is cut after one line."""
    command = [sys.executable, "-m", "factor_warehouse.cli.query", "--database", str(database),
               "--format", "csv", "from range(1000000)"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout.readline() == b"range\n"
        process.stdout.close()
        assert process.wait() == 1
        assert process.stderr.read() == b""


def readme_commands():
    """Every line of README.md that runs the query command."""
    return [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith(README_COMMAND)]


def test_the_readme_shows_query_commands():
    assert readme_commands()


@pytest.mark.parametrize("command", readme_commands())
def test_every_readme_query_command_returns_its_rows(command, demo_database, demo_warehouse, tmp_path):
    """Run from an empty folder on the demo warehouse; whatever the command prints or writes (its
    --output file or the file its COPY writes) holds every row of its query."""
    arguments = shlex.split(command)[len(shlex.split(README_COMMAND)):]
    result = run_query(*arguments, "--database", str(demo_database), cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    written = list(tmp_path.iterdir())
    if written:
        assert result.stdout == "" and len(written) == 1
        rows = duckdb.sql(f"select count(*) from '{written[0]}'").fetchone()[0]
    elif "json" in arguments:
        rows = len(json.loads(result.stdout))
    else:
        rows = len(result.stdout.splitlines()) - 1  # csv: the header, then one line per row
    copied = re.fullmatch(r"copy \((.*)\) to '[^']*'", arguments[-1])
    expected = demo_warehouse.sql(f"select count(*) from ({copied.group(1) if copied else arguments[-1]})")
    assert rows == expected.fetchone()[0] > 0


def test_the_readme_pandas_snippet_reads_the_warehouse(demo_database, demo_warehouse):
    section = README.read_text(encoding="utf-8").split("### From pandas, Jupyter or the DuckDB CLI")[1]
    snippet = section.split("```python\n")[1].split("```")[0]
    namespace = {}
    exec(snippet.replace("data/warehouse.duckdb", str(demo_database)), namespace)
    assert len(namespace["summary"]) == demo_warehouse.sql("select count(*) from factor_summary").fetchone()[0] > 0


def test_a_renamed_copy_of_the_warehouse_reads_through_every_view(demo_database, tmp_path):
    """DuckDB names a file's catalog after the file, so a view naming its database would fail in
    the copy (Catalog "warehouse" does not exist)."""
    copy = tmp_path / "renamed copy.duckdb"
    shutil.copyfile(demo_database, copy)
    with duckdb.connect(str(copy), read_only=True) as connection:
        views = connection.sql("select schema_name, view_name from duckdb_views() where not internal").fetchall()
        assert {"factor_portfolios", "stg_kaggle__values"} <= {name for _, name in views}
        for schema, name in views:
            connection.sql(f'select count(*) from "{schema}"."{name}"').fetchone()
