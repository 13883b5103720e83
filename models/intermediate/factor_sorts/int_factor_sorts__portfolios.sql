-- One row per (scheme, factor_key, period, stock_key) in the scheme's sample: the portfolio 1..J the
-- stock falls in when the factor is sorted within its group (the period, or (period, sector) when
-- sort_grouping = 'sector') on the scheme's breakpoints (a group without breakpoints, below the
-- scheme's min_breakpoint_stocks, has no portfolios), with the stock's weight and trading cost in
-- the scheme. portfolio = 1 + the number of breakpoints (the k/J
-- quantiles, k = 1..J-1) strictly below the value: ties always land together, a value
-- equal to a breakpoint goes to the lower portfolio, portfolio J holds the highest values.
-- On keys; factor_portfolios adds the names. A view (the folder's default): assigning ~5 million
-- stock-factor-periods takes less time than writing them to a table, and factor_portfolio_alpha
-- and factor_turnover read it once each.

{%- set portfolio_count = factor_sorts_portfolio_count() | int %}

with

scheme_values as (

    select
        scheme, factor_key, period, stock_key, sort_group, value, value_pct_rank, alpha, alpha_rank,
        is_breakpoint_stock, weight, cost_pct
    from {{ ref('int_factor_sorts__scheme_values') }}

),

breakpoints as (

    select scheme, factor_key, period, sort_group, quantile_values
    from {{ ref('int_factor_sorts__breakpoints') }}
    where quantile_values is not null

),

assigned as (

    select
        scheme_values.scheme,
        scheme_values.factor_key,
        scheme_values.period,
        scheme_values.stock_key,
        scheme_values.sort_group,
        scheme_values.value,
        scheme_values.value_pct_rank,
        scheme_values.alpha,
        scheme_values.alpha_rank,
        scheme_values.is_breakpoint_stock,
        scheme_values.weight,
        scheme_values.cost_pct,
        breakpoints.quantile_values,
        {{ quantile_group('breakpoints.quantile_values', portfolio_count, 'scheme_values.value') | indent(8) }}
            as portfolio
    from scheme_values
    inner join breakpoints
        on scheme_values.scheme = breakpoints.scheme
        and scheme_values.factor_key = breakpoints.factor_key
        and scheme_values.period = breakpoints.period
        and scheme_values.sort_group = breakpoints.sort_group

),

final as (

    select
        scheme,
        factor_key,
        period,
        stock_key,
        '{{ factor_sorts_grouping() }}' as grouping,
        sort_group,
        {{ portfolio_count }} as portfolio_count,
        portfolio,
        value,
        value_pct_rank as pct_rank,
        {{ array_element('quantile_values', 'portfolio') }} as lower_breakpoint,
        {{ array_element('quantile_values', 'portfolio + 1') }} as upper_breakpoint,
        alpha,
        alpha_rank,
        is_breakpoint_stock,
        weight,
        cost_pct
    from assigned

)

select * from final
