-- Each long-short return (the spread) lies within the range of its scheme's factor-period's portfolio
-- mean alphas (the long and short legs are two of those means), the legs are portfolios J and
-- 1, and every rank IC (factor_ic, horizon 1) is a correlation. Returns one row per violation
-- with the reason.

with

spreads as (

    select
        long_short.scheme,
        long_short.factor,
        long_short.period,
        long_short.portfolio_count,
        long_short.long_mean_alpha as high_mean_alpha,
        long_short.short_mean_alpha as low_mean_alpha,
        long_short.long_short_return as spread,
        rank_ics.rank_ic
    from {{ ref('factor_long_short_returns') }} as long_short
    left join {{ ref('factor_ic') }} as rank_ics
        on long_short.factor = rank_ics.factor
        and long_short.period = rank_ics.period
        and rank_ics.horizon = 1

),

portfolio_alpha as (

    select scheme, factor, period, portfolio, mean_alpha
    from {{ ref('factor_portfolio_alpha') }}

),

portfolio_ranges as (

    select
        scheme,
        factor,
        period,
        min(mean_alpha) as lowest_mean_alpha,
        max(mean_alpha) as highest_mean_alpha,
        max(portfolio) as last_portfolio
    from portfolio_alpha
    group by scheme, factor, period

),

checked as (

    select
        spreads.scheme,
        spreads.factor,
        spreads.period,
        spreads.spread,
        spreads.rank_ic,
        case
            when portfolio_ranges.factor is null then 'factor-period missing from factor_portfolio_alpha'
            when portfolio_ranges.last_portfolio <> spreads.portfolio_count then 'last portfolio is not J'
            when abs(spreads.spread) > portfolio_ranges.highest_mean_alpha - portfolio_ranges.lowest_mean_alpha
                then 'spread larger than the range of the portfolio means'
            when spreads.high_mean_alpha not between portfolio_ranges.lowest_mean_alpha and portfolio_ranges.highest_mean_alpha
                then 'high leg outside the portfolio means'
            when spreads.low_mean_alpha not between portfolio_ranges.lowest_mean_alpha and portfolio_ranges.highest_mean_alpha
                then 'low leg outside the portfolio means'
            when abs(spreads.rank_ic) > 1 + 1e-12 then 'rank IC outside [-1, 1]'
        end as failure
    from spreads
    left join portfolio_ranges
        on spreads.scheme = portfolio_ranges.scheme
        and spreads.factor = portfolio_ranges.factor
        and spreads.period = portfolio_ranges.period

),

final as (

    select * from checked where failure is not null

)

select * from final
