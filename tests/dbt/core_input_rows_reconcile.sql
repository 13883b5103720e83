-- Per fiscal year, input rows = stock_years rows + rejected rows, and non-empty
-- indicator cells = factor_values rows + rejected values + cells of rejected rows.
-- Returns the years where the counts disagree (none when nothing was lost).
with input_rows as (

    select fiscal_year, count(*) as n_rows
    from {{ ref('stg_kaggle__financial_rows') }}
    group by fiscal_year

),

input_cells as (

    select fiscal_year, count(*) as n_cells
    from {{ ref('stg_kaggle__financial_cells') }}
    group by fiscal_year

),

loaded_rows as (

    select fiscal_year, count(*) as n_rows
    from {{ ref('stock_years') }}
    group by fiscal_year

),

loaded_values as (

    select fiscal_year, count(*) as n_values
    from {{ ref('factor_values') }}
    group by fiscal_year

),

quarantined as (

    select
        fiscal_year,
        count(*) filter (where rejected = 'row') as n_rows,
        count(*) filter (where rejected = 'value') as n_values
    from {{ ref('quarantined_inputs') }}
    group by fiscal_year

),

cells_of_rejected_rows as (

    select cells.fiscal_year, count(*) as n_cells
    from {{ ref('stg_kaggle__financial_cells') }} as cells
    inner join {{ ref('int_stock_rows_checked') }} as stock_rows
        on cells.fiscal_year = stock_rows.fiscal_year
        and cells.line_number = stock_rows.line_number
    where stock_rows.rejection_reason is not null
    group by cells.fiscal_year

),

final as (

    select
        input_rows.fiscal_year,
        input_rows.n_rows as input_rows,
        coalesce(loaded_rows.n_rows, 0) + coalesce(quarantined.n_rows, 0) as accounted_rows,
        coalesce(input_cells.n_cells, 0) as input_cells,
        coalesce(loaded_values.n_values, 0) + coalesce(quarantined.n_values, 0)
            + coalesce(cells_of_rejected_rows.n_cells, 0) as accounted_cells
    from input_rows
    left join input_cells on input_rows.fiscal_year = input_cells.fiscal_year
    left join loaded_rows on input_rows.fiscal_year = loaded_rows.fiscal_year
    left join loaded_values on input_rows.fiscal_year = loaded_values.fiscal_year
    left join quarantined on input_rows.fiscal_year = quarantined.fiscal_year
    left join cells_of_rejected_rows on input_rows.fiscal_year = cells_of_rejected_rows.fiscal_year

)

select * from final
where input_rows != accounted_rows or input_cells != accounted_cells
