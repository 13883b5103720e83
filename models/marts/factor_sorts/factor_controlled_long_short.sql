-- One row per (double_sort, scheme, factor, period) of factor_double_sort_portfolios: the factor's
-- long-short return controlled for the double sort's control, the mean over the control groups of
-- the highest factor group's return minus the lowest's (Fama-French's HML: the average of the small
-- and the big stocks' high-minus-low). Null, with long_short_note, unless every control group has
-- both legs.
{{ config(materialized='table', enabled=double_sorts() | length > 0) }}

with

group_returns as (

    select
        double_sort, scheme, factor, period, control_group, factor_group, method, control, control_group_count,
        factor_group_count, mean_alpha
    from {{ ref('factor_double_sort_portfolios') }}

),

spreads as (

    select
        double_sort,
        scheme,
        factor,
        period,
        control_group,
        any_value(method) as method,
        any_value(control) as control,
        any_value(control_group_count) as control_group_count,
        any_value(mean_alpha) filter (where factor_group = factor_group_count)
            - any_value(mean_alpha) filter (where factor_group = 1) as spread
    from group_returns
    group by double_sort, scheme, factor, period, control_group

),

final as (

    select
        double_sort,
        scheme,
        factor,
        period,
        any_value(method) as method,
        any_value(control) as control,
        count(spread) as control_groups_with_spread,
        case when count(spread) = any_value(control_group_count) then avg(spread) end as long_short_return,
        case
            when count(spread) < any_value(control_group_count)
                then 'long_short_return: ' || count(spread) || ' of ' || any_value(control_group_count)
                    || ' control groups have both the highest and the lowest factor group with a return'
        end as long_short_note
    from spreads
    group by double_sort, scheme, factor, period

)

select * from final
