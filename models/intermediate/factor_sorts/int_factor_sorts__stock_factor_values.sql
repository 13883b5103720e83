-- One row per (factor_key, period, stock_key) with a non-null factor value, carrying what
-- every factor sort needs: the stock's alpha, its ranks, its sector and the group it is
-- sorted in (sort_group: 'all stocks', or its sector when sort_grouping = 'sector'), the
-- stock-period's columns as int_factor_sorts__alpha_ranks computes them. On keys: the sorts
-- join the names (factors, stocks) to their results.

with

factor_values as (

    select stock_key, period, factor_key, value, pct_rank
    from {{ ref('int_factor_values') }}
    where value is not null

),

alpha_ranks as (

    select stock_key, period, sector, sort_group, alpha, alpha_rank, group_alpha_rank
    from {{ ref('int_factor_sorts__alpha_ranks') }}

),

final as (

    select
        factor_values.factor_key,
        factor_values.period,
        factor_values.stock_key,
        alpha_ranks.sector,
        coalesce(alpha_ranks.sort_group, {{ factor_sorts_sort_group('null') }}) as sort_group,
        factor_values.value,
        factor_values.pct_rank as value_pct_rank,
        alpha_ranks.alpha,
        alpha_ranks.alpha_rank,
        alpha_ranks.group_alpha_rank
    from factor_values
    left join alpha_ranks
        on factor_values.stock_key = alpha_ranks.stock_key
        and factor_values.period = alpha_ranks.period

)

select * from final
