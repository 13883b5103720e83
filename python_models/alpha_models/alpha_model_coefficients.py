"""alpha_model_coefficients: in-sample coefficients of every multi-factor model of
factor_warehouse.research.alpha_models.MODELS, the intercept as its own row. Each model's
fit is reused from the previous table when its input fingerprint is unchanged."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.model_units import cached_alpha_model_coefficients, design_input
from factor_warehouse.execution.result_cache import ResultCache
from factor_warehouse.research.model_settings import ModelSettings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ModelSettings.from_config(dbt.config.get("alpha_model_settings"))
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    design = design_input(dbt.ref("int_research__design_ranks"), dbt.ref("stock_periods"))
    return cached_alpha_model_coefficients(cache, design, settings)
