"""factor_f_scores: the article's SelectKBest(f_regression) per factor against alpha, with
Benjamini-Hochberg q-values and the top-k flag. Settings: alpha_model_settings in
_alpha_models__models.yml. Reused whole from the previous table when its input fingerprint
is unchanged."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.model_units import design_input
from factor_warehouse.execution.result_cache import ResultCache
from factor_warehouse.research.f_scores import factor_f_scores
from factor_warehouse.research.model_settings import ModelSettings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ModelSettings.from_config(dbt.config.get("alpha_model_settings"))
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    design = design_input(dbt.ref("int_research__design_ranks"), dbt.ref("stock_periods"))
    return cache.table(factor_f_scores, design, top_k=settings.top_k)
