"""factor_ic_summary: one row per (factor, horizon), the rank IC of factor_ic across periods with
a Newey-West t whose lags are max(newey_west_lags, horizon - 1), the overlap of the horizon.
Settings: int_factor_evaluation__settings (dbt var newey_west_lags, see _evaluation__models.yml).
Reused whole from the previous table when its input fingerprint is unchanged."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.result_cache import LazyInput, ResultCache
from factor_warehouse.research.ic_horizons import ic_by_horizon


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.ref("int_factor_evaluation__settings").df().iloc[0]
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    rank_ic = dbt.ref("factor_ic").project("factor, horizon, period, rank_ic")
    return cache.table(ic_by_horizon, LazyInput.of(rank_ic), lags=int(settings["newey_west_lags"]))
