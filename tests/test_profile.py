"""The profile's settings reach DuckDB: the dev target's memory_limit follows
FACTOR_WAREHOUSE_MEMORY_LIMIT (the README's way to fit a build to the machine); a warehouse file
whose name cannot name a DuckDB database is refused at the start of a dbt command."""

import duckdb

from factor_warehouse.cli.dbt_runner import run_dbt

SHOW_MEMORY_LIMIT = ["show", "--inline", "select current_setting('memory_limit') as memory_limit", "--output", "json"]


def shown_memory_limit(tmp_path, monkeypatch, value):
    if value is None:
        monkeypatch.delenv("FACTOR_WAREHOUSE_MEMORY_LIMIT", raising=False)
    else:
        monkeypatch.setenv("FACTOR_WAREHOUSE_MEMORY_LIMIT", value)
    result = run_dbt([*SHOW_MEMORY_LIMIT, "--target-path", str(tmp_path / "target")],
                     database=tmp_path / "warehouse.duckdb", target="dev")
    assert result.success, result.exception
    return result.result.results[0].agate_table.rows[0][0]


def test_dev_memory_limit_follows_the_environment(tmp_path, monkeypatch):
    with duckdb.connect() as connection:
        connection.execute("set memory_limit = '3GB'")
        three_gb = connection.execute("select current_setting('memory_limit')").fetchone()[0]
        connection.execute("set memory_limit = '8GB'")
        eight_gb = connection.execute("select current_setting('memory_limit')").fetchone()[0]
    assert shown_memory_limit(tmp_path, monkeypatch, "3GB") == three_gb
    assert shown_memory_limit(tmp_path, monkeypatch, None) == eight_gb


def test_a_warehouse_file_name_duckdb_cannot_name_its_database_after_is_refused_with_a_new_name(tmp_path):
    result = run_dbt(["run", "--select", "stg_kaggle__values"], database=tmp_path / "my-warehouse.duckdb")
    assert not result.success
    assert ("the warehouse file name my-warehouse.duckdb cannot be used: DuckDB names the database after the file "
            "('my-warehouse')") in str(result.exception)
    assert "rename the file, e.g. my_warehouse.duckdb" in str(result.exception)
