{{ config(materialized='factor_batched_table') }}
-- One row per (factor, period, sort_group): the continuous quantiles 0/J .. J/J of
-- the factor's values in the group (quantile_cont, as pandas quantile). Element k + 1 of
-- quantile_values is the k/J quantile: elements 2..J are the breakpoints, the ends are
-- the minimum and the maximum. A table because factor_portfolios and
-- factor_portfolio_alpha both read it. Computed on the factor's key; its name is joined to the
-- result.

with

stock_factor_values as (

    select factor_key, period, sort_group, value
    from {{ ref('int_factor_sorts__stock_factor_values') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

factors as (

    select factor_key, factor
    from {{ ref('factors') }}

),

breakpoints as (

    select
        factor_key,
        period,
        sort_group,
        count(*) as n_stocks,
        quantile_cont(value, {{ factor_sorts_quantile_levels() }}) as quantile_values
    from stock_factor_values
    group by factor_key, period, sort_group

),

final as (

    select
        breakpoints.factor_key,
        factors.factor,
        breakpoints.period,
        breakpoints.sort_group,
        breakpoints.n_stocks,
        breakpoints.quantile_values
    from breakpoints
    inner join factors
        on breakpoints.factor_key = factors.factor_key

)

select * from final
