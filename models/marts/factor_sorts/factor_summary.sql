-- One row per factor: the factor's spreads (factor_long_short_returns) and rank ICs
-- (factor_ic, horizon 1) across periods. T is the
-- number of periods with a value (spread_periods, rank_ic_periods); standard deviations are
-- sample ones, t = mean / (sd / sqrt(T)), null where T < 2 or sd = 0. average_coverage
-- is the share of each period's stocks with a value, averaged over every
-- period in stock_periods (0 for a period without the factor). Factors are ranked by |t| of
-- the spread, 1 = strongest; factors without a t-statistic get no rank.

with

long_short_returns as (

    select factor, period, grouping, portfolio_count, n_stocks, long_short_return
    from {{ ref('factor_long_short_returns') }}

),

rank_ics as (

    select factor, period, rank_ic
    from {{ ref('factor_ic') }}
    where horizon = 1

),

-- the spread is the long-short return; the rank IC is that of horizon 1 (the next period)
spreads as (

    select
        long_short_returns.factor,
        long_short_returns.period,
        long_short_returns.grouping,
        long_short_returns.portfolio_count,
        long_short_returns.n_stocks,
        long_short_returns.long_short_return as spread,
        rank_ics.rank_ic
    from long_short_returns
    left join rank_ics
        on long_short_returns.factor = rank_ics.factor
        and long_short_returns.period = rank_ics.period

),

stock_periods as (

    select period
    from {{ ref('stock_periods') }}

),

period_sizes as (

    select period, count(*) as n_stock_periods
    from stock_periods
    group by period

),

factor_list as (

    select distinct factor
    from spreads

),

coverage as (

    select
        factor_list.factor,
        avg(coalesce(spreads.n_stocks, 0) / period_sizes.n_stock_periods) as average_coverage
    from factor_list
    cross join period_sizes
    left join spreads
        on factor_list.factor = spreads.factor
        and period_sizes.period = spreads.period
    group by factor_list.factor

),

period_statistics as (

    select
        factor,
        any_value(grouping) as grouping,
        any_value(portfolio_count) as portfolio_count,
        count(*) as periods_covered,
        min(period) as first_period,
        max(period) as last_period,
        count(spread) as spread_periods,
        avg(spread) as mean_spread,
        stddev_samp(spread) as spread_standard_deviation,
        avg(case when spread > 0 then 1.0 when spread is not null then 0.0 end) as hit_rate,
        count(rank_ic) as rank_ic_periods,
        avg(rank_ic) as mean_rank_ic,
        stddev_samp(rank_ic) as rank_ic_standard_deviation
    from spreads
    group by factor

),

t_statistics as (

    select
        *,
        case
            when spread_periods >= 2 and spread_standard_deviation > 0
                then mean_spread / (spread_standard_deviation / sqrt(spread_periods))
        end as spread_t_statistic,
        case
            when rank_ic_periods >= 2 and rank_ic_standard_deviation > 0
                then mean_rank_ic / (rank_ic_standard_deviation / sqrt(rank_ic_periods))
        end as rank_ic_t_statistic
    from period_statistics

),

final as (

    select
        t_statistics.factor,
        t_statistics.grouping,
        t_statistics.portfolio_count,
        t_statistics.periods_covered,
        t_statistics.first_period,
        t_statistics.last_period,
        t_statistics.spread_periods,
        t_statistics.mean_spread,
        t_statistics.spread_standard_deviation,
        t_statistics.spread_t_statistic,
        t_statistics.hit_rate,
        t_statistics.rank_ic_periods,
        t_statistics.mean_rank_ic,
        t_statistics.rank_ic_standard_deviation,
        t_statistics.rank_ic_t_statistic,
        coverage.average_coverage,
        case
            when t_statistics.spread_t_statistic is not null then rank() over (
                partition by t_statistics.spread_t_statistic is null
                order by abs(t_statistics.spread_t_statistic) desc
            )
        end as spread_t_statistic_rank
    from t_statistics
    inner join coverage
        on t_statistics.factor = coverage.factor

)

select * from final
