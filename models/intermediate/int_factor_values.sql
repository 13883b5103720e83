{{ config(materialized='factor_batched_table') }}
-- Keyed factor_values (macro name_key): one row per (stock_key, period, factor_key) for every
-- accepted value of the input and every value of the user factors, with its percentile rank.
-- factor_adjustments (macros/factor_adjustments.sql): zeros dropped and values winsorized before ranking
{%- set adjustments = factor_adjustment_settings() -%}
{%- set fractions = adjustments.fractions -%}
{%- set settings = adjustments.settings %}
{#- without adjustments the values go straight to the ranks; without a winsorize setting they are
    not scanned twice for quantiles #}
{%- set winsorized = settings | rejectattr(2, 'equalto', 'null') | list %}
with cells as (

    select stock_key, period, factor_key, value
    from {{ ref('int_factor_cells_accepted') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ input_period_filter('period', 'source_period') }}

),

user_factor_values as (

    select stock_key, period, factor_key, value
    from {{ ref('int_user_factor_values') }}
    where value is not null
        and {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

-- the names of the adjustments' factors: their keys, and the check that they exist
declared_factors as (

    select distinct factor, factor_key
    from {{ ref('int_declared_factors') }}

),

factor_adjustments as (

    select
        cast(null as {{ dbt.type_string() }}) as factor,
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
-- the adjusted names that are not factors, with the factor of the same name in another case if any
unknown_adjustments as (

    select
        {{ sorted_text_agg(
            "'''' || factor_adjustments.factor || ''''
            || coalesce(' (did you mean ''' || same_but_case.factor || '''?)', '')",
            ', ', order_by=['factor_adjustments.factor']
        ) }} as names
    from factor_adjustments
    left join declared_factors as exact
        on factor_adjustments.factor = exact.factor
    left join declared_factors as same_but_case
        on lower(factor_adjustments.factor) = lower(same_but_case.factor)
    where exact.factor is null

),
{%- endif %}

adjustment_keys as (

    select
        declared_factors.factor_key,
        factor_adjustments.zero_as_missing,
        factor_adjustments.winsorize_lower_position,
        factor_adjustments.winsorize_upper_position
    from factor_adjustments
    inner join declared_factors
        on factor_adjustments.factor = declared_factors.factor

),

values_to_rank as (

    select * from cells
    union all
    select * from user_factor_values

),

kept as (

    select
        values_to_rank.stock_key,
        values_to_rank.period,
        values_to_rank.factor_key,
        {% if settings -%}
        case
            when unknown_adjustments.names is not null then {{ raise_error(
                "'dbt var factor_adjustments names ' || unknown_adjustments.names || ', which is not a factor of the '
                || 'input or a user factor: names are exact, case and spaces included (the factors table lists them)'"
            ) }}
            else values_to_rank.value
        end as value,
        adjustment_keys.winsorize_lower_position,
        adjustment_keys.winsorize_upper_position
    from values_to_rank
    cross join unknown_adjustments
    left join adjustment_keys
        on values_to_rank.factor_key = adjustment_keys.factor_key
    where not coalesce(adjustment_keys.zero_as_missing and values_to_rank.value = 0, false)
        {%- else %}
        values_to_rank.value
    from values_to_rank
        {%- endif %}

),

{% if winsorized -%}
winsorize_quantiles as (

    select
        factor_key,
        period,
        {{ quantile_cont('value', array_literal(fractions)) }} as quantiles
    from kept
    where winsorize_lower_position is not null
    group by factor_key, period

),

adjusted as (

    select
        kept.stock_key,
        kept.period,
        kept.factor_key,
        case
            when kept.winsorize_lower_position is null then kept.value
            else least(
                greatest(kept.value, {{ array_element('winsorize_quantiles.quantiles', 'kept.winsorize_lower_position') }}),
                {{ array_element('winsorize_quantiles.quantiles', 'kept.winsorize_upper_position') }}
            )
        end as value
    from kept
    left join winsorize_quantiles
        on kept.factor_key = winsorize_quantiles.factor_key
        and kept.period = winsorize_quantiles.period

),
{%- else %}
adjusted as (

    select stock_key, period, factor_key, value
    from kept

),
{%- endif %}

final as (

    select
        stock_key,
        period,
        factor_key,
        value,
        {{ pct_rank('value', ['period', 'factor_key']) }} as pct_rank
    from adjusted

)

select * from final
