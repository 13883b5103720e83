"""factor_mic: minepy's MIC statistics, from the engine of config mic_engine, between each
factor's within-period pct_rank and alpha, per (factor, scope), scope 'pooled' or a year of
periods. Thin shim over factor_warehouse.execution.model_units.cached_factor_mic; its
settings are the mic_* vars of dbt_project.yml. The previous factor_mic table (still in
place while this model runs) is the cache: pairs whose input fingerprint is unchanged are
reused, not recomputed (nor loaded)."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.model_units import cached_factor_mic
from factor_warehouse.execution.result_cache import ResultCache
from factor_warehouse.research.design_matrix import design_relations
from factor_warehouse.research.mic_parameters import MicParameters


def model(dbt, session):
    dbt.config(materialized="table")
    parameters = MicParameters(
        estimator=dbt.config.get("mic_estimator"),
        alpha=dbt.config.get("mic_alpha"),
        c=dbt.config.get("mic_c"),
        engine=dbt.config.get("mic_engine"),
    )
    return cached_factor_mic(
        ResultCache.of_model(session, dbt.this, AdapterLogger("MIC").info),
        design_relations(dbt.ref("int_research__design_ranks"), dbt.ref("stock_periods")),
        parameters,
        workers=dbt.config.get("mic_workers"),
        min_rows=dbt.config.get("mic_min_rows"),
        progress_interval=dbt.config.get("mic_progress_seconds"),
    ).table
