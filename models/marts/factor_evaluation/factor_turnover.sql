-- One row per (factor, period, portfolio), every portfolio 1..J of every factor-period:
-- turnover, the share of the portfolio's stocks that were not in the same portfolio in the
-- previous period (period_index - 1), and the factor's rank autocorrelation, the Pearson
-- correlation of its percentile ranks (factor_values.pct_rank, within the period whatever
-- sort_grouping says) at the period and the previous one over the stocks ranked in both,
-- the same number repeated on each portfolio row. Both are null when the factor has no value
-- in the previous period (its first period, or after a gap); turnover is null for an empty
-- portfolio, and the autocorrelation when either rank is constant over the common stocks.
{{ config(materialized='factor_batched_table') }}

with

portfolios as (

    select factor, period, stock_id, portfolio
    from {{ ref('factor_portfolios') }}
    where {{ factor_batch_filter('factor') }}

),

portfolio_alpha as (

    select factor, period, grouping, portfolio_count, portfolio
    from {{ ref('factor_portfolio_alpha') }}
    where {{ factor_batch_filter('factor') }}

),

factor_ranks as (

    select factor, period, stock_id, pct_rank
    from {{ ref('factor_values') }}
    where pct_rank is not null
        and {{ factor_batch_filter('factor') }}

),

periods as (

    select period, period_index
    from {{ ref('periods') }}

),

indexed_portfolios as (

    select portfolios.*, periods.period_index
    from portfolios
    inner join periods
        on portfolios.period = periods.period

),

indexed_ranks as (

    select factor_ranks.*, periods.period_index
    from factor_ranks
    inner join periods
        on factor_ranks.period = periods.period

),

factor_periods as (

    select distinct factor, period, period_index
    from indexed_portfolios

),

previous_factor_periods as (

    select
        factor_periods.factor,
        factor_periods.period,
        previous.period as previous_period
    from factor_periods
    inner join factor_periods as previous
        on factor_periods.factor = previous.factor
        and previous.period_index = factor_periods.period_index - 1

),

memberships as (

    select
        current_portfolios.factor,
        current_portfolios.period,
        current_portfolios.portfolio,
        count(*) as n_stocks,
        count(*) filter (
            where previous_portfolios.portfolio is distinct from current_portfolios.portfolio
        ) as n_stocks_new
    from indexed_portfolios as current_portfolios
    left join indexed_portfolios as previous_portfolios
        on current_portfolios.factor = previous_portfolios.factor
        and current_portfolios.stock_id = previous_portfolios.stock_id
        and previous_portfolios.period_index = current_portfolios.period_index - 1
    group by current_portfolios.factor, current_portfolios.period, current_portfolios.portfolio

),

rank_autocorrelations as (

    select
        current_ranks.factor,
        current_ranks.period,
        count(*) as rank_autocorrelation_n_stocks,
        case
            when var_pop(current_ranks.pct_rank) > 0 and var_pop(previous_ranks.pct_rank) > 0
                then corr(current_ranks.pct_rank, previous_ranks.pct_rank)
        end as rank_autocorrelation
    from indexed_ranks as current_ranks
    inner join indexed_ranks as previous_ranks
        on current_ranks.factor = previous_ranks.factor
        and current_ranks.stock_id = previous_ranks.stock_id
        and previous_ranks.period_index = current_ranks.period_index - 1
    group by current_ranks.factor, current_ranks.period

),

final as (

    select
        portfolio_alpha.factor,
        portfolio_alpha.period,
        portfolio_alpha.portfolio,
        portfolio_alpha.grouping,
        portfolio_alpha.portfolio_count,
        previous_factor_periods.previous_period,
        coalesce(memberships.n_stocks, 0) as n_stocks,
        case when previous_factor_periods.previous_period is not null then coalesce(memberships.n_stocks_new, 0) end
            as n_stocks_new,
        case
            when previous_factor_periods.previous_period is not null and memberships.n_stocks > 0
                then memberships.n_stocks_new / memberships.n_stocks
        end as turnover,
        case when previous_factor_periods.previous_period is not null
            then coalesce(rank_autocorrelations.rank_autocorrelation_n_stocks, 0) end
            as rank_autocorrelation_n_stocks,
        rank_autocorrelations.rank_autocorrelation
    from portfolio_alpha
    left join previous_factor_periods
        on portfolio_alpha.factor = previous_factor_periods.factor
        and portfolio_alpha.period = previous_factor_periods.period
    left join memberships
        on portfolio_alpha.factor = memberships.factor
        and portfolio_alpha.period = memberships.period
        and portfolio_alpha.portfolio = memberships.portfolio
    left join rank_autocorrelations
        on portfolio_alpha.factor = rank_autocorrelations.factor
        and portfolio_alpha.period = rank_autocorrelations.period

)

select * from final
