{#- The 1-based position of `item` in `array`; callers pass an item the array holds (not found is
    null on DuckDB, 0 on Spark). -#}
{% macro array_position(array, item) -%}
    {{ return(adapter.dispatch('array_position')(array, item)) }}
{%- endmacro %}

{% macro duckdb__array_position(array, item) -%}
    list_position({{ array }}, {{ item }})
{%- endmacro %}

{% macro spark__array_position(array, item) -%}
    array_position({{ array }}, {{ item }})
{%- endmacro %}
