-- The portfolios partition each factor-year: every non-null value of factor_values is in
-- exactly one portfolio 1..J (factor_portfolios is unique on the key, tested in the YAML),
-- within its portfolio's breakpoints, and factor_portfolio_alpha counts the same stocks.
-- Returns one row per violation with the reason.

with

factor_values as (

    select factor, fiscal_year, ticker
    from {{ ref('factor_values') }}
    where value is not null

),

portfolios as (

    select factor, fiscal_year, ticker, portfolio, portfolio_count, value, lower_breakpoint, upper_breakpoint
    from {{ ref('factor_portfolios') }}

),

portfolio_alpha as (

    select factor, fiscal_year, portfolio, n_stocks
    from {{ ref('factor_portfolio_alpha') }}

),

membership_failures as (

    select
        coalesce(factor_values.factor, portfolios.factor) as factor,
        coalesce(factor_values.fiscal_year, portfolios.fiscal_year) as fiscal_year,
        coalesce(factor_values.ticker, portfolios.ticker) as ticker,
        case
            when portfolios.ticker is null then 'value missing from factor_portfolios'
            when factor_values.ticker is null then 'factor_portfolios row without a value in factor_values'
            when portfolios.portfolio not between 1 and portfolios.portfolio_count then 'portfolio outside 1..J'
            when portfolios.value > portfolios.upper_breakpoint then 'value above its upper breakpoint'
            when portfolios.portfolio > 1 and portfolios.value <= portfolios.lower_breakpoint
                then 'value not above its lower breakpoint'
            when portfolios.portfolio = 1 and portfolios.value < portfolios.lower_breakpoint
                then 'value below the minimum'
        end as failure
    from factor_values
    full outer join portfolios
        on factor_values.factor = portfolios.factor
        and factor_values.fiscal_year = portfolios.fiscal_year
        and factor_values.ticker = portfolios.ticker

),

portfolio_sizes as (

    select factor, fiscal_year, portfolio, count(*) as n_members
    from portfolios
    group by factor, fiscal_year, portfolio

),

count_failures as (

    select
        portfolio_alpha.factor,
        portfolio_alpha.fiscal_year,
        cast(portfolio_alpha.portfolio as varchar) as ticker,
        'factor_portfolio_alpha.n_stocks differs from the portfolio''s members' as failure
    from portfolio_alpha
    left join portfolio_sizes
        on portfolio_alpha.factor = portfolio_sizes.factor
        and portfolio_alpha.fiscal_year = portfolio_sizes.fiscal_year
        and portfolio_alpha.portfolio = portfolio_sizes.portfolio
    where portfolio_alpha.n_stocks <> coalesce(portfolio_sizes.n_members, 0)

),

final as (

    select factor, fiscal_year, ticker, failure from membership_failures where failure is not null
    union all
    select factor, fiscal_year, ticker, failure from count_failures

)

select * from final
