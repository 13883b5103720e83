-- Every input row or value that did not make it into the warehouse, with why.
with stock_rows as (

    select * from {{ ref('int_stock_rows_checked') }}
    where rejection_reason is not null

),

cells as (

    select * from {{ ref('int_factor_cells_rejected') }}
    where not is_row_rejected

),

rejected_rows as (

    select
        'row' as rejected,
        source_file,
        period,
        period_text,
        line_number,
        stock_id,
        cast(null as varchar) as column_name,
        cast(null as varchar) as cell_text,
        rejection_reason as reason
    from stock_rows

),

rejected_values as (

    select
        'value' as rejected,
        source_file,
        period,
        cast(null as varchar) as period_text,
        line_number,
        stock_id,
        factor as column_name,
        cell_text,
        rejection_reason as reason
    from cells

),

final as (

    select * from rejected_rows
    union all
    select * from rejected_values

)

select * from final
