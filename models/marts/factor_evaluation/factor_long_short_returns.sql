-- One row per (scheme, factor, period): the long-short return, the return of portfolio J (long,
-- the highest values) minus that of portfolio 1 (short) under the scheme (factor_portfolio_alpha's
-- mean_alpha: weights, screens, holding period), null when either leg is (long_short_note says
-- why); the legs and their sizes; the cumulative long-short return, the running SUM of the
-- long-short returns in percentage points up to the period (a period without one adds nothing),
-- not a compounded return; and the net return, the long-short return minus the trading cost of
-- both legs (factor_turnover.holding_trading_cost_pct of portfolios J and 1: the weight bought
-- since the previous period times its cost, or with holding_periods K > 1 the weight the
-- overlapping portfolios buy when the cohort formed K periods before leaves), null when the factor
-- has no portfolios K periods before (no turnover).

{%- set portfolio_count = factor_sorts_portfolio_count() | int %}

with

portfolio_alpha as (

    select
        scheme, factor, period, grouping, portfolio_count, holding_periods, portfolio, n_stocks,
        n_stocks_with_alpha, mean_alpha, portfolio_note
    from {{ ref('factor_portfolio_alpha') }}

),

turnover as (

    select scheme, factor, period, portfolio, holding_trading_cost_pct
    from {{ ref('factor_turnover') }}

),

legs as (

    select
        portfolio_alpha.scheme,
        portfolio_alpha.factor,
        portfolio_alpha.period,
        any_value(portfolio_alpha.grouping) as grouping,
        any_value(portfolio_alpha.portfolio_count) as portfolio_count,
        any_value(portfolio_alpha.holding_periods) as holding_periods,
        cast(sum(portfolio_alpha.n_stocks) as bigint) as n_stocks,
        any_value(portfolio_alpha.n_stocks_with_alpha) filter (where portfolio_alpha.portfolio = {{ portfolio_count }})
            as long_n_stocks,
        any_value(portfolio_alpha.n_stocks_with_alpha) filter (where portfolio_alpha.portfolio = 1) as short_n_stocks,
        any_value(portfolio_alpha.mean_alpha) filter (where portfolio_alpha.portfolio = {{ portfolio_count }})
            as long_mean_alpha,
        any_value(portfolio_alpha.mean_alpha) filter (where portfolio_alpha.portfolio = 1) as short_mean_alpha,
        any_value(portfolio_alpha.portfolio_note) filter (where portfolio_alpha.portfolio = {{ portfolio_count }})
            as long_note,
        any_value(portfolio_alpha.portfolio_note) filter (where portfolio_alpha.portfolio = 1) as short_note,
        any_value(turnover.holding_trading_cost_pct) filter (where portfolio_alpha.portfolio = {{ portfolio_count }})
            as long_trading_cost_pct,
        any_value(turnover.holding_trading_cost_pct) filter (where portfolio_alpha.portfolio = 1) as short_trading_cost_pct
    from portfolio_alpha
    left join turnover
        on portfolio_alpha.scheme = turnover.scheme
        and portfolio_alpha.factor = turnover.factor
        and portfolio_alpha.period = turnover.period
        and portfolio_alpha.portfolio = turnover.portfolio
    group by portfolio_alpha.scheme, portfolio_alpha.factor, portfolio_alpha.period

),

long_short as (

    select
        *,
        long_mean_alpha - short_mean_alpha as long_short_return
    from legs

),

final as (

    select
        scheme,
        factor,
        period,
        grouping,
        portfolio_count,
        holding_periods,
        n_stocks,
        coalesce(long_n_stocks, 0) as long_n_stocks,
        coalesce(short_n_stocks, 0) as short_n_stocks,
        long_mean_alpha,
        short_mean_alpha,
        long_short_return,
        coalesce(sum(long_short_return) over (
            partition by scheme, factor order by period rows between unbounded preceding and current row
        ), 0) as cumulative_long_short_return,
        long_trading_cost_pct + short_trading_cost_pct as trading_cost_pct,
        long_short_return - (long_trading_cost_pct + short_trading_cost_pct) as net_long_short_return,
        nullif(concat_ws('; ',
            case when long_mean_alpha is null then 'long leg (portfolio J): ' || coalesce(long_note, 'no mean alpha') end,
            case when short_mean_alpha is null then 'short leg (portfolio 1): ' || coalesce(short_note, 'no mean alpha') end,
            case
                when (long_trading_cost_pct is null or short_trading_cost_pct is null) and holding_periods > 1
                    then 'net_long_short_return: no turnover (the factor has no portfolios ' || holding_periods
                        || ' periods before, when the cohort that leaves was formed)'
                when long_trading_cost_pct is null or short_trading_cost_pct is null
                    then 'net_long_short_return: no turnover (the factor''s first period, or after a gap)'
            end), '') as long_short_note
    from long_short

)

select * from final
