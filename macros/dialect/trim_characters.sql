{#- The text expression without the `characters` (a Jinja string) at either end. -#}
{% macro trim_characters(expression, characters) -%}
    {{ return(adapter.dispatch('trim_characters')(expression, characters)) }}
{%- endmacro %}

{% macro duckdb__trim_characters(expression, characters) -%}
    trim({{ expression }}, {{ text_literal(characters) }})
{%- endmacro %}

{% macro spark__trim_characters(expression, characters) -%}
    trim(both {{ text_literal(characters) }} from {{ expression }})
{%- endmacro %}
