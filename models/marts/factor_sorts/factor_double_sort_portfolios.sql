-- One row per (double_sort, scheme, factor, period, control_group, factor_group) of the dbt var
-- double_sorts, for the factor's stocks in the scheme's sample that have a control value (market
-- equity for size, or the control factor's value): the control groups split on the control's
-- 1/n .. (n-1)/n quantiles over the scheme's breakpoint stocks with both values (for size under
-- NYSE breakpoints, the NYSE median: Fama-French), the factor groups on the factor's quantiles over
-- the breakpoint stocks of the same control group (dependent, conditional) or of all of them
-- (independent). A stock goes to 1 + the number of breakpoints strictly below its value, as in the
-- single sorts. mean_alpha is the group's return under the scheme's weights, null (group_note)
-- below min_stocks_per_leg stocks with an alpha. One-period hold; no costs.
{{ config(materialized='factor_batched_table', enabled=double_sorts() | length > 0) }}

with

scheme_values as (

    select scheme, factor_key, period, stock_key, value, alpha, is_breakpoint_stock, weight
    from {{ ref('int_factor_sorts__scheme_values') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

stock_periods as (

    select stock_key, period, market_equity
    from {{ ref('stock_periods') }}
    where {{ period_filter('period') }}

),

factor_values as (

    select factor_key, stock_key, period, value
    from {{ ref('int_factor_values') }}
    where value is not null
        and {{ period_filter('period') }}

),

factors as (

    select factor_key, factor
    from {{ ref('factors') }}

),

schemes as (

    select scheme, weights, min_stocks_per_leg
    from ({{ portfolio_schemes_relation() | indent(4) }})

),

{%- for sort in double_sorts() %}

-- {{ sort.name }}: {{ sort.control_groups }} x {{ sort.factor_groups }}, {{ sort.method }}, on {{ sort.control }}
{{ sort.name }}_controls as (

    {%- if sort.control == 'size' %}
    select stock_key, period, market_equity as control_value
    from stock_periods
    where market_equity > 0
    {%- else %}
    select stock_key, period, value as control_value
    from factor_values
    where factor_key = {{ name_key(panel_literal(sort.control)) }}
    {%- endif %}

),

{{ sort.name }}_paired as (

    select scheme_values.*, controls.control_value
    from scheme_values
    inner join {{ sort.name }}_controls as controls
        on scheme_values.stock_key = controls.stock_key
        and scheme_values.period = controls.period

),

{{ sort.name }}_control_breakpoints as (

    select
        scheme,
        factor_key,
        period,
        {{ factor_sorts_quantiles('control_value', quantile_levels(sort.control_groups), 'is_breakpoint_stock') | indent(8) }}
            as control_quantiles
    from {{ sort.name }}_paired
    group by scheme, factor_key, period

),

{{ sort.name }}_controlled as (

    select
        paired.*,
        {{ quantile_group('breakpoints.control_quantiles', sort.control_groups, 'paired.control_value') | indent(8) }}
            as control_group
    from {{ sort.name }}_paired as paired
    inner join {{ sort.name }}_control_breakpoints as breakpoints
        on paired.scheme = breakpoints.scheme
        and paired.factor_key = breakpoints.factor_key
        and paired.period = breakpoints.period
    where breakpoints.control_quantiles is not null

),

{{ sort.name }}_factor_breakpoints as (

    select
        scheme,
        factor_key,
        period,
        {{ 'control_group' if sort.method == 'dependent' else 'cast(null as bigint) as control_group' }},
        {{ factor_sorts_quantiles('value', quantile_levels(sort.factor_groups), 'is_breakpoint_stock') | indent(8) }}
            as factor_quantiles
    from {{ sort.name }}_controlled
    group by scheme, factor_key, period{{ ', control_group' if sort.method == 'dependent' }}

),

{{ sort.name }}_groups as (

    select
        '{{ sort.name }}' as double_sort,
        '{{ sort.method }}' as method,
        {{ panel_literal(sort.control) }} as control,
        controlled.scheme,
        controlled.factor_key,
        controlled.period,
        controlled.control_group,
        {{ quantile_group('breakpoints.factor_quantiles', sort.factor_groups, 'controlled.value') | indent(8) }}
            as factor_group,
        {{ sort.control_groups }} as control_group_count,
        {{ sort.factor_groups }} as factor_group_count,
        controlled.alpha,
        controlled.weight
    from {{ sort.name }}_controlled as controlled
    inner join {{ sort.name }}_factor_breakpoints as breakpoints
        on controlled.scheme = breakpoints.scheme
        and controlled.factor_key = breakpoints.factor_key
        and controlled.period = breakpoints.period
        {%- if sort.method == 'dependent' %}
        and controlled.control_group = breakpoints.control_group
        {%- endif %}
    where breakpoints.factor_quantiles is not null

),
{%- endfor %}

grouped as (

    {%- for sort in double_sorts() %}
    select * from {{ sort.name }}_groups
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

group_returns as (

    select
        grouped.double_sort,
        any_value(grouped.method) as method,
        any_value(grouped.control) as control,
        grouped.scheme,
        grouped.factor_key,
        grouped.period,
        grouped.control_group,
        grouped.factor_group,
        any_value(grouped.control_group_count) as control_group_count,
        any_value(grouped.factor_group_count) as factor_group_count,
        count(*) as n_stocks,
        count(grouped.alpha) filter (where grouped.weight is not null) as n_stocks_with_alpha,
        {{ portfolio_weighted_mean('grouped.alpha', 'grouped.weight', 'schemes.weights') }} as mean_alpha,
        any_value(schemes.min_stocks_per_leg) as min_stocks_per_leg
    from grouped
    inner join schemes
        on grouped.scheme = schemes.scheme
    group by
        grouped.double_sort, grouped.scheme, grouped.factor_key, grouped.period, grouped.control_group,
        grouped.factor_group, schemes.weights

),

final as (

    select
        group_returns.double_sort,
        group_returns.scheme,
        group_returns.factor_key,
        factors.factor,
        group_returns.period,
        group_returns.control_group,
        group_returns.factor_group,
        group_returns.method,
        group_returns.control,
        group_returns.control_group_count,
        group_returns.factor_group_count,
        group_returns.n_stocks,
        group_returns.n_stocks_with_alpha,
        case when group_returns.n_stocks_with_alpha >= group_returns.min_stocks_per_leg then group_returns.mean_alpha end
            as mean_alpha,
        case
            when group_returns.n_stocks_with_alpha < group_returns.min_stocks_per_leg
                then 'mean_alpha: ' || group_returns.n_stocks_with_alpha
                    || ' stocks with an alpha, fewer than min_stocks_per_leg ' || group_returns.min_stocks_per_leg
        end as group_note
    from group_returns
    inner join factors
        on group_returns.factor_key = factors.factor_key

)

select * from final
