"""factor_alphas: one row per (model, factor, series), the alpha of a factor's long-short return
or of one of its portfolios against a factor model (CAPM and the models of the dbt var
factor_models), with its Newey-West t, R^2 and the alphas' q-values within the model.
Settings: int_factor_evaluation__settings (newey_west_lags); the models:
factor_model_returns (macros/factor_models.sql). Reused whole from the previous
table when its input fingerprint is unchanged.
The series are the primary portfolio scheme's (the first of portfolio_schemes)."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.model_units import factor_model_inputs
from factor_warehouse.execution.result_cache import ResultCache
from factor_warehouse.research.factor_models import alpha_table


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.ref("int_factor_evaluation__settings").df().iloc[0]
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    primary = f"scheme = '{settings['primary_scheme']}'"
    inputs = factor_model_inputs(dbt.ref("factor_long_short_returns").filter(primary),
                                 dbt.ref("factor_portfolio_alpha").filter(primary), dbt.ref("factor_model_returns"))
    return cache.table(alpha_table, *inputs, lags=int(settings["newey_west_lags"]))
