-- One row per (factor, period, portfolio) for every portfolio 1..J of every
-- factor-period, empty ones included (n_stocks 0, null means): lower and upper breakpoint,
-- n_stocks, mean and median alpha, mean alpha_rank. With sort_grouping = 'sector' a
-- portfolio pools that portfolio of every sector, which have different breakpoints, so
-- the breakpoint columns are null; min_value and max_value always describe the members.
{{ config(materialized='factor_batched_table') }}

{%- set portfolio_count = factor_sorts_portfolio_count() | int %}
{%- set grouping = factor_sorts_grouping() %}

with

portfolios as (

    select factor_key, period, portfolio, value, alpha, alpha_rank
    from {{ ref('int_factor_sorts__portfolios') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

breakpoints as (

    select factor_key, factor, period, sort_group, quantile_values
    from {{ ref('int_factor_sorts__breakpoints') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

portfolio_numbers as (

    select unnest(range(1, {{ portfolio_count }} + 1)) as portfolio

),

factor_periods as (

    select
        factor_key,
        factor,
        period,
        {% if grouping == 'period' -%}
        any_value(quantile_values) as quantile_values
        {%- else -%}
        cast(null as double[]) as quantile_values
        {%- endif %}
    from breakpoints
    group by factor_key, factor, period

),

portfolio_grid as (

    select
        factor_periods.factor_key,
        factor_periods.factor,
        factor_periods.period,
        portfolio_numbers.portfolio,
        factor_periods.quantile_values[portfolio_numbers.portfolio] as lower_breakpoint,
        factor_periods.quantile_values[portfolio_numbers.portfolio + 1] as upper_breakpoint
    from factor_periods
    cross join portfolio_numbers

),

portfolio_statistics as (

    select
        factor_key,
        period,
        portfolio,
        count(*) as n_stocks,
        count(alpha) as n_stocks_with_alpha,
        min(value) as min_value,
        max(value) as max_value,
        avg(alpha) as mean_alpha,
        quantile_cont(alpha, 0.5) as median_alpha,
        avg(alpha_rank) as mean_alpha_rank
    from portfolios
    group by factor_key, period, portfolio

),

final as (

    select
        portfolio_grid.factor_key,
        portfolio_grid.factor,
        portfolio_grid.period,
        portfolio_grid.portfolio,
        '{{ grouping }}' as grouping,
        {{ portfolio_count }} as portfolio_count,
        portfolio_grid.lower_breakpoint,
        portfolio_grid.upper_breakpoint,
        portfolio_statistics.min_value,
        portfolio_statistics.max_value,
        coalesce(portfolio_statistics.n_stocks, 0) as n_stocks,
        coalesce(portfolio_statistics.n_stocks_with_alpha, 0) as n_stocks_with_alpha,
        portfolio_statistics.mean_alpha,
        portfolio_statistics.median_alpha,
        portfolio_statistics.mean_alpha_rank
    from portfolio_grid
    left join portfolio_statistics
        on portfolio_grid.factor_key = portfolio_statistics.factor_key
        and portfolio_grid.period = portfolio_statistics.period
        and portfolio_grid.portfolio = portfolio_statistics.portfolio

)

select * from final
