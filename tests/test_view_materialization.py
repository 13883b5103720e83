"""The project's view materialization on DuckDB (macros/dialect/view_materialization.sql), in a dbt
project holding only that macro and one view: the view takes the place of the view or table of its
name, and a view that fails to build leaves the previous one in place."""

import shutil

import duckdb
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.paths import PROJECT_DIR

PROJECT = "name: view_materialization\nversion: '1.0'\nprofile: view_materialization\n"
PROFILE = """view_materialization:
  target: test
  outputs:
    test:
      type: duckdb
      path: "{{ env_var('FACTOR_WAREHOUSE_PATH') }}"
      threads: 1
"""
VIEW = "{{ config(materialized='view') }}\nselect {{ var('answer', 42) }} as answer\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "dbt_project.yml").write_text(PROJECT)
    (tmp_path / "profiles.yml").write_text(PROFILE)
    (tmp_path / "macros").mkdir()
    shutil.copy(PROJECT_DIR / "macros" / "dialect" / "view_materialization.sql", tmp_path / "macros")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "answer.sql").write_text(VIEW)
    return tmp_path


def build(project, **dbt_vars):
    return run_dbt(["run"], database=project / "warehouse.duckdb", dbt_vars=dbt_vars, project_dir=project)


def stored_answer(project):
    """The relation `answer`: its type and its rows."""
    with duckdb.connect(str(project / "warehouse.duckdb"), read_only=True) as connection:
        kind = connection.sql("select table_type from information_schema.tables where table_name = 'answer'").fetchall()
        return kind, connection.sql("select answer from answer").fetchall()


def test_a_view_replaces_the_view_or_the_table_of_its_name(project):
    assert build(project).success
    assert stored_answer(project) == ([("VIEW",)], [(42,)])
    assert build(project, answer=7).success
    assert stored_answer(project) == ([("VIEW",)], [(7,)])
    with duckdb.connect(str(project / "warehouse.duckdb")) as connection:
        connection.execute("drop view answer; create table answer as select 1 as answer")
    assert build(project).success
    assert stored_answer(project) == ([("VIEW",)], [(42,)])


def test_a_view_that_fails_to_build_leaves_the_previous_one(project):
    assert build(project).success
    failed = build(project, answer="no_such_column")
    assert not failed.success
    assert "no_such_column" in str(failed.result.results[0].message)
    assert stored_answer(project) == ([("VIEW",)], [(42,)])
