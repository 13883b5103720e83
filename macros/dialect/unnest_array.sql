{#- In a select list: one row per element of `array` (a set-returning expression). -#}
{% macro unnest_array(array) -%}
    {{ return(adapter.dispatch('unnest_array')(array)) }}
{%- endmacro %}

{% macro duckdb__unnest_array(array) -%}
    unnest({{ array }})
{%- endmacro %}

{% macro spark__unnest_array(array) -%}
    explode({{ array }})
{%- endmacro %}
