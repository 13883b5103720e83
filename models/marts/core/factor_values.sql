-- int_factor_values with names: the stock's id (stocks) and the factor's name (factors) in place
-- of their keys. A view: the values are stored once, keyed; a filter on factor reaches the stored
-- table as a key range (the join's build side), so a one-factor query reads its row groups only.
{{ config(materialized='view') }}
with factor_values as (

    select * from {{ ref('int_factor_values') }}

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
        stocks.stock_id,
        factor_values.period,
        factors.factor,
        factor_values.value,
        factor_values.pct_rank
    from factor_values
    inner join stocks
        on factor_values.stock_key = stocks.stock_key
    inner join factors
        on factor_values.factor_key = factors.factor_key

)

select * from final
