{#
  What the panel's files hold, read at execution time by panel_columns (macros/panel.sql):
  panel_checked_files(path, pattern, is_text): the files the pattern matches, in order, or an error
  naming the path (DuckDB also checks each file: a ragged CSV row, a Parquet file it cannot read);
  panel_described_columns(): [name, type] of the source's columns, types spelled as DuckDB does
  (VARCHAR, DOUBLE, DECIMAL(p,s), ...); panel_renamed_columns(file, columns, is_text): {column: its
  name in the file} for the columns the reader renamed (DuckDB's case twins; none on Spark, which reads
  the file's names as written and refuses case twins).
#}
{% macro panel_checked_files(path, pattern, is_text) -%}
    {{ return(adapter.dispatch('panel_checked_files')(path, pattern, is_text)) }}
{%- endmacro %}

{% macro duckdb__panel_checked_files(path, pattern, is_text) -%}
    {%- set files = run_query("select file from glob(" ~ panel_literal(pattern) ~ ") order by file")
        .columns[0].values() -%}
    {%- if not files -%}
        {{ exceptions.raise_compiler_error("panel '" ~ path ~ "': no file matches "
            ~ ("this path" if pattern == path else "'" ~ pattern ~ "'") ~ "; correct the dbt var panel.path "
            ~ "(a " ~ panel_file_format() ~ " file, a directory of them or a glob such as data/*."
            ~ panel_file_format() ~ ")") }}
    {%- endif -%}
    {%- if is_text -%}
        {%- for file in files -%}
            {{- panel_csv_ragged_check(file) -}}
        {%- endfor -%}
    {%- else -%}
        {%- set problems = run_query("select problem from (select file, panel_parquet_problem(file) as problem "
            ~ "from glob(" ~ panel_literal(pattern) ~ ")) where problem is not null order by file limit 1") -%}
        {%- for problem in problems.columns[0].values() -%}
            {{ exceptions.raise_compiler_error("panel '" ~ path ~ "': " ~ problem) }}
        {%- endfor -%}
    {%- endif -%}
    {{- return(files) -}}
{%- endmacro %}

{#- Spark lists the files it reads (a path matching nothing stops its read with the path) -#}
{% macro spark__panel_checked_files(path, pattern, is_text) -%}
    {%- set files = run_query("select distinct __panel_file from " ~ source('panel', 'panel_file')
        ~ " order by __panel_file").columns[0].values() | list -%}
    {%- if not files -%}
        {{ exceptions.raise_compiler_error("panel '" ~ path ~ "': the files matching '" ~ pattern ~ "' have no row; "
            ~ "correct the dbt var panel.path") }}
    {%- endif -%}
    {{- return(files) -}}
{%- endmacro %}

{% macro panel_described_columns() -%}
    {{ return(adapter.dispatch('panel_described_columns')()) }}
{%- endmacro %}

{% macro duckdb__panel_described_columns() -%}
    {%- set described = run_query("describe select * from " ~ source('panel', 'panel_file')) -%}
    {%- set columns = [] -%}
    {%- for row in described.rows -%}
        {%- do columns.append([row['column_name'], row['column_type']]) -%}
    {%- endfor -%}
    {{- return(columns) -}}
{%- endmacro %}

{% macro spark__panel_described_columns() -%}
    {%- set duckdb_types = {'string': 'VARCHAR', 'double': 'DOUBLE', 'float': 'FLOAT', 'tinyint': 'TINYINT',
        'smallint': 'SMALLINT', 'int': 'INTEGER', 'bigint': 'BIGINT', 'boolean': 'BOOLEAN', 'date': 'DATE',
        'timestamp': 'TIMESTAMP', 'timestamp_ntz': 'TIMESTAMP'} -%}
    {%- set described = run_query("describe query select * from " ~ source('panel', 'panel_file')) -%}
    {%- set columns = [] -%}
    {%- for row in described.rows -%}
        {%- set type = row['data_type'] | lower -%}
        {%- do columns.append([row['col_name'], duckdb_types.get(type, type | upper)]) -%}
    {%- endfor -%}
    {{- return(columns) -}}
{%- endmacro %}

{% macro panel_renamed_columns(file, columns, is_text) -%}
    {{ return(adapter.dispatch('panel_renamed_columns')(file, columns, is_text)) }}
{%- endmacro %}

{% macro duckdb__panel_renamed_columns(file, columns, is_text) -%}
    {{ return(panel_header_names(file, columns) if is_text else panel_parquet_names(file, columns)) }}
{%- endmacro %}

{% macro spark__panel_renamed_columns(file, columns, is_text) -%}
    {{ return({}) }}
{%- endmacro %}

{#
  A CSV panel's header as written (its first file's line 1), checked: an empty or duplicated cell is
  an error naming its position. Returns {column: header cell} for the columns DuckDB renamed.
#}
{% macro panel_header_names(file, columns) -%}
    {%- set header = run_query("select * from read_csv(" ~ panel_literal(file) ~ ", header = false, "
        ~ "all_varchar = true) limit 1").rows[0].values() | list -%}
    {%- set seen = {} -%}
    {%- set renamed = {} -%}
    {%- for cell in header -%}
        {%- set name = (cell or '') | trim -%}
        {%- if not name -%}
            {{ exceptions.raise_compiler_error(file ~ ", line 1, column " ~ loop.index ~ ": the header cell is "
                ~ "empty; name the column (or remove it)") }}
        {%- elif name in seen -%}
            {{ exceptions.raise_compiler_error(file ~ ", line 1: columns " ~ seen[name] ~ " and " ~ loop.index
                ~ " are both named '" ~ name ~ "'; rename or remove one of them") }}
        {%- endif -%}
        {%- do seen.update({name: loop.index}) -%}
        {#- positions match DuckDB's columns when every file has this header (else names stay DuckDB's) -#}
        {%- if header | length == columns | length and columns[loop.index0] != name -%}
            {%- do renamed.update({columns[loop.index0]: name}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(renamed) -}}
{%- endmacro %}

{#
  A ragged row among the first lines of a CSV panel file, those DuckDB's sniffer samples (20,480 rows),
  is an error naming the file and the line: DuckDB would read the header as one column, or fail to
  sniff, without saying where. Fields are counted by the commas outside double quotes (a line inside
  a quoted field that spans lines is skipped by its odd count of quotes); a ragged row further down
  stops DuckDB's read with the line.
#}
{% macro panel_csv_ragged_check(file) -%}
    {%- set sql -%}
        select line, fields, header_fields from (
            select *, first(fields) over (order by line) as header_fields from (
                select line, len(bare) - len(replace(bare, ',', '')) + 1 as fields from (
                    select
                        ordinality as line,
                        regexp_replace(text, chr(34) || '[^' || chr(34) || ']*' || chr(34), '', 'g') as bare,
                        len(text) - len(replace(text, chr(34), '')) as quotes
                    from read_csv({{ panel_literal(file) }}, header = false, columns = {'text': 'VARCHAR'},
                        delim = chr(31), quote = '', escape = '', auto_detect = false) with ordinality
                    limit 20481
                )
                where quotes % 2 = 0
            )
        )
        where fields != header_fields
        order by line
        limit 1
    {%- endset -%}
    {%- for row in run_query(sql).rows -%}
        {{ exceptions.raise_compiler_error(file ~ ", line " ~ row[0] ~ ": " ~ row[1] ~ " fields where the header has "
            ~ row[2] ~ "; the row is ragged: fix or remove it") }}
    {%- endfor -%}
{%- endmacro %}

{# A Parquet panel's column names as its first file's schema writes them: {column: name} for the
   columns DuckDB renamed (case twins). #}
{% macro panel_parquet_names(file, columns) -%}
    {%- set schema = run_query("select name from parquet_schema(" ~ panel_literal(file) ~ ") "
        ~ "where num_children is null").columns[0].values() | list -%}
    {%- set renamed = {} -%}
    {%- if schema | length == columns | length -%}
        {%- for name in schema -%}
            {%- if columns[loop.index0] != name -%}
                {%- do renamed.update({columns[loop.index0]: name}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(renamed) -}}
{%- endmacro %}

