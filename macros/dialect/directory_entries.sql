{#- A select of source_file: every entry of the directory `path` (a Jinja string). Spark lists the
    files under it (binaryFile, its content not read), not its subdirectories. -#}
{% macro directory_entries(path) -%}
    {{ return(adapter.dispatch('directory_entries')(path)) }}
{%- endmacro %}

{% macro duckdb__directory_entries(path) -%}
    select file as source_file
    from glob({{ text_literal(path ~ '/*') }})
{%- endmacro %}

{% macro spark__directory_entries(path) -%}
    select distinct url_decode(regexp_replace(path, '^file:', '')) as source_file
    from binaryFile.`{{ (path ~ '/*') | replace('`', '``') }}`
{%- endmacro %}
