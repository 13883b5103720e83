-- The portfolios partition each factor-period: for every scheme without screens (whose sample is
-- every value), every non-null value of factor_values is in exactly one portfolio 1..J
-- (factor_portfolios is unique on the key, tested in the YAML); in every scheme each member is
-- within its portfolio's breakpoints (portfolio 1 and J may hold non-breakpoint stocks beyond
-- them), and factor_portfolio_alpha counts the same stocks. Returns one row per violation with
-- the reason.

with

schemes as (

    select scheme, needs_stocks or min_breakpoint_stocks > 1 as is_screened
    from ({{ portfolio_schemes_relation() }})

),

factor_values as (

    select schemes.scheme, factor_values.factor, factor_values.period, factor_values.stock_id
    from {{ ref('factor_values') }}
    cross join schemes
    where factor_values.value is not null
        and not schemes.is_screened

),

portfolios as (

    select
        factor_portfolios.scheme, factor, period, stock_id, portfolio, portfolio_count, value, lower_breakpoint,
        upper_breakpoint, is_breakpoint_stock, schemes.is_screened
    from {{ ref('factor_portfolios') }}
    inner join schemes
        on factor_portfolios.scheme = schemes.scheme

),

portfolio_alpha as (

    select scheme, factor, period, portfolio, n_stocks
    from {{ ref('factor_portfolio_alpha') }}

),

membership_failures as (

    select
        coalesce(factor_values.scheme, portfolios.scheme) as scheme,
        coalesce(factor_values.factor, portfolios.factor) as factor,
        coalesce(factor_values.period, portfolios.period) as period,
        coalesce(factor_values.stock_id, portfolios.stock_id) as stock_id,
        case
            when portfolios.stock_id is null then 'value missing from factor_portfolios'
            when factor_values.stock_id is null and not portfolios.is_screened
                then 'factor_portfolios row without a value in factor_values'
            when portfolios.portfolio not between 1 and portfolios.portfolio_count then 'portfolio outside 1..J'
            when portfolios.value > portfolios.upper_breakpoint
                and (portfolios.portfolio < portfolios.portfolio_count or portfolios.is_breakpoint_stock)
                then 'value above its upper breakpoint'
            when portfolios.portfolio > 1 and portfolios.value <= portfolios.lower_breakpoint
                then 'value not above its lower breakpoint'
            when portfolios.portfolio = 1 and portfolios.value < portfolios.lower_breakpoint
                and portfolios.is_breakpoint_stock
                then 'value below the minimum'
        end as failure
    from factor_values
    full outer join portfolios
        on factor_values.scheme = portfolios.scheme
        and factor_values.factor = portfolios.factor
        and factor_values.period = portfolios.period
        and factor_values.stock_id = portfolios.stock_id

),

portfolio_sizes as (

    select scheme, factor, period, portfolio, count(*) as n_members
    from portfolios
    group by scheme, factor, period, portfolio

),

count_failures as (

    select
        portfolio_alpha.scheme,
        portfolio_alpha.factor,
        portfolio_alpha.period,
        cast(portfolio_alpha.portfolio as {{ dbt.type_string() }}) as stock_id,
        'factor_portfolio_alpha.n_stocks differs from the portfolio''s members' as failure
    from portfolio_alpha
    left join portfolio_sizes
        on portfolio_alpha.scheme = portfolio_sizes.scheme
        and portfolio_alpha.factor = portfolio_sizes.factor
        and portfolio_alpha.period = portfolio_sizes.period
        and portfolio_alpha.portfolio = portfolio_sizes.portfolio
    where portfolio_alpha.n_stocks <> coalesce(portfolio_sizes.n_members, 0)

),

final as (

    select scheme, factor, period, stock_id, failure from membership_failures where failure is not null
    union all
    select scheme, factor, period, stock_id, failure from count_failures

)

select * from final
