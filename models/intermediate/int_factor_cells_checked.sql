-- Every characteristic value of the input, once, with names: an accepted value
-- (int_factor_cells_accepted) with its stock-period's file and line (its accepted stock row) and
-- its factor's name (the input's indicator columns), column_number and cell_text null; a rejected
-- value as int_factor_cells_rejected keeps it. The view user factor models read by factor name.
with accepted_cells as (

    select * from {{ ref('int_factor_cells_accepted') }}

),

rejected_cells as (

    select {{ star_exclude(['source_period']) }} from {{ ref('int_factor_cells_rejected') }}

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
        accepted_cells.period,
        stock_rows.line_number,
        cast(null as integer) as column_number,
        input_factors.factor,
        cast(null as {{ dbt.type_string() }}) as cell_text,
        accepted_cells.value,
        false as is_row_rejected,
        cast(null as {{ dbt.type_string() }}) as rejection_reason
    from accepted_cells
    inner join stock_rows
        on accepted_cells.stock_key = stock_rows.stock_key
        and accepted_cells.period = stock_rows.period
    inner join input_factors
        on accepted_cells.factor_key = input_factors.factor_key

),

final as (

    select * from accepted
    union all
    select * from rejected_cells

)

select * from final
