-- Every input row or value that did not make it into the warehouse, with why. Built
-- incrementally by period (macros/period_increments.sql), following the input's digests.
{{ config(materialized='period_table') }}
with stock_rows as (

    select * from {{ ref('int_stock_rows_checked') }}
    where rejection_reason is not null
        and {{ period_filter('period', 'int_input_period_digests') }}

),

cells as (

    select * from {{ ref('int_factor_cells_rejected') }}
    where not is_row_rejected
        and {{ period_filter('period', 'int_input_period_digests') }}

),

rejected_rows as (

    select
        'row' as rejected,
        source_file,
        period,
        period_text,
        line_number,
        stock_id,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as cell_text,
        rejection_reason as reason
    from stock_rows

),

rejected_values as (

    select
        'value' as rejected,
        source_file,
        period,
        cast(null as {{ dbt.type_string() }}) as period_text,
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
