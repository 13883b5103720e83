{#- Whether the text expression matches the regular expression `pattern` (a Jinja string) in whole;
    flags 'i': ignoring case. Null for a null text. -#}
{% macro regexp_full_match(expression, pattern, flags='') -%}
    {{ return(adapter.dispatch('regexp_full_match')(expression, pattern, flags)) }}
{%- endmacro %}

{% macro duckdb__regexp_full_match(expression, pattern, flags='') -%}
    regexp_full_match({{ expression }}, {{ text_literal(pattern) }}{{ ', ' ~ text_literal(flags) if flags }})
{%- endmacro %}

{% macro spark__regexp_full_match(expression, pattern, flags='') -%}
    ({{ expression }} rlike {{ text_literal(('(?' ~ flags ~ ')' if flags else '') ~ '^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}
