{{ config(materialized='factor_batched_table') }}
{#- The dbt var factor_adjustments: {factor: {zero_as_missing: true, winsorize: [lower, upper]}}.
    quantile_cont takes only constant fractions, so every winsorize fraction goes into one list,
    computed once per (factor, period), and each setting keeps the positions of its two; the list
    starts with 0 and 1 (the minimum and the maximum) so that it is never empty. -#}
{%- set adjustments = var('factor_adjustments') or {} -%}
{%- if adjustments is not mapping -%}
    {{ exceptions.raise_compiler_error("dbt var factor_adjustments must map factor names to their adjustments, e.g. "
        ~ "{'PE ratio': {zero_as_missing: true}, ROE: {winsorize: [0.01, 0.99]}}, got " ~ tojson(adjustments)) }}
{%- endif -%}
{%- set fractions = [0, 1] -%}
{%- set settings = [] -%}
{%- for factor, setting in adjustments | dictsort -%}
    {%- set what = "dbt var factor_adjustments, factor '" ~ factor ~ "': " -%}
    {%- if setting is not mapping or not setting or setting.keys() | reject('in', ['zero_as_missing', 'winsorize']) | list -%}
        {{ exceptions.raise_compiler_error(what ~ "set zero_as_missing: true and/or winsorize: [lower, upper], got " ~ tojson(setting)) }}
    {%- endif -%}
    {%- set zero_as_missing = setting.get('zero_as_missing', false) -%}
    {%- if zero_as_missing is not boolean -%}
        {{ exceptions.raise_compiler_error(what ~ "zero_as_missing must be true or false, got " ~ tojson(zero_as_missing)) }}
    {%- endif -%}
    {%- set winsorize = setting.get('winsorize') -%}
    {%- if winsorize is none -%}
        {%- do settings.append([factor, zero_as_missing, 'null', 'null']) -%}
    {%- elif winsorize is string or winsorize is not sequence or winsorize | length != 2
          or winsorize | reject('number') | list or not (0 <= winsorize[0] < winsorize[1] <= 1) -%}
        {{ exceptions.raise_compiler_error(what ~ "winsorize must be [lower, upper], two quantiles of the factor's period "
            ~ "with 0 <= lower < upper <= 1, e.g. [0.01, 0.99]; got " ~ tojson(winsorize)) }}
    {%- else -%}
        {%- do fractions.extend(winsorize) -%}
        {%- do settings.append([factor, zero_as_missing, fractions | length - 1, fractions | length]) -%}
    {%- endif -%}
{%- endfor %}
with cells as (

    select * from {{ ref('int_factor_cells_checked') }}
    where rejection_reason is null
        and {{ factor_batch_filter('factor') }}

),

user_factor_values as (

    select * from {{ ref('int_user_factor_values') }}
    where value is not null
        and {{ factor_batch_filter('factor') }}

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
        values_to_rank.value,
        factor_adjustments.winsorize_lower_position,
        factor_adjustments.winsorize_upper_position
    from values_to_rank
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
