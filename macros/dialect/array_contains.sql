{#- Whether `array` holds `item`. -#}
{% macro array_contains(array, item) -%}
    {{ return(adapter.dispatch('array_contains')(array, item)) }}
{%- endmacro %}

{% macro duckdb__array_contains(array, item) -%}
    list_contains({{ array }}, {{ item }})
{%- endmacro %}

{% macro spark__array_contains(array, item) -%}
    array_contains({{ array }}, {{ item }})
{%- endmacro %}
