"""fama_macbeth: multivariate Fama-MacBeth of alpha on the percentile ranks of a factor list
(dbt var fama_macbeth_factors; default the top-k of factor_f_scores) and on every factor, missing
ranks filled. Settings: fama_macbeth_factors in _evaluation__models.yml, newey_west_lags in
int_factor_evaluation__settings. Reused whole from the previous table when its input
fingerprint (the design, the factor list, the lags, the code) is unchanged."""

import yaml
from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.model_units import design_input
from factor_warehouse.execution.result_cache import ResultCache
from factor_warehouse.research.fama_macbeth_models import fama_macbeth_models


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.ref("int_factor_evaluation__settings").df().iloc[0]
    configured = yaml.safe_load(str(dbt.config.get("fama_macbeth_factors")))
    if configured is None:
        factors = dbt.ref("factor_f_scores").filter("is_top_k").order("score_rank").project("factor").df()["factor"]
    elif isinstance(configured, list) and configured and all(isinstance(item, str) for item in configured):
        factors = configured
    else:
        raise ValueError(f"dbt var fama_macbeth_factors must be null or a list of factor names; got {configured!r}")
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    design = design_input(dbt.ref("int_research__design_ranks"), dbt.ref("stock_periods"))
    return cache.table(fama_macbeth_models, design, listed_factors=list(factors),
                       lags=int(settings["newey_west_lags"]),
                       listed_model="top_k" if configured is None else "factor_list")
