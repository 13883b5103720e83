with cells as (

    select * from {{ ref('int_factor_cells_checked') }}
    where rejection_reason is null

),

final as (

    select
        ticker,
        fiscal_year,
        factor,
        value,
        {{ pct_rank('value', ['fiscal_year', 'factor']) }} as pct_rank
    from cells

)

select * from final
