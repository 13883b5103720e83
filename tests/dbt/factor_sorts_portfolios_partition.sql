-- The portfolios partition each factor-period: every non-null value of factor_values is in
-- exactly one portfolio 1..J (factor_portfolios is unique on the key, tested in the YAML),
-- within its portfolio's breakpoints, and factor_portfolio_alpha counts the same stocks.
-- Returns one row per violation with the reason.

with

factor_values as (

    select factor, period, stock_id
    from {{ ref('factor_values') }}
    where value is not null

),

portfolios as (

    select factor, period, stock_id, portfolio, portfolio_count, value, lower_breakpoint, upper_breakpoint
    from {{ ref('factor_portfolios') }}

),

portfolio_alpha as (

    select factor, period, portfolio, n_stocks
    from {{ ref('factor_portfolio_alpha') }}

),

membership_failures as (

    select
        coalesce(factor_values.factor, portfolios.factor) as factor,
        coalesce(factor_values.period, portfolios.period) as period,
        coalesce(factor_values.stock_id, portfolios.stock_id) as stock_id,
        case
            when portfolios.stock_id is null then 'value missing from factor_portfolios'
            when factor_values.stock_id is null then 'factor_portfolios row without a value in factor_values'
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
        and factor_values.period = portfolios.period
        and factor_values.stock_id = portfolios.stock_id

),

portfolio_sizes as (

    select factor, period, portfolio, count(*) as n_members
    from portfolios
    group by factor, period, portfolio

),

count_failures as (

    select
        portfolio_alpha.factor,
        portfolio_alpha.period,
        cast(portfolio_alpha.portfolio as varchar) as stock_id,
        'factor_portfolio_alpha.n_stocks differs from the portfolio''s members' as failure
    from portfolio_alpha
    left join portfolio_sizes
        on portfolio_alpha.factor = portfolio_sizes.factor
        and portfolio_alpha.period = portfolio_sizes.period
        and portfolio_alpha.portfolio = portfolio_sizes.portfolio
    where portfolio_alpha.n_stocks <> coalesce(portfolio_sizes.n_members, 0)

),

final as (

    select factor, period, stock_id, failure from membership_failures where failure is not null
    union all
    select factor, period, stock_id, failure from count_failures

)

select * from final
