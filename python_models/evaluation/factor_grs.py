"""factor_grs: one row per (model, factor), the Gibbons-Ross-Shanken test that the alphas of the
factor's J portfolios (their mean alpha series, factor_portfolio_alpha) are jointly zero under
each model of factor_model_returns. Reused whole from the previous table when its
input fingerprint is unchanged.
The series are the primary portfolio scheme's (the first of portfolio_schemes)."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.model_units import model_returns_input
from factor_warehouse.execution.result_cache import LazyInput, ResultCache
from factor_warehouse.research.grs import factor_grs


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.ref("int_factor_evaluation__settings").df().iloc[0]
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    portfolios = dbt.ref("factor_portfolio_alpha").filter(f"scheme = '{settings['primary_scheme']}'").project(
        "factor, portfolio, period, mean_alpha as value")
    return cache.table(factor_grs, LazyInput.of(portfolios),
                       model_returns_input(dbt.ref("factor_model_returns")))
