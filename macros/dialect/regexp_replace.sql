{#- The text expression with the first match (every match for every=true) of the regular
    expression `pattern` replaced by `replacement` (Jinja strings; \1 names the first group). -#}
{% macro regexp_replace_text(expression, pattern, replacement, every=false) -%}
    {{ return(adapter.dispatch('regexp_replace_text')(expression, pattern, replacement, every)) }}
{%- endmacro %}

{% macro duckdb__regexp_replace_text(expression, pattern, replacement, every=false) -%}
    regexp_replace({{ expression }}, {{ text_literal(pattern) }}, {{ text_literal(replacement) }}{{ ", 'g'" if every }})
{%- endmacro %}

{#- Spark replaces every match; the first only when the pattern is anchored, as the project's are -#}
{% macro spark__regexp_replace_text(expression, pattern, replacement, every=false) -%}
    {%- if not every and not pattern.startswith('^') -%}
        {{ exceptions.raise_compiler_error("regexp_replace_text: Spark replaces every match; anchor the pattern '"
            ~ pattern ~ "' with ^ or pass every=true") }}
    {%- endif -%}
    regexp_replace({{ expression }}, {{ text_literal(pattern) }}, {{ text_literal(modules.re.sub('\\\\([0-9])', '$\\1', replacement)) }})
{%- endmacro %}
