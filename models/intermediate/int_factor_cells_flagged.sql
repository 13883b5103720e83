-- Every characteristic value of the input, with the reason it is rejected (null when accepted):
-- its stock-period is quarantined (is_row_rejected: the row's own quarantine entry covers the
-- value), it has no characteristic name (a long panel's), or it is not a number by the grammar of
-- macro parse_number, infinite, or NaN (a contract check: the sources read NaN as missing).
-- Accepted stock-periods are unique on (stock_id, period); a rejected key can only be rejected on
-- every row that has it (duplicates and case twins are rejected together), so the cells are marked
-- by a join to the few rejected keys. A view: the tables int_factor_cells_accepted (keys and value)
-- and int_factor_cells_rejected (provenance) split it, so that the many accepted values carry no
-- provenance.
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
        cells.source_file,
        cells.stock_id,
        cells.period,
        cells.source_period,
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

final as (

    select
        *,
        case
            when is_row_rejected then 'its stock-period is quarantined'
            when factor is null then 'no characteristic name (a long panel''s characteristic column is empty on this'
                || ' line): name the characteristic, or remove the line'
            when value is null then 'not a number'
            when {{ is_infinite('value') }} then 'infinite value'
            when isnan(value) then 'NaN value'
        end as rejection_reason
    from flagged

)

select * from final
