"""factor_regressions: alpha ~ pct_rank by least squares per factor over the stock-periods
where both exist (no filling), the article's PE ratio / ROE lines for every factor. Reused
whole from the previous table when its input fingerprint is unchanged."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.model_units import pairs_input
from factor_warehouse.execution.result_cache import ResultCache
from factor_warehouse.research.regressions import factor_regressions


def model(dbt, session):
    dbt.config(materialized="table")
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    return cache.table(factor_regressions, pairs_input(dbt.ref("int_research__design_ranks"), dbt.ref("stock_periods")))
