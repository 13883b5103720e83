"""factor_regressions: alpha ~ pct_rank by least squares per factor over the stock-periods
where both exist (no filling), the article's PE ratio / ROE lines for every factor. Reused
whole from the previous table when its input fingerprint is unchanged."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.result_cache import LazyInput, ResultCache
from factor_warehouse.research.design_matrix import ordered_pairs, rank_alpha_pairs
from factor_warehouse.research.regressions import factor_regressions


def model(dbt, session):
    dbt.config(materialized="table")
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    pairs = LazyInput((rank_alpha_pairs(dbt.ref("factor_values"), dbt.ref("stock_periods")),), load=ordered_pairs)
    return cache.table(factor_regressions, pairs)
