{#- A name (a user's header text) as a quoted SQL identifier. -#}
{% macro quoted_identifier(name) -%}
    {{ return(adapter.dispatch('quoted_identifier')(name)) }}
{%- endmacro %}

{% macro duckdb__quoted_identifier(name) -%}
    "{{ name | replace('"', '""') }}"
{%- endmacro %}

{% macro spark__quoted_identifier(name) -%}
    `{{ name | replace('`', '``') }}`
{%- endmacro %}
