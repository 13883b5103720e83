-- One row per (factor, period, horizon): the rank IC of the factor at `period` with alpha
-- `horizon` periods ahead: the Pearson correlation of the factor's percentile rank at the
-- period and alpha's percentile rank at the period whose period_index is period_index +
-- horizon - 1 (alpha is already the next period's return, so horizon 1 is the stock-period's
-- own alpha), over the stocks with both. Ranks are within the sort group (the period, or
-- (period, sector) with sort_grouping = 'sector': the factor within its sector at the period,
-- alpha within the stock's sector at the target period). Where the two samples coincide this
-- is Spearman's rho. A target period the warehouse does not hold gives target_period null,
-- n_stocks 0 and a null rank_ic; statistics_note says why a rank_ic is null.
{{ config(materialized='factor_batched_table') }}

with

stock_factor_values as (

    select factor, period, stock_id, sort_group, value, value_pct_rank
    from {{ ref('int_factor_sorts__stock_factor_values') }}
    where {{ factor_batch_filter('factor') }}

),

alpha_ranks as (

    select stock_id, period_index, group_alpha_rank
    from {{ ref('int_factor_evaluation__alpha_ranks') }}

),

periods as (

    select period, period_index
    from {{ ref('periods') }}

),

settings as (

    select ic_horizons
    from {{ ref('int_factor_evaluation__settings') }}

),

horizons as (

    select unnest(ic_horizons) as horizon
    from settings

),

factor_ranks as (

    select
        stock_factor_values.factor,
        stock_factor_values.period,
        periods.period_index,
        stock_factor_values.stock_id,
        {% if factor_sorts_grouping() == 'period' -%}
        -- factor_values.pct_rank is this very rank: pct_rank() over (period, factor)
        stock_factor_values.value_pct_rank as value_rank
        {%- else -%}
        {{ pct_rank('stock_factor_values.value', ['stock_factor_values.factor', 'stock_factor_values.period', 'stock_factor_values.sort_group']) }} as value_rank
        {%- endif %}
    from stock_factor_values
    inner join periods
        on stock_factor_values.period = periods.period

),

factor_period_horizons as (

    select distinct
        factor_ranks.factor,
        factor_ranks.period,
        factor_ranks.period_index,
        horizons.horizon
    from factor_ranks
    cross join horizons

),

horizon_targets as (

    select
        factor_ranks.factor,
        factor_ranks.period,
        factor_ranks.stock_id,
        factor_ranks.value_rank,
        horizons.horizon,
        factor_ranks.period_index + horizons.horizon - 1 as target_period_index
    from factor_ranks
    cross join horizons

),

paired_ranks as (

    select
        horizon_targets.factor,
        horizon_targets.period,
        horizon_targets.horizon,
        horizon_targets.value_rank,
        alpha_ranks.group_alpha_rank as alpha_rank
    from horizon_targets
    inner join alpha_ranks
        on horizon_targets.stock_id = alpha_ranks.stock_id
        and horizon_targets.target_period_index = alpha_ranks.period_index

),

rank_correlations as (

    select
        factor,
        period,
        horizon,
        count(*) as n_stocks,
        case
            when var_pop(value_rank) > 0 and var_pop(alpha_rank) > 0
                then corr(value_rank, alpha_rank)
        end as rank_ic
    from paired_ranks
    group by factor, period, horizon

),

final as (

    select
        factor_period_horizons.factor,
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
    left join periods as target_periods
        on target_periods.period_index = factor_period_horizons.period_index + factor_period_horizons.horizon - 1
    left join rank_correlations
        on factor_period_horizons.factor = rank_correlations.factor
        and factor_period_horizons.period = rank_correlations.period
        and factor_period_horizons.horizon = rank_correlations.horizon

)

select * from final
