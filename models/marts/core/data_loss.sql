-- What each input file lost on its way into the warehouse: input rows and values, how many
-- of them are quarantined and their share, and the rows kept without a return. The budget
-- on these shares is the test tests/dbt/core_data_loss_within_budget.sql.
with input_files as (

    select * from {{ ref('stg_kaggle__input_files') }}
    where status = 'read'

),

stock_rows as (

    select * from {{ ref('int_stock_rows_checked') }}

),

cells as (

    select * from {{ ref('stg_kaggle__financial_cells') }}

),

quarantined_inputs as (

    select * from {{ ref('quarantined_inputs') }}

),

stock_years as (

    select * from {{ ref('stock_years') }}

),

input_rows as (

    select
        fiscal_year,
        count(*) as input_rows
    from stock_rows
    group by fiscal_year

),

input_values as (

    -- a value of a quarantined row is lost with its row
    select
        cells.fiscal_year,
        count(*) as input_values,
        count(*) filter (where stock_rows.rejection_reason is not null) as values_of_quarantined_rows
    from cells
    inner join stock_rows
        on cells.fiscal_year = stock_rows.fiscal_year
        and cells.line_number = stock_rows.line_number
    group by cells.fiscal_year

),

quarantined as (

    select
        fiscal_year,
        count(*) filter (where rejected = 'row') as quarantined_rows,
        count(*) filter (where rejected = 'value') as quarantined_values
    from quarantined_inputs
    group by fiscal_year

),

kept_rows as (

    select
        fiscal_year,
        count(*) filter (where price_var_pct is null) as rows_without_return
    from stock_years
    group by fiscal_year

),

counted as (

    select
        input_files.source_file,
        input_files.fiscal_year,
        input_rows.input_rows,
        coalesce(quarantined.quarantined_rows, 0) as quarantined_rows,
        coalesce(input_values.input_values, 0) as input_values,
        coalesce(quarantined.quarantined_values, 0)
            + coalesce(input_values.values_of_quarantined_rows, 0) as quarantined_values,
        coalesce(kept_rows.rows_without_return, 0) as rows_without_return
    from input_files
    inner join input_rows
        on input_files.fiscal_year = input_rows.fiscal_year
    left join input_values
        on input_files.fiscal_year = input_values.fiscal_year
    left join quarantined
        on input_files.fiscal_year = quarantined.fiscal_year
    left join kept_rows
        on input_files.fiscal_year = kept_rows.fiscal_year

),

shares as (

    select
        *,
        quarantined_rows / input_rows as quarantined_row_share,
        quarantined_values / nullif(input_values, 0) as quarantined_value_share
    from counted

),

final as (

    select
        source_file,
        fiscal_year,
        input_rows,
        quarantined_rows,
        quarantined_row_share,
        input_values,
        quarantined_values,
        quarantined_value_share,
        rows_without_return,
        quarantined_rows || ' of ' || input_rows || ' rows ('
            || printf('%.1f', 100 * quarantined_row_share) || '%) and '
            || quarantined_values || ' of ' || input_values || ' values ('
            || printf('%.1f', 100 * coalesce(quarantined_value_share, 0)) || '%) quarantined, '
            || rows_without_return || ' rows kept without a return' as loss_summary
    from shares

)

select * from final
