{#- The continuous quantile (linear interpolation, as pandas quantile) of `value` at `level`, one level
    or an array of levels (an array of quantiles then); an aggregate, nulls skipped. -#}
{% macro quantile_cont(value, level) -%}
    {{ return(adapter.dispatch('quantile_cont')(value, level)) }}
{%- endmacro %}

{% macro duckdb__quantile_cont(value, level) -%}
    quantile_cont({{ value }}, {{ level }})
{%- endmacro %}

{% macro spark__quantile_cont(value, level) -%}
    percentile({{ value }}, {{ level }})
{%- endmacro %}
