"""The SQL of README.md runs: every statement of every ```sql block returns rows on the demo
warehouse and on the real 2018 sample, except where the data cannot have any: there the
statement must still run and return no rows, and the reason is written down below. A block
showing a dbt model's code runs with each `{{ ref('name') }}` read as the table it names."""

import re

import duckdb
import pytest

from tests.conftest import PROJECT_DIR

README = PROJECT_DIR / "README.md"
SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", flags=re.DOTALL | re.MULTILINE)
REF = re.compile(r"\{\{\s*ref\('(\w+)'\)\s*\}\}")

# warehouse fixture -> {a fragment of a statement: why that statement returns no rows there}
NO_ROWS = {
    "demo_warehouse": {
        "from quarantined_inputs": "the demo data has no bad rows or values (docs/demo_data.md)",
        "from factor_decay": "no factor_publications file is given (tests/test_factor_decay.py builds one)",
    },
    "kaggle_sample_warehouse": {
        "from quarantined_inputs": "the 300 rows of the 2018 sample have no bad rows or values",
        "from factor_decay": "no factor_publications file is given (tests/test_factor_decay.py builds one)",
        "evaluation = 'walk_forward'": "the sample is one fiscal year, and walk-forward predicts each year only "
                                       "from the years before it",
    },
}


def sql_blocks():
    """The text of each ```sql block of README.md, in order, with dbt's ref() rendered."""
    return [REF.sub(r"\1", block) for block in SQL_BLOCK.findall(README.read_text(encoding="utf-8"))]


BLOCKS = sql_blocks()


def test_every_sql_block_of_the_readme_is_found():
    assert len(BLOCKS) == README.read_text(encoding="utf-8").count("```sql")
    assert len(duckdb.extract_statements(BLOCKS[0])) == 5  # the five questions


@pytest.mark.parametrize("warehouse", sorted(NO_ROWS))
@pytest.mark.parametrize("block", BLOCKS, ids=[f"block {number}" for number in range(1, len(BLOCKS) + 1)])
def test_each_statement_of_a_readme_sql_block_returns_rows(warehouse, block, request):
    connection = request.getfixturevalue(warehouse)
    # DuckDB splits the block: a semicolon in a literal or a comment is no boundary
    statements = [statement.query for statement in duckdb.extract_statements(block)]
    assert statements
    for sql in statements:
        rows = connection.sql(sql).fetchall()
        reasons = [reason for fragment, reason in NO_ROWS[warehouse].items() if fragment in sql]
        if reasons:
            assert rows == [], f"now returns rows on {warehouse}, though {reasons[0]}; drop it from NO_ROWS:\n{sql}"
        else:
            assert rows, f"returns no rows on {warehouse}:\n{sql}"
