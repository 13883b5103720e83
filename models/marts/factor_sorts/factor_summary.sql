-- One row per factor: the factor's spreads and rank ICs across fiscal years. T is the
-- number of years with a value (spread_years, rank_ic_years); standard deviations are
-- sample ones, t = mean / (sd / sqrt(T)), null where T < 2 or sd = 0. average_coverage
-- is the share of each fiscal year's stocks with a value, averaged over every fiscal
-- year in stock_years (0 for a year without the factor). Factors are ranked by |t| of
-- the spread, 1 = strongest; factors without a t-statistic get no rank.

with

spreads as (

    select factor, fiscal_year, grouping, portfolio_count, n_stocks, spread, rank_ic
    from {{ ref('factor_spreads') }}

),

stock_years as (

    select fiscal_year
    from {{ ref('stock_years') }}

),

year_sizes as (

    select fiscal_year, count(*) as n_stock_years
    from stock_years
    group by fiscal_year

),

factor_list as (

    select distinct factor
    from spreads

),

coverage as (

    select
        factor_list.factor,
        avg(coalesce(spreads.n_stocks, 0) / year_sizes.n_stock_years) as average_coverage
    from factor_list
    cross join year_sizes
    left join spreads
        on factor_list.factor = spreads.factor
        and year_sizes.fiscal_year = spreads.fiscal_year
    group by factor_list.factor

),

year_statistics as (

    select
        factor,
        any_value(grouping) as grouping,
        any_value(portfolio_count) as portfolio_count,
        count(*) as years_covered,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        count(spread) as spread_years,
        avg(spread) as mean_spread,
        stddev_samp(spread) as spread_standard_deviation,
        avg(case when spread > 0 then 1.0 when spread is not null then 0.0 end) as hit_rate,
        count(rank_ic) as rank_ic_years,
        avg(rank_ic) as mean_rank_ic,
        stddev_samp(rank_ic) as rank_ic_standard_deviation
    from spreads
    group by factor

),

t_statistics as (

    select
        *,
        case
            when spread_years >= 2 and spread_standard_deviation > 0
                then mean_spread / (spread_standard_deviation / sqrt(spread_years))
        end as spread_t_statistic,
        case
            when rank_ic_years >= 2 and rank_ic_standard_deviation > 0
                then mean_rank_ic / (rank_ic_standard_deviation / sqrt(rank_ic_years))
        end as rank_ic_t_statistic
    from year_statistics

),

final as (

    select
        t_statistics.factor,
        t_statistics.grouping,
        t_statistics.portfolio_count,
        t_statistics.years_covered,
        t_statistics.first_fiscal_year,
        t_statistics.last_fiscal_year,
        t_statistics.spread_years,
        t_statistics.mean_spread,
        t_statistics.spread_standard_deviation,
        t_statistics.spread_t_statistic,
        t_statistics.hit_rate,
        t_statistics.rank_ic_years,
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
