-- One row per stock-period: its period_index, sector, sort group (see sort_grouping), alpha, the
-- period-wide alpha_rank and group_alpha_rank, alpha's percentile rank within (period, sort_group)
-- (null without an alpha). The one place a stock-period's sort group and group alpha rank are
-- computed: int_factor_sorts__stock_factor_values reads them for each factor value, factor_ic
-- reads alpha and the sort group at the target period. A table: every factor batch of every
-- factor sort reads it, and the window runs once.
{{ config(materialized='period_table') }}

with

stock_periods as (

    select stock_id, stock_key, period, sector, alpha, alpha_rank
    from {{ ref('stock_periods') }}
    where {{ period_filter('period') }}

),

periods as (

    select period, period_index
    from {{ ref('periods') }}
    where {{ period_filter('period') }}

),

grouped as (

    select
        stock_periods.stock_id,
        stock_periods.stock_key,
        stock_periods.period,
        periods.period_index,
        stock_periods.sector,
        {{ factor_sorts_sort_group('stock_periods.sector') }} as sort_group,
        stock_periods.alpha,
        stock_periods.alpha_rank
    from stock_periods
    inner join periods
        on stock_periods.period = periods.period

),

final as (

    select
        stock_id,
        stock_key,
        period,
        period_index,
        sector,
        sort_group,
        alpha,
        alpha_rank,
        {{ pct_rank('alpha', ['period', 'sort_group']) }} as group_alpha_rank
    from grouped

)

select * from final
