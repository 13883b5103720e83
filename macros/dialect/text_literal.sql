{#- A text (a Jinja string: a user's column name, path, setting) as a SQL string literal: quotes
    doubled; on Spark, whose literals read backslash escapes, backslashes doubled too. -#}
{% macro text_literal(text) -%}
    {{ return(adapter.dispatch('text_literal')(text)) }}
{%- endmacro %}

{% macro duckdb__text_literal(text) -%}
    '{{ text | string | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__text_literal(text) -%}
    '{{ text | string | replace('\\', '\\\\') | replace("'", "''") }}'
{%- endmacro %}
