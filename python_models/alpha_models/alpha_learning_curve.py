"""alpha_learning_curve: the article's learning_curve(LinearRegression(), ...) on the
in-sample top-k design, mean train and validation RMSE per training-set size. Reused whole
from the previous table when its input fingerprint is unchanged."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.model_units import design_input
from factor_warehouse.execution.result_cache import ResultCache
from factor_warehouse.research.learning_curve import alpha_learning_curve
from factor_warehouse.research.model_settings import ModelSettings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ModelSettings.from_config(dbt.config.get("alpha_model_settings"))
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    design = design_input(dbt.ref("int_research__design_ranks"), dbt.ref("stock_periods"))
    return cache.table(alpha_learning_curve, design, settings=settings)
