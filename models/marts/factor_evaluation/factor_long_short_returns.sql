-- One row per (factor, period): the long-short return, mean alpha of portfolio J (long, the
-- highest values) minus that of portfolio 1 (short), null when either leg has no stock with
-- an alpha; the legs and their sizes; and the cumulative long-short return, the running SUM of
-- the long-short returns in percentage points up to the period (a period without one adds
-- nothing), not a compounded return.

{%- set portfolio_count = factor_sorts_portfolio_count() | int %}

with

portfolio_alpha as (

    select factor, period, grouping, portfolio_count, portfolio, n_stocks, n_stocks_with_alpha, mean_alpha
    from {{ ref('factor_portfolio_alpha') }}

),

legs as (

    select
        factor,
        period,
        any_value(grouping) as grouping,
        any_value(portfolio_count) as portfolio_count,
        cast(sum(n_stocks) as bigint) as n_stocks,
        any_value(n_stocks_with_alpha) filter (where portfolio = {{ portfolio_count }}) as long_n_stocks,
        any_value(n_stocks_with_alpha) filter (where portfolio = 1) as short_n_stocks,
        any_value(mean_alpha) filter (where portfolio = {{ portfolio_count }}) as long_mean_alpha,
        any_value(mean_alpha) filter (where portfolio = 1) as short_mean_alpha
    from portfolio_alpha
    group by factor, period

),

long_short as (

    select
        *,
        long_mean_alpha - short_mean_alpha as long_short_return
    from legs

),

final as (

    select
        factor,
        period,
        grouping,
        portfolio_count,
        n_stocks,
        coalesce(long_n_stocks, 0) as long_n_stocks,
        coalesce(short_n_stocks, 0) as short_n_stocks,
        long_mean_alpha,
        short_mean_alpha,
        long_short_return,
        coalesce(sum(long_short_return) over (
            partition by factor order by period rows between unbounded preceding and current row
        ), 0) as cumulative_long_short_return
    from long_short

)

select * from final
