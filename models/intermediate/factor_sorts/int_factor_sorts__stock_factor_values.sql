-- One row per (factor, fiscal_year, ticker) with a non-null factor value, carrying what
-- every factor sort needs: the stock's alpha, alpha_rank, sector and the group it is
-- sorted in (sort_group: 'all stocks', or its sector when sort_grouping = 'sector').

with

factor_values as (

    select ticker, fiscal_year, factor, value
    from {{ ref('factor_values') }}
    where value is not null

),

stock_years as (

    select ticker, fiscal_year, sector, alpha, alpha_rank
    from {{ ref('stock_years') }}

),

final as (

    select
        factor_values.factor,
        factor_values.fiscal_year,
        factor_values.ticker,
        stock_years.sector,
        {{ factor_sorts_sort_group('stock_years.sector') }} as sort_group,
        factor_values.value,
        stock_years.alpha,
        stock_years.alpha_rank
    from factor_values
    left join stock_years
        on factor_values.ticker = stock_years.ticker
        and factor_values.fiscal_year = stock_years.fiscal_year

)

select * from final
