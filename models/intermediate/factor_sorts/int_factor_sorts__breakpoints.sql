{{ config(materialized='factor_batched_table') }}
-- One row per (factor, period, sort_group): the continuous quantiles 0/J .. J/J of
-- the factor's values in the group (quantile_cont, as pandas quantile). Element k + 1 of
-- quantile_values is the k/J quantile: elements 2..J are the breakpoints, the ends are
-- the minimum and the maximum. A table because factor_portfolios and
-- factor_portfolio_alpha both read it.

with

stock_factor_values as (

    select factor, period, sort_group, value
    from {{ ref('int_factor_sorts__stock_factor_values') }}
    where {{ factor_batch_filter('factor') }}
        and {{ period_filter('period') }}

),

final as (

    select
        factor,
        period,
        sort_group,
        count(*) as n_stocks,
        quantile_cont(value, {{ factor_sorts_quantile_levels() }}) as quantile_values
    from stock_factor_values
    group by factor, period, sort_group

)

select * from final
