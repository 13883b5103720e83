{{ config(materialized='factor_batched_table') }}
-- factor_adjustments (macros/factor_adjustments.sql): zeros dropped and values winsorized before ranking
{%- set adjustments = factor_adjustment_settings() -%}
{%- set fractions = adjustments.fractions -%}
{%- set settings = adjustments.settings %}
{#- referenced whatever the settings, so that dbt records the dependency the name check below has #}
{%- set declared_factors = ref('int_declared_factors') %}
with cells as (

    select * from {{ ref('int_factor_cells_checked') }}
    where rejection_reason is null
        and {{ factor_batch_filter('factor') }}
        and {{ period_filter('period') }}

),

user_factor_values as (

    select * from {{ ref('int_user_factor_values') }}
    where value is not null
        and {{ factor_batch_filter('factor') }}
        and {{ period_filter('period') }}

),

factor_adjustments as (

    select
        cast(null as varchar) as factor,
        cast(null as boolean) as zero_as_missing,
        cast(null as integer) as winsorize_lower_position,
        cast(null as integer) as winsorize_upper_position
    where false
    {%- for factor, zero_as_missing, lower_position, upper_position in settings %}
    union all
    select '{{ factor | string | replace("'", "''") }}', {{ zero_as_missing }}, {{ lower_position }}, {{ upper_position }}
    {%- endfor %}

),

{% if settings -%}
declared_factors as (

    select distinct factor from {{ declared_factors }}

),

-- the adjusted names that are not factors, with the factor of the same name in another case if any
unknown_adjustments as (

    select
        string_agg(
            '''' || factor_adjustments.factor || ''''
            || coalesce(' (did you mean ''' || same_but_case.factor || '''?)', ''),
            ', ' order by factor_adjustments.factor
        ) as names
    from factor_adjustments
    left join declared_factors as exact
        on factor_adjustments.factor = exact.factor
    left join declared_factors as same_but_case
        on lower(factor_adjustments.factor) = lower(same_but_case.factor)
    where exact.factor is null

),
{%- endif %}

values_to_rank as (

    select stock_id, period, factor, value
    from cells
    union all
    select stock_id, period, factor, value
    from user_factor_values

),

kept as (

    select
        values_to_rank.stock_id,
        values_to_rank.period,
        values_to_rank.factor,
        {% if settings -%}
        case
            when unknown_adjustments.names is not null then error(
                'dbt var factor_adjustments names ' || unknown_adjustments.names || ', which is not a factor of the '
                || 'input or a user factor: names are exact, case and spaces included (the factors table lists them)'
            )
            else values_to_rank.value
        end as value,
        {%- else -%}
        values_to_rank.value,
        {%- endif %}
        factor_adjustments.winsorize_lower_position,
        factor_adjustments.winsorize_upper_position
    from values_to_rank
    {% if settings -%}
    cross join unknown_adjustments
    {% endif -%}
    left join factor_adjustments
        on values_to_rank.factor = factor_adjustments.factor
    where not coalesce(factor_adjustments.zero_as_missing and values_to_rank.value = 0, false)

),

winsorize_quantiles as (

    select
        factor,
        period,
        quantile_cont(value, [{{ fractions | join(', ') }}]) as quantiles
    from kept
    where winsorize_lower_position is not null
    group by factor, period

),

adjusted as (

    select
        kept.stock_id,
        kept.period,
        kept.factor,
        case
            when kept.winsorize_lower_position is null then kept.value
            else least(
                greatest(kept.value, winsorize_quantiles.quantiles[kept.winsorize_lower_position]),
                winsorize_quantiles.quantiles[kept.winsorize_upper_position]
            )
        end as value
    from kept
    left join winsorize_quantiles
        on kept.factor = winsorize_quantiles.factor
        and kept.period = winsorize_quantiles.period

),

final as (

    select
        stock_id,
        period,
        factor,
        value,
        {{ pct_rank('value', ['period', 'factor']) }} as pct_rank
    from adjusted

)

select * from final
