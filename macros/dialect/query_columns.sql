{#- The column names of a select statement, in order, read at execution time (DuckDB's describe,
    Spark's describe query). -#}
{% macro query_column_names(sql) -%}
    {{ return(adapter.dispatch('query_column_names')(sql)) }}
{%- endmacro %}

{% macro duckdb__query_column_names(sql) -%}
    {{ return(run_query("describe " ~ sql).columns['column_name'].values() | list) }}
{%- endmacro %}

{% macro spark__query_column_names(sql) -%}
    {{ return(run_query("describe query " ~ sql).columns['col_name'].values() | list) }}
{%- endmacro %}
