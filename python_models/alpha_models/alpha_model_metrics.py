"""alpha_model_metrics: MSE, R2, mean within-period rank IC and top-minus-bottom quintile
alpha per (model, evaluation, scope), scope 'all' or a year of periods, from alpha_predictions."""

from factor_warehouse.research.metrics import alpha_model_metrics


def model(dbt, session):
    dbt.config(materialized="table")
    predictions = dbt.ref("alpha_predictions").project("model, evaluation, stock_id, period, actual, predicted, alpha")
    # ordered, so that ties between predictions fall into quintiles the same way on every build
    return alpha_model_metrics(predictions.order("model, evaluation, period, stock_id").df())
