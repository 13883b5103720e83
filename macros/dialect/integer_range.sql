{#- The array of the integers `first` .. `last`, both included. -#}
{% macro integer_range(first, last) -%}
    {{ return(adapter.dispatch('integer_range')(first, last)) }}
{%- endmacro %}

{% macro duckdb__integer_range(first, last) -%}
    range({{ first }}, {{ last }} + 1)
{%- endmacro %}

{% macro spark__integer_range(first, last) -%}
    sequence({{ first }}, {{ last }})
{%- endmacro %}
