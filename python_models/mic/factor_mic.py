"""factor_mic: minepy's MIC statistics, from the engine of config mic_engine, between each
factor's within-period pct_rank and alpha, per (factor, scope), scope 'pooled' or a year of
periods. Thin shim over
factor_warehouse.research.mic.compute_factor_mic; parameters and their defaults are in
_mic__models.yml. The previous factor_mic table
(still in place while this model runs) is the cache: rows whose input fingerprint is
unchanged are reused, not recomputed."""

import os

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.research.mic import MicParameters, compute_factor_mic, load_observations
from factor_warehouse.research.result_cache import previous_table


def model(dbt, session):
    dbt.config(materialized="table")
    parameters = MicParameters(
        estimator=dbt.config.get("mic_estimator"),
        alpha=dbt.config.get("mic_alpha"),
        c=dbt.config.get("mic_c"),
        engine=dbt.config.get("mic_engine"),
    )
    workers = dbt.config.get("mic_workers")
    if workers is None:  # documented default: every core
        workers = os.cpu_count()
    observations = load_observations(dbt.ref("factor_values"), dbt.ref("stock_periods"))
    previous = previous_table(session, dbt.this)
    run = compute_factor_mic(
        observations,
        parameters=parameters,
        workers=workers,
        min_rows=dbt.config.get("mic_min_rows"),
        previous=None if previous is None else previous.df(),
        report=AdapterLogger("MIC").info,
        progress_interval=dbt.config.get("mic_progress_seconds"),
    )
    return run.table
