{{ config(materialized='factor_batched_table') }}
with cells as (

    select * from {{ ref('int_factor_cells_checked') }}
    where rejection_reason is null
        and {{ factor_batch_filter('factor') }}

),

final as (

    select
        stock_id,
        period,
        factor,
        value,
        {{ pct_rank('value', ['period', 'factor']) }} as pct_rank
    from cells

)

select * from final
