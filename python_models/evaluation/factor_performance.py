"""factor_performance: one row per factor, its long-short return, rank IC and Fama-MacBeth slope
across periods with Newey-West t-statistics, Benjamini-Hochberg q-values and the |t| > 3 hurdle.
Settings: int_factor_evaluation__settings (dbt vars newey_west_lags, see _evaluation__models.yml)."""

from factor_warehouse.research.factor_performance import factor_performance


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.ref("int_factor_evaluation__settings").df().iloc[0]
    long_short = dbt.ref("factor_long_short_returns").project(
        "factor, period, grouping, portfolio_count, long_short_return").df()
    rank_ic = dbt.ref("factor_ic").filter("horizon = 1").project("factor, period, rank_ic").df()
    slopes = dbt.ref("factor_fama_macbeth_slopes").project("factor, period, slope").df()
    turnover = dbt.ref("factor_turnover").filter("portfolio = 1 or portfolio = portfolio_count").project(
        "factor, period, turnover, rank_autocorrelation").df()
    return factor_performance(long_short, rank_ic, slopes, turnover, int(settings["newey_west_lags"]),
                              int(settings["periods_per_year"]))
