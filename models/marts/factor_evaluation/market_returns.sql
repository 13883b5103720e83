-- One row per period: the market's return (stock_periods.return_pct, the next period's return,
-- percent). Value-weighted by market equity at the period (the formation date, as the portfolio
-- schemes' value weights) over the stocks with a return and a positive market equity, when the
-- period has any; else the equal-weighted mean over the stocks with a return. CAPM's market in
-- factor_alphas; null in a period without a realized return.
{{ config(materialized='period_table') }}

with

stock_periods as (

    select period, return_pct, market_equity
    from {{ ref('stock_periods') }}
    where {{ period_filter('period') }}

),

period_sums as (

    select
        period,
        count(return_pct) as n_with_return,
        avg(return_pct) as equal_weighted_pct,
        count(return_pct) filter (where market_equity > 0) as n_with_market_equity,
        sum(return_pct * market_equity) filter (where market_equity > 0)
            / sum(market_equity) filter (where market_equity > 0 and return_pct is not null) as value_weighted_pct
    from stock_periods
    group by period

),

final as (

    select
        period,
        case when n_with_market_equity > 0 then 'value' else 'equal' end as weighting,
        case when n_with_market_equity > 0 then n_with_market_equity else n_with_return end as n_stocks,
        case when n_with_market_equity > 0 then value_weighted_pct else equal_weighted_pct end as market_return_pct
    from period_sums

)

select * from final
