{#- An array of the SQL expressions `items`, in their order. -#}
{% macro array_literal(items) -%}
    {{ return(adapter.dispatch('array_literal')(items)) }}
{%- endmacro %}

{% macro duckdb__array_literal(items) -%}
    [{{ items | join(', ') }}]
{%- endmacro %}

{% macro spark__array_literal(items) -%}
    array({{ items | join(', ') }})
{%- endmacro %}
