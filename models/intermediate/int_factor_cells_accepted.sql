-- The accepted values of int_factor_cells_flagged on keys (macro name_key): one row per
-- (stock_key, period, factor_key) of the input, with the value. The input's large table.
{{ config(materialized='period_table') }}
with flagged as (

    select * from {{ ref('int_factor_cells_flagged') }}
    where rejection_reason is null
        and {{ period_filter('period', 'int_input_period_digests') }}

),

final as (

    select
        {{ name_key('stock_id') }} as stock_key,
        period,
        {{ name_key('factor') }} as factor_key,
        value
    from flagged

)

select * from final
