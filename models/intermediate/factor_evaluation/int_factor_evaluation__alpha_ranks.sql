-- One row per stock-period with an alpha: its period_index and the percentile rank of alpha
-- within its sort group (the period, or (period, sector) when sort_grouping = 'sector'), the
-- target side of factor_ic at every horizon.

with

stock_periods as (

    select stock_id, period, sector, alpha
    from {{ ref('stock_periods') }}
    where alpha is not null

),

periods as (

    select period, period_index
    from {{ ref('periods') }}

),

grouped as (

    select
        stock_periods.stock_id,
        stock_periods.period,
        periods.period_index,
        {{ factor_sorts_sort_group('stock_periods.sector') }} as sort_group,
        stock_periods.alpha
    from stock_periods
    inner join periods
        on stock_periods.period = periods.period

),

final as (

    select
        stock_id,
        period,
        period_index,
        sort_group,
        {{ pct_rank('alpha', ['period', 'sort_group']) }} as group_alpha_rank
    from grouped

)

select * from final
