{#- A text written yyyy-mm-dd as a date; null when it does not read so. -#}
{% macro date_from_iso_text(expression) -%}
    {{ return(adapter.dispatch('date_from_iso_text')(expression)) }}
{%- endmacro %}

{% macro duckdb__date_from_iso_text(expression) -%}
    try_strptime({{ expression }}, '%Y-%m-%d')::date
{%- endmacro %}

{% macro spark__date_from_iso_text(expression) -%}
    cast(try_to_timestamp({{ expression }}, 'yyyy-MM-dd') as date)
{%- endmacro %}
