-- One row per (factor, period, stock_id) with a non-null factor value, carrying what
-- every factor sort needs: the stock's alpha, its ranks, its sector and the group it is
-- sorted in (sort_group: 'all stocks', or its sector when sort_grouping = 'sector').

with

factor_values as (

    select stock_id, period, factor, value, pct_rank
    from {{ ref('factor_values') }}
    where value is not null

),

stock_periods as (

    select stock_id, period, sector, alpha, alpha_rank
    from {{ ref('stock_periods') }}

),

stock_groups as (

    select
        stock_id,
        period,
        sector,
        {{ factor_sorts_sort_group('sector') }} as sort_group,
        alpha,
        alpha_rank
    from stock_periods

),

group_alpha_ranks as (

    select
        *,
        {{ pct_rank('alpha', ['period', 'sort_group']) }} as group_alpha_rank
    from stock_groups

),

final as (

    select
        factor_values.factor,
        factor_values.period,
        factor_values.stock_id,
        group_alpha_ranks.sector,
        coalesce(group_alpha_ranks.sort_group, {{ factor_sorts_sort_group('null') }}) as sort_group,
        factor_values.value,
        factor_values.pct_rank as value_pct_rank,
        group_alpha_ranks.alpha,
        group_alpha_ranks.alpha_rank,
        group_alpha_ranks.group_alpha_rank
    from factor_values
    left join group_alpha_ranks
        on factor_values.stock_id = group_alpha_ranks.stock_id
        and factor_values.period = group_alpha_ranks.period

)

select * from final
