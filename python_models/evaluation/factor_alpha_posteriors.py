"""factor_alpha_posteriors: one row per (model, factor), the hierarchical empirical-Bayes posterior
of the factor's long-short alpha (factor_alphas) within its cluster (factor_clusters): posterior
mean and sd, probability of a positive alpha, the significant set and its false discovery rate.
Reused whole from the previous table when its input fingerprint is unchanged."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.result_cache import LazyInput, ResultCache
from factor_warehouse.research.empirical_bayes import empirical_bayes_alphas


def model(dbt, session):
    dbt.config(materialized="table")
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    alphas = dbt.ref("factor_alphas").filter("series = 'long_short'").project(
        "model, factor, alpha, alpha_standard_error")
    clusters = dbt.ref("factor_clusters").project("factor, cluster")
    return cache.table(empirical_bayes_alphas, LazyInput.of(alphas), LazyInput.of(clusters))
