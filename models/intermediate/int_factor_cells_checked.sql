-- Every characteristic value of an accepted stock-period, with the reason it is rejected
-- (null when accepted): not a number by the grammar of macro parse_number, infinite, or NaN
-- (which only a typed Parquet value can be).
-- Values of rejected stock-periods are covered by the row's own quarantine entry and are
-- not repeated here. Accepted stock-periods are unique on (stock_id, period), the join key.
{{ config(materialized='table') }}
with cells as (

    select * from {{ input_model('values') }}

),

stock_rows as (

    select * from {{ ref('int_stock_rows_checked') }}
    where rejection_reason is null

),

cells_of_accepted_rows as (

    select
        cells.source_file,
        cells.stock_id,
        cells.period,
        cells.line_number,
        cells.column_number,
        cells.factor,
        cells.cell_text,
        cells.value
    from cells
    inner join stock_rows
        on cells.stock_id = stock_rows.stock_id
        and cells.period = stock_rows.period

),

checked as (

    select
        *,
        case
            when value is null then 'not a number'
            when isinf(value) then 'infinite value'
            when isnan(value) then 'NaN value'
        end as rejection_reason
    from cells_of_accepted_rows

)

select * from checked
