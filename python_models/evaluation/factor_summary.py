"""factor_summary: one row per factor, every statistic of its long-short return, rank IC and
Fama-MacBeth slope across periods (i.i.d. and Newey-West t-statistics, Benjamini-Hochberg q-values,
the |t| > 3 hurdle), its coverage and turnover, and in statistics_note why a statistic is null.
Settings: int_factor_evaluation__settings (dbt vars newey_west_lags, see _evaluation__models.yml);
the long-short returns and turnover are the primary portfolio scheme's (the first of portfolio_schemes).
Reused whole from the previous table when its input fingerprint is unchanged."""

from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.execution.result_cache import LazyInput, ResultCache
from factor_warehouse.research.factor_summary import factor_summary


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.ref("int_factor_evaluation__settings").df().iloc[0]
    cache = ResultCache.of_model(session, dbt.this, AdapterLogger("result_cache").info)
    primary = f"scheme = '{settings['primary_scheme']}'"
    long_short = dbt.ref("factor_long_short_returns").filter(primary).project(
        "factor, period, grouping, portfolio_count, n_stocks, long_short_return")
    rank_ic = dbt.ref("factor_ic").filter("horizon = 1").project("factor, period, rank_ic")
    slopes = dbt.ref("factor_fama_macbeth_slopes").project("factor, period, slope")
    turnover = dbt.ref("factor_turnover").filter(f"{primary} and (portfolio = 1 or portfolio = portfolio_count)").project(
        "factor, period, turnover, rank_autocorrelation")
    period_sizes = dbt.ref("stock_periods").aggregate("period, count(*) as n_stock_periods", "period")
    return cache.table(factor_summary,
                       *map(LazyInput.of, (long_short, rank_ic, slopes, turnover, period_sizes)),
                       lags=int(settings["newey_west_lags"]), periods_per_year=int(settings["periods_per_year"]))
