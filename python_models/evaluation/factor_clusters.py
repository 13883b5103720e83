"""factor_clusters: one row per factor, its cluster by the correlation of the long-short returns
(hierarchical, average linkage on 1 - rho; dbt var factor_cluster_count clusters at most, default
13 as Jensen, Kelly and Pedersen, capped by the factor count). Reused whole from the previous table
when its input fingerprint is unchanged.
The series are the primary portfolio scheme's (the first of portfolio_schemes)."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.result_cache import LazyInput, ResultCache
from factor_warehouse.research.clusters import factor_clusters


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.ref("int_factor_evaluation__settings").df().iloc[0]
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    long_short = dbt.ref("factor_long_short_returns").filter(f"scheme = '{settings['primary_scheme']}'").project(
        "factor, period, long_short_return as value")
    return cache.table(factor_clusters, LazyInput.of(long_short), count=int(dbt.config.get("factor_cluster_count")))
