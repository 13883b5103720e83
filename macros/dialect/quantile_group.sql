{#- The group 1..`group_count` of `value` among `quantiles` (the array of the 0/n .. n/n quantiles,
    factor_sorts_quantiles): 1 + the interior breakpoints (elements 2..n) strictly below the value. -#}
{% macro quantile_group(quantiles, group_count, value) -%}
    {{ return(adapter.dispatch('quantile_group')(quantiles, group_count, value)) }}
{%- endmacro %}

{% macro duckdb__quantile_group(quantiles, group_count, value) -%}
    1 + len(list_filter(
        {{ quantiles }}[2:{{ group_count }}],
        lambda breakpoint: breakpoint < {{ value }}
    ))
{%- endmacro %}

{% macro spark__quantile_group(quantiles, group_count, value) -%}
    1 + size(filter(
        slice({{ quantiles }}, 2, {{ group_count }} - 1),
        breakpoint -> breakpoint < {{ value }}
    ))
{%- endmacro %}
