-- The accepted values of int_factor_cells_flagged on keys (macro name_key): one row per
-- (stock_key, period, factor_key) of the input, with the value. A view, never written:
-- int_factor_values ranks straight from it, reading the input once more costs less than writing
-- and reading back every value.
with flagged as (

    select * from {{ ref('int_factor_cells_flagged') }}
    where rejection_reason is null

),

final as (

    select
        {{ name_key('stock_id') }} as stock_key,
        period,
        source_period,
        {{ name_key('factor') }} as factor_key,
        value
    from flagged

)

select * from final
