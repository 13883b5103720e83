{#- Aggregate: the distinct values of `expression`, as an array (in no particular order). -#}
{% macro distinct_array_agg(expression) -%}
    {{ return(adapter.dispatch('distinct_array_agg')(expression)) }}
{%- endmacro %}

{% macro duckdb__distinct_array_agg(expression) -%}
    list(distinct {{ expression }})
{%- endmacro %}

{% macro spark__distinct_array_agg(expression) -%}
    collect_set({{ expression }})
{%- endmacro %}
