{#
  The columns of a CSV input (benchmark, factor models, factor publications) read through
  `relation`, its line numbers (ordinality) left out; [] while dbt parses.
  A column of `required` missing stops the build naming the file (`label`: "benchmark file 'x.csv'
  (dbt var panel.benchmark_path)"), the missing columns, the file's columns and `advice`.
  Usage: {% set header = csv_input_columns(source('panel', 'benchmark_file'), label, ['period'], 'Name ...') %}
#}
{% macro csv_input_columns(relation, label, required, advice) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set header = query_column_names("select * from " ~ relation) | reject('equalto', 'ordinality') | list -%}
    {%- set missing = required | reject('in', header) | list -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(label ~ " has no column" ~ ("s " if missing | length > 1 else " ")
            ~ "'" ~ missing | join("', '") ~ "'; its columns are " ~ header | join(', ') ~ ". " ~ advice) }}
    {%- endif -%}
    {{ return(header) }}
{%- endmacro %}
