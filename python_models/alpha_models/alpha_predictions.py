"""alpha_predictions: in-sample and walk-forward predictions of alpha_rank by every model.
Each (model, year) refit is reused from the previous table when its input fingerprint is
unchanged (factor_warehouse.execution.result_cache)."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.model_units import cached_alpha_predictions, design_input
from factor_warehouse.execution.result_cache import ResultCache
from factor_warehouse.research.model_settings import ModelSettings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ModelSettings.from_config(dbt.config.get("alpha_model_settings"))
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    design = design_input(dbt.ref("int_research__design_ranks"), dbt.ref("stock_periods"))
    return cached_alpha_predictions(cache, design, settings)
