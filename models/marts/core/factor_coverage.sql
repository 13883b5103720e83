-- Share of each fiscal year's stocks that have a value for each factor. Every
-- factor of a year's header is listed, also when none of its cells has a value.
with file_columns as (

    select
        fiscal_year,
        column_name as factor
    from {{ ref('stg_kaggle__financial_columns') }}
    where column_role = 'indicator'

),

stock_years as (

    select * from {{ ref('stock_years') }}

),

factor_values as (

    select * from {{ ref('factor_values') }}

),

stocks_per_year as (

    select
        fiscal_year,
        count(*) as n_stocks
    from stock_years
    group by fiscal_year

),

values_per_factor_year as (

    select
        fiscal_year,
        factor,
        count(*) as n_values
    from factor_values
    group by fiscal_year, factor

),

final as (

    select
        file_columns.factor,
        file_columns.fiscal_year,
        stocks_per_year.n_stocks,
        coalesce(values_per_factor_year.n_values, 0) as n_values,
        coalesce(values_per_factor_year.n_values, 0) / stocks_per_year.n_stocks as coverage
    from file_columns
    inner join stocks_per_year
        on file_columns.fiscal_year = stocks_per_year.fiscal_year
    left join values_per_factor_year
        on file_columns.fiscal_year = values_per_factor_year.fiscal_year
        and file_columns.factor = values_per_factor_year.factor

)

select * from final
