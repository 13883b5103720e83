-- Every characteristic value of the input, with the reason it is rejected (null when accepted):
-- its stock-period is quarantined (is_row_rejected: the row's own quarantine entry covers the
-- value), or it is not a number by the grammar of macro parse_number, infinite, or NaN (which
-- only a typed Parquet value can be). Every value is here once, so data_loss counts the input
-- from this table and the input is unpivoted only once. Accepted stock-periods are unique on
-- (stock_id, period); a rejected key can only be rejected on every row that has it (duplicates
-- and case twins are rejected together), so the cells are marked by a join to the few rejected
-- keys.
{{ config(materialized='period_table') }}
with cells as (

    select * from {{ ref('stg_input__values') }}
    where {{ period_filter('period', 'int_input_period_digests') }}

),

rejected_stock_periods as (

    select distinct stock_id, period
    from {{ ref('int_stock_rows_checked') }}
    where rejection_reason is not null
        and {{ period_filter('period', 'int_input_period_digests') }}

),

flagged as (

    select
        cells.source_file,
        cells.stock_id,
        cells.period,
        cells.line_number,
        cells.column_number,
        cells.factor,
        cells.cell_text,
        cells.value,
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

)

select * from checked
