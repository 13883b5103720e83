"""factor_mic: minepy's MIC statistics between each factor's within-period pct_rank and
alpha, per (factor, scope), scope 'pooled' or a year of periods. Thin shim over
factor_warehouse.research.mic.compute_factor_mic; parameters and their defaults are in
_mic__models.yml. The previous factor_mic table
(still in place while this model runs) is the cache: rows whose input fingerprint is
unchanged are reused, not recomputed."""

import os

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.research.mic import MicParameters, RESULT_COLUMNS, compute_factor_mic, load_observations


def previous_results(session, this):
    """The factor_mic table of the last build, or None on the first build."""
    exists = session.execute(
        "select count(*) from information_schema.tables"
        " where table_catalog = ? and table_schema = ? and table_name = ?",
        [this.database, this.schema, this.identifier],
    ).fetchone()[0]
    if not exists:
        return None
    columns = {row[0] for row in session.execute(f"describe {this}").fetchall()}
    wanted = [column for column in RESULT_COLUMNS if column in columns]
    return session.sql(f"select {', '.join(wanted)} from {this}").df()


def model(dbt, session):
    dbt.config(materialized="table")
    parameters = MicParameters(
        estimator=dbt.config.get("mic_estimator"),
        alpha=dbt.config.get("mic_alpha"),
        c=dbt.config.get("mic_c"),
    )
    workers = dbt.config.get("mic_workers")
    if workers is None:  # documented default: every core
        workers = os.cpu_count()
    observations = load_observations(dbt.ref("factor_values"), dbt.ref("stock_periods"))
    run = compute_factor_mic(
        observations,
        parameters=parameters,
        workers=workers,
        min_rows=dbt.config.get("mic_min_rows"),
        previous=previous_results(session, dbt.this),
        report=AdapterLogger("MIC").info,
        progress_interval=dbt.config.get("mic_progress_seconds"),
    )
    return run.table
