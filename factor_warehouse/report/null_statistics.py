"""Why statistics are empty: each statistics table says, in its statistics_note column, which
statistics of a row are null and why; this lists every distinct note of each table with the
number of rows that carry it, each line the result of its own SQL, as the run facts are."""

from dataclasses import dataclass

import duckdb

from factor_warehouse.report.queries import missing_tables_reason

# the tables whose statistics can be null (too few periods, a constant series, no later period)
TABLES = ("factor_summary", "fama_macbeth", "factor_regressions", "factor_ic", "factor_turnover")

# one (why, null_rows, total_rows) row per distinct note; none when nothing is null
NOTES_SQL = """
select statistics_note, count(*), any_value(total_rows)
from (select statistics_note, count(*) over () as total_rows from {table})
where statistics_note is not null
group by statistics_note
order by statistics_note"""


@dataclass(frozen=True)
class NullStatistic:
    """Rows of `table` whose statistics_note is `why` (it names the null statistics); `sql` gives the line."""

    table: str
    why: str
    null_rows: int
    total_rows: int
    sql: str


def null_statistics(connection):
    """Every NullStatistic of the warehouse, table by table (none for a table not built; a query
    that fails on a table without the column says so in its line)."""
    found = []
    for table in TABLES:
        if missing_tables_reason(connection, table):
            continue
        sql = NOTES_SQL.format(table=table).strip()
        try:
            rows = connection.execute(sql).fetchall()
        except duckdb.Error as error:
            rows = [(f"not known: its query failed ({type(error).__name__}: {error}); rebuild with `make build`",
                     None, None)]
        found += [NullStatistic(table, *row, sql) for row in rows]
    return found
