-- One row per (factor, period, horizon): the rank IC of the factor at `period` with alpha
-- `horizon` periods ahead, Spearman's rho over the pairs (as scipy.stats.spearmanr and
-- alphalens' factor_information_coefficient): the stocks with the factor at the period and an
-- alpha at the target period, whose period_index is period_index + horizon - 1 (alpha is already
-- the next period's return, so horizon 1 is the stock-period's own alpha). Both are ranked over
-- the pairs alone (percentile ranks, ties averaged), within the sort group (sort_grouping =
-- 'sector': the value within the stock's sector at the period, alpha within its sector at the
-- target period), and rank_ic is their Pearson correlation over all the factor-period's pairs.
-- A target period the warehouse does not hold gives target_period null, n_stocks 0 and a null
-- rank_ic; statistics_note says why a rank_ic is null.
-- Its pairs are up to one row per value and horizon: a factor batch holds values_per_batch rows of pairs.
{{ config(materialized='factor_batched_table', rows_per_value=factor_evaluation_ic_horizon_count(),
    period_lookahead=factor_evaluation_ic_horizon_reach()) }}

{%- set sector_neutral = factor_sorts_grouping() == 'sector' %}

with

stock_factor_values as (

    select factor_key, period, stock_key, sort_group, value
    from {{ ref('int_factor_sorts__stock_factor_values') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

alphas as (

    select stock_key, period_index, sort_group, alpha
    from {{ ref('int_factor_sorts__alpha_ranks') }}
    where alpha is not null
        and {{ period_filter('period') }}

),

periods as (

    select period, period_index
    from {{ ref('periods') }}
    where {{ period_filter('period') }}

),

factors as (

    select factor_key, factor
    from {{ ref('factors') }}

),

settings as (

    select ic_horizons
    from {{ ref('int_factor_evaluation__settings') }}

),

horizons as (

    select {{ unnest_array('ic_horizons') }} as horizon, {{ array_max('ic_horizons') }} as max_horizon
    from settings

),

factor_periods as (

    select
        stock_factor_values.factor_key,
        stock_factor_values.period,
        periods.period_index,
        stock_factor_values.stock_key,
        stock_factor_values.sort_group,
        stock_factor_values.value
    from stock_factor_values
    inner join periods
        on stock_factor_values.period = periods.period

),

distinct_factor_periods as (

    select distinct factor_key, period, period_index
    from factor_periods

),

-- a dense integer key per factor-period: the pairs carry it into the ranks' sort
factor_period_keys as (

    select
        factor_key,
        period,
        period_index,
        row_number() over (order by factor_key, period) as factor_period_key
    from distinct_factor_periods

),

-- one row per (factor, period, horizon); pair_group numbers them (factor_period_key, horizon)
factor_period_horizons as (

    select
        factor_period_keys.factor_key,
        factor_period_keys.period,
        factor_period_keys.period_index + horizons.horizon - 1 as target_period_index,
        horizons.horizon,
        (factor_period_keys.factor_period_key - 1) * horizons.max_horizon + horizons.horizon as pair_group
    from factor_period_keys
    cross join horizons

),

-- materialized: the join to alphas must follow the cross join with the horizons, on the target
-- period too, not precede it on stock_id alone (a billion-row join at research size)
keyed_values as {{ cte_materialized() }} (

    select
        factor_period_keys.factor_period_key,
        factor_periods.period_index,
        factor_periods.stock_key,
        factor_periods.sort_group,
        factor_periods.value
    from factor_periods
    inner join factor_period_keys
        on factor_periods.factor_key = factor_period_keys.factor_key
        and factor_periods.period = factor_period_keys.period

),

-- pair_group as factor_period_horizons numbers it
horizon_targets as (

    select
        (keyed_values.factor_period_key - 1) * horizons.max_horizon + horizons.horizon as pair_group,
        keyed_values.period_index + horizons.horizon - 1 as target_period_index,
        keyed_values.stock_key,
        keyed_values.sort_group,
        keyed_values.value
    from keyed_values
    cross join horizons

),

pairs as (

    select
        horizon_targets.pair_group,
        horizon_targets.sort_group,
        horizon_targets.value,
        alphas.sort_group as target_sort_group,
        alphas.alpha
    from horizon_targets
    inner join alphas
        on horizon_targets.stock_key = alphas.stock_key
        and horizon_targets.target_period_index = alphas.period_index

),

-- both ranks in one window pass over the pairs, as rank scores (macros/pct_rank.sql): with
-- sort_grouping = 'period' whole numbers whose correlation is the percentile ranks'; with 'sector'
-- divided by their sector's count, as the percentile ranks are
paired_ranks as (

    select
        pair_group,
        {{ rank_score('value', ['pair_group'] + (['sort_group'] if sector_neutral else []), sector_neutral) }}
            as value_rank,
        {{ rank_score('alpha', ['pair_group'] + (['target_sort_group'] if sector_neutral else []), sector_neutral) }}
            as alpha_rank
    from pairs

),

-- Pearson's r from the sums of the ranks, their squares and products: exact in integers with
-- sort_grouping = 'period'; a rank the same for all pairs (min = max) gives none
rank_sums as (

    select
        pair_group,
        count(*) as n_stocks,
        min(value_rank) < max(value_rank) and min(alpha_rank) < max(alpha_rank) as ranks_vary,
        sum(value_rank) as value_sum,
        sum(alpha_rank) as alpha_sum,
        sum(value_rank * value_rank) as value_square_sum,
        sum(alpha_rank * alpha_rank) as alpha_square_sum,
        sum(value_rank * alpha_rank) as product_sum
    from paired_ranks
    group by pair_group

),

rank_correlations as (

    select
        pair_group,
        n_stocks,
        case
            when ranks_vary
                then {{ correlation_from_sums(
                    'n_stocks', 'value_sum', 'alpha_sum', 'value_square_sum', 'alpha_square_sum', 'product_sum') }}
        end as rank_ic
    from rank_sums

),

final as (

    select
        factor_period_horizons.factor_key,
        factors.factor,
        factor_period_horizons.period,
        factor_period_horizons.horizon,
        '{{ factor_sorts_grouping() }}' as grouping,
        target_periods.period as target_period,
        coalesce(rank_correlations.n_stocks, 0) as n_stocks,
        rank_correlations.rank_ic,
        case
            when rank_correlations.rank_ic is not null then null
            when target_periods.period is null
                then 'rank_ic: alpha ' || factor_period_horizons.horizon
                    || ' periods ahead is after the last period of the warehouse'
            else 'rank_ic: fewer than 2 stocks have both ranks, or a rank is the same for all of them'
        end as statistics_note
    from factor_period_horizons
    inner join factors
        on factor_period_horizons.factor_key = factors.factor_key
    left join periods as target_periods
        on factor_period_horizons.target_period_index = target_periods.period_index
    left join rank_correlations
        on factor_period_horizons.pair_group = rank_correlations.pair_group

)

select * from final
