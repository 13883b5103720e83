{#- Whether a double is infinite (is_infinite) or a finite number (is_finite: neither infinite nor
    NaN); null for null. -#}
{% macro is_infinite(expression) -%}
    {{ return(adapter.dispatch('is_infinite')(expression)) }}
{%- endmacro %}

{% macro duckdb__is_infinite(expression) -%}
    isinf({{ expression }})
{%- endmacro %}

{% macro spark__is_infinite(expression) -%}
    (abs({{ expression }}) = double('infinity'))
{%- endmacro %}

{% macro is_finite(expression) -%}
    {{ return(adapter.dispatch('is_finite')(expression)) }}
{%- endmacro %}

{% macro duckdb__is_finite(expression) -%}
    isfinite({{ expression }})
{%- endmacro %}

{% macro spark__is_finite(expression) -%}
    (abs({{ expression }}) < double('infinity'))
{%- endmacro %}
