{#- The largest element of `array`. -#}
{% macro array_max(array) -%}
    {{ return(adapter.dispatch('array_max')(array)) }}
{%- endmacro %}

{% macro duckdb__array_max(array) -%}
    list_max({{ array }})
{%- endmacro %}

{% macro spark__array_max(array) -%}
    array_max({{ array }})
{%- endmacro %}
