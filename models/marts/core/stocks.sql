-- One row per stock of the warehouse (a stock with an accepted stock-period): its key (macro
-- name_key), the key of every large table, with its id, and the periods it is in.
with stock_periods as (

    select * from {{ ref('stock_periods') }}

),

final as (

    select
        stock_key,
        stock_id,
        min(period) as first_period,
        max(period) as last_period,
        count(*) as n_periods
    from stock_periods
    group by stock_key, stock_id

)

select * from final
