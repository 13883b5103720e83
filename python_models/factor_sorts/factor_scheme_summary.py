"""factor_scheme_summary: one row per (factor, portfolio scheme), the statistics of the scheme's
long-short series (factor_long_short_returns) gross and net of trading costs, so that a factor's t
can be read across the schemes of the dbt var portfolio_schemes. Settings:
int_factor_evaluation__settings (newey_west_lags, see python_models/evaluation/_evaluation__models.yml)."""

from factor_warehouse.research.scheme_summary import scheme_summary


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.ref("int_factor_evaluation__settings").df().iloc[0]
    long_short = dbt.ref("factor_long_short_returns").project(
        "scheme, factor, period, long_short_return, net_long_short_return").df()
    return scheme_summary(long_short, list(settings["scheme_names"]), lags=int(settings["newey_west_lags"]))
