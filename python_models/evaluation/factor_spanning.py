"""factor_spanning: one row per (model, factor), the alpha of the factor's long-short return
against the model augmented by the long-short returns of the other factors of its cluster
(factor_clusters). Settings: newey_west_lags (int_factor_evaluation__settings). Reused whole from
the previous table when its input fingerprint is unchanged.
The series are the primary portfolio scheme's (the first of portfolio_schemes)."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.model_units import model_returns_input
from factor_warehouse.execution.result_cache import LazyInput, ResultCache
from factor_warehouse.research.spanning import factor_spanning


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.ref("int_factor_evaluation__settings").df().iloc[0]
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    long_short = dbt.ref("factor_long_short_returns").filter(f"scheme = '{settings['primary_scheme']}'").project(
        "factor, period, long_short_return as value")
    clusters = dbt.ref("factor_clusters").project("factor, cluster")
    return cache.table(factor_spanning, LazyInput.of(long_short),
                       model_returns_input(dbt.ref("factor_model_returns")), LazyInput.of(clusters),
                       lags=int(settings["newey_west_lags"]))
