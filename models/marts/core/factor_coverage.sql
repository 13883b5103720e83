-- Share of each period's stocks that have a value for each factor. Every factor the input
-- declares for a period is listed, also when none of its values made it. Built incrementally by
-- period (macros/period_increments.sql).
{{ config(materialized='period_table') }}
with declared_factors as (

    select * from {{ ref('int_declared_factors') }}
    where {{ period_filter('period') }}

),

periods as (

    select period, period_label, n_stocks
    from {{ ref('periods') }}
    where {{ period_filter('period') }}

),

factor_values as (

    select * from {{ ref('int_factor_values') }}
    where {{ period_filter('period') }}

),

values_per_factor_period as (

    select
        period,
        factor_key,
        count(*) as n_values
    from factor_values
    group by period, factor_key

),

final as (

    select
        declared_factors.factor,
        declared_factors.period,
        periods.period_label,
        periods.n_stocks,
        coalesce(values_per_factor_period.n_values, 0) as n_values,
        coalesce(values_per_factor_period.n_values, 0) / periods.n_stocks as coverage
    from declared_factors
    inner join periods
        on declared_factors.period = periods.period
    left join values_per_factor_period
        on declared_factors.period = values_per_factor_period.period
        and declared_factors.factor_key = values_per_factor_period.factor_key

)

select * from final
