-- One row per period: the market's return, the equal-weighted mean of the period's stock returns
-- (stock_periods.return_pct, the next period's return, percent) over the stocks that have one.
-- CAPM's market in factor_alphas; null in a period without a realized return.
{{ config(materialized='period_table') }}

with

stock_periods as (

    select period, return_pct
    from {{ ref('stock_periods') }}
    where {{ period_filter('period') }}

),

final as (

    select
        period,
        'equal' as weighting,
        count(return_pct) as n_stocks,
        avg(return_pct) as market_return_pct
    from stock_periods
    group by period

)

select * from final
