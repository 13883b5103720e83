{#- A date's year and month as text, 'yyyy-mm'. -#}
{% macro month_text(date) -%}
    {{ return(adapter.dispatch('month_text')(date)) }}
{%- endmacro %}

{% macro duckdb__month_text(date) -%}
    strftime({{ date }}, '%Y-%m')
{%- endmacro %}

{% macro spark__month_text(date) -%}
    date_format({{ date }}, 'yyyy-MM')
{%- endmacro %}
