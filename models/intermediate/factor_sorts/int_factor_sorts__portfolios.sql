-- One row per (factor_key, period, stock_key): the portfolio 1..J the stock falls in when the
-- factor is sorted within its group (the period, or (period, sector) when
-- sort_grouping = 'sector'). portfolio = 1 + the number of breakpoints (the k/J
-- quantiles, k = 1..J-1) strictly below the value: ties always land together, a value
-- equal to a breakpoint goes to the lower portfolio, portfolio J holds the highest values.
-- On keys; factor_portfolios adds the names. A view (the folder's default): assigning ~5 million
-- stock-factor-periods takes less time than writing them to a table, and factor_portfolio_alpha
-- and factor_turnover read it once each.

{%- set portfolio_count = factor_sorts_portfolio_count() | int %}

with

stock_factor_values as (

    select factor_key, period, stock_key, sort_group, value, value_pct_rank, alpha, alpha_rank
    from {{ ref('int_factor_sorts__stock_factor_values') }}

),

breakpoints as (

    select factor_key, period, sort_group, quantile_values
    from {{ ref('int_factor_sorts__breakpoints') }}

),

assigned as (

    select
        stock_factor_values.factor_key,
        stock_factor_values.period,
        stock_factor_values.stock_key,
        stock_factor_values.sort_group,
        stock_factor_values.value,
        stock_factor_values.value_pct_rank,
        stock_factor_values.alpha,
        stock_factor_values.alpha_rank,
        breakpoints.quantile_values,
        1 + len(list_filter(
            breakpoints.quantile_values[2:{{ portfolio_count }}],
            lambda breakpoint: breakpoint < stock_factor_values.value
        )) as portfolio
    from stock_factor_values
    inner join breakpoints
        on stock_factor_values.factor_key = breakpoints.factor_key
        and stock_factor_values.period = breakpoints.period
        and stock_factor_values.sort_group = breakpoints.sort_group

),

final as (

    select
        factor_key,
        period,
        stock_key,
        '{{ factor_sorts_grouping() }}' as grouping,
        sort_group,
        {{ portfolio_count }} as portfolio_count,
        portfolio,
        value,
        value_pct_rank as pct_rank,
        quantile_values[portfolio] as lower_breakpoint,
        quantile_values[portfolio + 1] as upper_breakpoint,
        alpha,
        alpha_rank
    from assigned

)

select * from final
