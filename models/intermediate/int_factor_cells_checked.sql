-- Every characteristic value of the input (int_factor_cells), once, with names: an accepted value
-- with its stock-period's file and line (its accepted stock row) and its factor's name (the input's
-- indicator columns), column_number and cell_text null; a rejected value as int_factor_cells keeps
-- it. The view user factor models read by factor name and data_loss counts from.
with cells as (

    select * from {{ ref('int_factor_cells') }}

),

stock_rows as (

    select
        {{ name_key('stock_id') }} as stock_key,
        period,
        stock_id,
        source_file,
        line_number
    from {{ ref('int_stock_rows_checked') }}
    where rejection_reason is null

),

input_factors as (

    select distinct
        {{ name_key('column_name') }} as factor_key,
        column_name as factor
    from {{ ref('stg_input__columns') }}
    where column_role = 'indicator'

),

accepted as (

    select
        stock_rows.source_file,
        stock_rows.stock_id,
        cells.period,
        stock_rows.line_number,
        cast(null as integer) as column_number,
        input_factors.factor,
        cast(null as varchar) as cell_text,
        cells.value,
        cells.is_row_rejected,
        cells.rejection_reason
    from cells
    inner join stock_rows
        on cells.stock_key = stock_rows.stock_key
        and cells.period = stock_rows.period
    inner join input_factors
        on cells.factor_key = input_factors.factor_key
    where cells.rejection_reason is null

),

rejected as (

    select
        source_file,
        stock_id,
        period,
        line_number,
        column_number,
        factor,
        cell_text,
        value,
        is_row_rejected,
        rejection_reason
    from cells
    where rejection_reason is not null

),

final as (

    select * from accepted
    union all
    select * from rejected

)

select * from final
