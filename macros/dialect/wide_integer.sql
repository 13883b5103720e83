{#- An integer expression whose sums and products must stay exact past 64 bits: as it is in DuckDB,
    whose sum of bigints is a hugeint; decimal(38, 0) in Spark, whose sum of bigints is a bigint
    that wraps around silently. -#}
{% macro wide_integer(expression) -%}
    {{ return(adapter.dispatch('wide_integer')(expression)) }}
{%- endmacro %}

{% macro duckdb__wide_integer(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro spark__wide_integer(expression) -%}
    cast({{ expression }} as decimal(38, 0))
{%- endmacro %}
