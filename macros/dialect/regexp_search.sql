{#- Whether the regular expression `pattern` (a Jinja string) matches somewhere in the text expression. -#}
{% macro regexp_search(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_search')(expression, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_search(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ text_literal(pattern) }})
{%- endmacro %}

{% macro spark__regexp_search(expression, pattern) -%}
    ({{ expression }} rlike {{ text_literal(pattern) }})
{%- endmacro %}
