"""The proof that a freshly built warehouse file is whole before it replaces the old one.

dbt-duckdb reports no row counts, and a database closed on a full disk keeps its data in a
write-ahead log beside the file, which renaming the file alone leaves behind. So
`prove_whole` counts the rows of every table (model or seed) dbt reports built, checkpoints,
closes, checks that no `.wal` is left, reopens the file read-only and finds the same counts.
Views hold no rows of their own (counting one would re-run it, e.g. a scan of a whole panel
file): they are checked to exist and bind.
"""

from pathlib import Path

import duckdb

from factor_warehouse.cli.build_failure import AGAIN, BuildFailed

BUILT = "success"
BUILT_TYPES = ("model", "seed")


def built_relations(result):
    """{name: (relation, is_view)} of every model and seed that dbt's `result` (a dbtRunnerResult)
    reports built."""
    return {item.node.name: (item.node.relation_name, item.node.config.materialized == "view")
            for item in result.result.results
            if item.node.resource_type in BUILT_TYPES and item.status == BUILT}


def wal_of(database):
    return Path(f"{database}.wal")


def prove_whole(database, relations):
    """Raise BuildFailed unless every relation in `relations` ({name: (relation, is_view)}) is in
    the file `database`, each table with the same row count after a checkpoint and a read-only reopen."""
    if not relations:
        raise BuildFailed(f"dbt reported no model built in {database}; check its output above, {AGAIN}")
    with duckdb.connect(str(database)) as connection:
        counts = row_counts(connection, relations, database)
        connection.execute("checkpoint")
    if wal_of(database).exists():
        raise BuildFailed(f"after a checkpoint and a close, {database} still has its write-ahead log "
                          f"{wal_of(database)}, so part of the new warehouse is only in that log; "
                          f"make sure nothing else has the file open and the disk has free space, {AGAIN}")
    with duckdb.connect(str(database), read_only=True) as connection:
        reopened = row_counts(connection, relations, database)
    for name, count in counts.items():
        if reopened[name] != count:
            raise BuildFailed(f"model {name} has {reopened[name]} rows in {database} after a checkpoint and a "
                              f"read-only reopen, {count} before; the file changed on disk: check the disk and "
                              f"that nothing else writes to it, {AGAIN}")


def row_counts(connection, relations, database):
    """Row counts of the tables (None for the views, which are only bound)."""
    counts = {}
    for name, (relation, is_view) in relations.items():
        try:
            if is_view:
                connection.sql(f"select * from {relation} limit 0").fetchall()
                counts[name] = None
            else:
                counts[name] = connection.sql(f"select count(*) from {relation}").fetchone()[0]
        except duckdb.CatalogException as error:
            raise BuildFailed(f"model {name}, which dbt reported built, cannot be read from {database}: "
                              f"{str(error).splitlines()[0]}; see why with `dbt build --select {name}`, {AGAIN}"
                              ) from error
    return counts
