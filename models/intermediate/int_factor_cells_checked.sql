-- Every indicator cell of an accepted row that is not missing, with the reason its value
-- is rejected (null when accepted): not a number by the grammar of macro parse_number, or
-- infinite. Cells of rejected rows are covered by the row's own quarantine entry and are
-- not repeated here.
with cells as (

    select * from {{ ref('stg_kaggle__financial_cells') }}

),

stock_rows as (

    select * from {{ ref('int_stock_rows_checked') }}

),

cells_of_accepted_rows as (

    select
        stock_rows.source_file,
        stock_rows.ticker,
        cells.fiscal_year,
        cells.line_number,
        cells.column_number,
        cells.factor,
        cells.cell_text,
        cells.value
    from cells
    inner join stock_rows
        on cells.fiscal_year = stock_rows.fiscal_year
        and cells.line_number = stock_rows.line_number
    where stock_rows.rejection_reason is null

),

checked as (

    select
        *,
        case
            when value is null then 'not a number'
            when isinf(value) then 'infinite value'
        end as rejection_reason
    from cells_of_accepted_rows

)

select * from checked
