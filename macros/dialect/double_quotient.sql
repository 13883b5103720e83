{#- numerator / denominator as a double: DuckDB divides decimals (the equal weight 1.0 and its sums)
    into a double, Spark into a decimal. -#}
{% macro double_quotient(numerator, denominator) -%}
    {{ return(adapter.dispatch('double_quotient')(numerator, denominator)) }}
{%- endmacro %}

{% macro duckdb__double_quotient(numerator, denominator) -%}
    {{ numerator }} / {{ denominator }}
{%- endmacro %}

{% macro spark__double_quotient(numerator, denominator) -%}
    cast({{ numerator }} as double) / {{ denominator }}
{%- endmacro %}
