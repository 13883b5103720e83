"""alpha_model_metrics: MSE, R2, mean within-period rank IC and top-minus-bottom quintile
alpha per (model, evaluation, scope), scope 'all' or a year of periods, from alpha_predictions.
Reused whole from the previous table when its input fingerprint is unchanged."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.result_cache import LazyInput, ResultCache
from factor_warehouse.research.metrics import alpha_model_metrics


def model(dbt, session):
    dbt.config(materialized="table")
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    predictions = dbt.ref("alpha_predictions").project("model, evaluation, stock_id, period, actual, predicted, alpha")
    # ordered, so that ties between predictions fall into quintiles the same way on every build
    return cache.table(alpha_model_metrics, LazyInput.of(predictions.order("model, evaluation, period, stock_id")))
