-- One row per (factor, period): the high-minus-low spread (mean alpha of portfolio J
-- minus that of portfolio 1; null when either has no alpha) and the rank IC: the Pearson
-- correlation of the factor's and alpha's percentile ranks within the sort group, over the
-- stocks where both exist (null when either rank is constant, e.g. a single stock). The
-- factor is ranked over all its values in the group and alpha over all the group's stocks
-- with an alpha (stock_periods), so where the two samples coincide this is Spearman's rho.

{%- set portfolio_count = factor_sorts_portfolio_count() | int %}

with

portfolio_alpha as (

    select factor, period, portfolio, n_stocks, mean_alpha
    from {{ ref('factor_portfolio_alpha') }}

),

stock_factor_values as (

    select factor, period, sort_group, value, value_pct_rank, group_alpha_rank
    from {{ ref('int_factor_sorts__stock_factor_values') }}

),

spread_legs as (

    select
        factor,
        period,
        sum(n_stocks) as n_stocks,
        any_value(mean_alpha) filter (where portfolio = {{ portfolio_count }}) as high_mean_alpha,
        any_value(mean_alpha) filter (where portfolio = 1) as low_mean_alpha
    from portfolio_alpha
    group by factor, period

),

paired_ranks as (

    select
        factor,
        period,
        {% if factor_sorts_grouping() == 'period' -%}
        -- factor_values.pct_rank is this very rank: pct_rank() over (period, factor)
        value_pct_rank as value_rank,
        {%- else -%}
        {{ pct_rank('value', ['factor', 'period', 'sort_group']) }} as value_rank,
        {%- endif %}
        group_alpha_rank as alpha_rank
    from stock_factor_values

),

rank_correlations as (

    select
        factor,
        period,
        count(*) as rank_ic_n_stocks,
        case
            when var_pop(value_rank) > 0 and var_pop(alpha_rank) > 0
                then corr(value_rank, alpha_rank)
        end as rank_ic
    from paired_ranks
    where alpha_rank is not null
    group by factor, period

),

final as (

    select
        spread_legs.factor,
        spread_legs.period,
        '{{ factor_sorts_grouping() }}' as grouping,
        {{ portfolio_count }} as portfolio_count,
        cast(spread_legs.n_stocks as bigint) as n_stocks,
        spread_legs.high_mean_alpha,
        spread_legs.low_mean_alpha,
        spread_legs.high_mean_alpha - spread_legs.low_mean_alpha as spread,
        coalesce(rank_correlations.rank_ic_n_stocks, 0) as rank_ic_n_stocks,
        rank_correlations.rank_ic
    from spread_legs
    left join rank_correlations
        on spread_legs.factor = rank_correlations.factor
        and spread_legs.period = rank_correlations.period

)

select * from final
