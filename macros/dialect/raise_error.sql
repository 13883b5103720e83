{#- An expression that stops the query with `message` (a text expression) when it is evaluated. -#}
{% macro raise_error(message) -%}
    {{ return(adapter.dispatch('raise_error')(message)) }}
{%- endmacro %}

{% macro duckdb__raise_error(message) -%}
    error({{ message }})
{%- endmacro %}

{% macro spark__raise_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}
