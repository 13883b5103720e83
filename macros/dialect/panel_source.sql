{#
  source(): dbt's, without the database part on DuckDB (macros/ref.sql says why), and on Spark
  dbt's except for the panel's files. DuckDB reads them through the source's
  external_location (models/staging/panel/_panel__sources.yml); Spark reads a Parquet panel itself,
  with the same two columns added: __panel_file (the file's path, without Spark's file: scheme) and
  file_row_number (0-based row in its file, Spark's _metadata.row_index). The CSV files (a CSV panel,
  its benchmark, factor_models, factor_publications) are refused on Spark with what to do: not read
  there yet.
#}
{% macro source(source_name, table_name) -%}
    {{ return(adapter.dispatch('source_relation')(source_name, table_name)) }}
{%- endmacro %}

{% macro duckdb__source_relation(source_name, table_name) -%}
    {{ return(builtins.source(source_name, table_name).include(database=False)) }}
{%- endmacro %}

{% macro spark__source_relation(source_name, table_name) -%}
    {%- set relation = builtins.source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- if source_name ~ '.' ~ table_name != 'panel.panel_file' or panel_file_format() != 'parquet' -%}
        {%- set settings = {'panel.panel_file': 'panel.path', 'panel.benchmark_file': 'panel.benchmark_path',
                            'factor_models.factor_returns_file': 'factor_models', 'factor_publications.factor_publications_file': 'factor_publications'} -%}
        {{ exceptions.raise_compiler_error("the spark target reads a Parquet panel only, not yet the CSV files of the dbt var "
            ~ settings.get(source_name ~ '.' ~ table_name, source_name) ~ " (source " ~ source_name ~ "." ~ table_name
            ~ "): convert a CSV panel to Parquet and leave the other files out, or build on the DuckDB target (the default)") }}
    {%- endif -%}
    {{ return("(select *, url_decode(regexp_replace(_metadata.file_path, '^file:', '')) as __panel_file, "
        ~ "_metadata.row_index as file_row_number from parquet.`" ~ panel_read_pattern() | replace('`', '``') ~ "`)") }}
{%- endmacro %}
