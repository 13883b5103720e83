-- Every characteristic value of the input, once, with the reason it is rejected (null when
-- accepted): its stock-period is quarantined (is_row_rejected: the row's own quarantine entry
-- covers the value), or it is not a number by the grammar of macro parse_number, infinite, or NaN
-- (which only a typed Parquet value can be). An accepted value holds only its keys (macro
-- name_key), period and value; a rejected one only its provenance (file, line, column, names,
-- text) and value: the view int_factor_cells_checked gives both with names. The input is unpivoted
-- only once. Accepted stock-periods are unique on (stock_id, period); a rejected key can only be
-- rejected on every row that has it (duplicates and case twins are rejected together), so the
-- cells are marked by a join to the few rejected keys.
{{ config(materialized='table') }}
with cells as (

    select * from {{ ref('stg_input__values') }}

),

rejected_stock_periods as (

    select distinct stock_id, period
    from {{ ref('int_stock_rows_checked') }}
    where rejection_reason is not null

),

flagged as (

    select
        cells.*,
        cells.stock_id is null
            or cells.period is null
            or rejected_stock_periods.stock_id is not null as is_row_rejected
    from cells
    left join rejected_stock_periods
        on cells.stock_id = rejected_stock_periods.stock_id
        and cells.period = rejected_stock_periods.period

),

checked as (

    select
        *,
        case
            when is_row_rejected then 'its stock-period is quarantined'
            when value is null then 'not a number'
            when isinf(value) then 'infinite value'
            when isnan(value) then 'NaN value'
        end as rejection_reason
    from flagged

),

final as (

    select
        case when rejection_reason is null then {{ name_key('stock_id') }} end as stock_key,
        period,
        case when rejection_reason is null then {{ name_key('factor') }} end as factor_key,
        value,
        case when rejection_reason is not null then source_file end as source_file,
        case when rejection_reason is not null then line_number end as line_number,
        case when rejection_reason is not null then column_number end as column_number,
        case when rejection_reason is not null then stock_id end as stock_id,
        case when rejection_reason is not null then factor end as factor,
        case when rejection_reason is not null then cell_text end as cell_text,
        is_row_rejected,
        rejection_reason
    from checked

)

select * from final
