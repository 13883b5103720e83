"""alpha_model_metrics: MSE, R2, mean within-year rank IC and top-minus-bottom quintile
alpha per (model, evaluation, scope), from alpha_predictions."""

from factor_warehouse.research.metrics import alpha_model_metrics


def model(dbt, session):
    dbt.config(materialized="table")
    predictions = dbt.ref("alpha_predictions").project("model, evaluation, ticker, fiscal_year, actual, predicted, alpha")
    # ordered, so that ties between predictions fall into quintiles the same way on every build
    return alpha_model_metrics(predictions.order("model, evaluation, fiscal_year, ticker").df())
