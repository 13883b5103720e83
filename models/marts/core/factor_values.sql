with cells as (

    select * from {{ ref('int_factor_cells_checked') }}
    where rejection_reason is null

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
