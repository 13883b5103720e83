"""factor_regressions: alpha ~ pct_rank by least squares per factor over the stock-periods
where both exist (no filling), the article's PE ratio / ROE lines for every factor."""

from factor_warehouse.research.regressions import factor_regressions
from factor_warehouse.research.design_matrix import load_rank_alpha_pairs


def model(dbt, session):
    dbt.config(materialized="table")
    return factor_regressions(load_rank_alpha_pairs(dbt.ref("factor_values"), dbt.ref("stock_periods")))
