"""Why statistics are empty: for each table whose statistics can be null (too few periods, a
constant series, no later period to look ahead to), how many of its rows hold a null and why,
each line the result of its own SQL, as the run facts are. factor_performance and fama_macbeth
say why in their statistics_note column, which is quoted; factor_summary, factor_regressions,
factor_ic and factor_turnover have no such column, so their reasons are written here from the
columns that decide them."""

from dataclasses import dataclass

import duckdb

from factor_warehouse.report.queries import missing_tables_reason

# Each query returns (statistics, why, null_rows, total_rows) rows; none when nothing is null.
SUMMARY_SQL = """
with reasons as (
    select
        case spread_periods
            when 0 then 'mean_spread, hit_rate, spread_standard_deviation, spread_t_statistic, spread_t_statistic_rank'
            when 1 then 'spread_standard_deviation, spread_t_statistic, spread_t_statistic_rank'
            else 'spread_t_statistic, spread_t_statistic_rank'
        end as statistics,
        case spread_periods
            when 0 then 'no period has a long-short spread (portfolio 1 or J is empty, as when every value is tied)'
            when 1 then 'a standard deviation or t across periods needs a spread in at least 2 periods; these factors have 1'
            else 'the spread is the same in every period (standard deviation 0)'
        end as why,
        spread_t_statistic is null as is_null,
        count(*) over () as total_rows
    from factor_summary
    union all
    select
        case rank_ic_periods
            when 0 then 'mean_rank_ic, rank_ic_standard_deviation, rank_ic_t_statistic'
            when 1 then 'rank_ic_standard_deviation, rank_ic_t_statistic'
            else 'rank_ic_t_statistic'
        end,
        case rank_ic_periods
            when 0 then 'no period has a rank IC (factor_ic, horizon 1)'
            when 1 then 'a standard deviation or t across periods needs a rank IC in at least 2 periods; these factors have 1'
            else 'the rank IC is the same in every period (standard deviation 0)'
        end,
        rank_ic_t_statistic is null,
        count(*) over ()
    from factor_summary
)
select statistics, why, count(*), any_value(total_rows)
from reasons
where is_null
group by statistics, why
order by statistics, why"""

PERFORMANCE_SQL = """
select 'those its statistics_note names', statistics_note, count(*), any_value(total_rows)
from (select statistics_note, count(*) over () as total_rows from factor_performance)
where statistics_note is not null
group by statistics_note
order by statistics_note"""

FAMA_MACBETH_SQL = """
select 'nw_t of model ' || model, statistics_note, count(*), any_value(total_rows)
from (select model, statistics_note, count(*) over () as total_rows from fama_macbeth)
where statistics_note is not null
group by model, statistics_note
order by model, statistics_note"""

REGRESSIONS_SQL = """
select
    case when slope is null then 'slope, r2, slope_standard_error, slope_t_statistic, slope_p_value'
         else 'slope_standard_error, slope_t_statistic, slope_p_value' end,
    case when n < 3 then 'a standard error needs at least 3 stock-periods with the factor and alpha'
         when slope is null then 'the percentile rank is the same on every stock-period (every value tied)'
         else 'the line fits every stock-period exactly' end,
    count(*),
    any_value(total_rows)
from (select *, count(*) over () as total_rows from factor_regressions)
where slope_t_statistic is null
group by all
order by all"""

IC_SQL = """
select
    'rank_ic at horizon ' || horizon,
    case when target_period is null
        then 'alpha ' || horizon || ' periods ahead is after the last period of the warehouse'
        else 'fewer than 2 stocks, or a rank the same for all of them' end,
    count(*),
    any_value(total_rows)
from (select *, count(*) over (partition by horizon) as total_rows from factor_ic)
where rank_ic is null
group by all
order by all"""

TURNOVER_SQL = """
select
    'turnover, rank_autocorrelation',
    case when previous_period is null then 'the factor''s first period has no previous period to compare with'
        else 'an empty portfolio, or a rank the same for all stocks ranked in both periods' end,
    count(*),
    any_value(total_rows)
from (select *, count(*) over () as total_rows from factor_turnover)
where turnover is null
group by all
order by all"""

CHECKS = (
    ("factor_summary", SUMMARY_SQL),
    ("factor_performance", PERFORMANCE_SQL),
    ("fama_macbeth", FAMA_MACBETH_SQL),
    ("factor_regressions", REGRESSIONS_SQL),
    ("factor_ic", IC_SQL),
    ("factor_turnover", TURNOVER_SQL),
)


@dataclass(frozen=True)
class NullStatistic:
    """Rows of `table` whose `statistics` are null, and why; `sql` gives the line."""

    table: str
    statistics: str
    why: str
    null_rows: int
    total_rows: int
    sql: str


def null_statistics(connection):
    """Every NullStatistic of the warehouse, table by table (none for a table not built; a query
    that fails on a table whose columns differ says so in its line)."""
    found = []
    for table, sql in CHECKS:
        if missing_tables_reason(connection, table):
            continue
        try:
            rows = connection.execute(sql).fetchall()
        except duckdb.Error as error:
            rows = [("not known", f"its query failed ({type(error).__name__}: {error}); rebuild with `make build`",
                     None, None)]
        found += [NullStatistic(table, *row, sql.strip()) for row in rows]
    return found
