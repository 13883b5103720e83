-- int_factor_sorts__portfolios with names: one row per (scheme, factor, period, stock_id) in the
-- scheme's sample, the portfolio 1..J the stock falls in when the factor is sorted within its group
-- on the scheme's breakpoints, its breakpoints, value, rank, alpha, and its weight in the scheme. A view: the portfolios are computed where they are read.
{{ config(materialized='view') }}

with

portfolios as (

    select * from {{ ref('int_factor_sorts__portfolios') }}

),

stocks as (

    select stock_key, stock_id
    from {{ ref('stocks') }}

),

factors as (

    select factor_key, factor
    from {{ ref('factors') }}

),

final as (

    select
        portfolios.scheme,
        portfolios.factor_key,
        factors.factor,
        portfolios.period,
        portfolios.stock_key,
        stocks.stock_id,
        portfolios.grouping,
        portfolios.sort_group,
        portfolios.portfolio_count,
        portfolios.portfolio,
        portfolios.value,
        portfolios.pct_rank,
        portfolios.lower_breakpoint,
        portfolios.upper_breakpoint,
        portfolios.alpha,
        portfolios.alpha_rank,
        portfolios.is_breakpoint_stock,
        portfolios.weight
    from portfolios
    inner join factors
        on portfolios.factor_key = factors.factor_key
    inner join stocks
        on portfolios.stock_key = stocks.stock_key

)

select * from final
