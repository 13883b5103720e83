-- PE ratio with its zeros read as missing, as a factor of its own next to 'PE ratio': the Kaggle
-- files write a PE ratio of 0 for negative earnings (every zero of the 2018 sample has a negative
-- Net Income), which would otherwise rank among the cheapest stocks. A null value is a missing
-- value. No rows where the input has no 'PE ratio' column (a panel).
-- An example: built only when the dbt var user_factors names it.
{{ config(enabled=model.name in (var('user_factors') or [])) }}

with cells as (

    select * from {{ ref('int_factor_cells_checked') }}
    where rejection_reason is null
        and factor = 'PE ratio'

),

final as (

    select
        stock_id,
        period,
        'PE ratio (zeros as missing)' as factor,
        nullif(value, 0) as value
    from cells

)

select * from final
