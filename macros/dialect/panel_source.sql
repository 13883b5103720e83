{#
  source(): dbt's, without the database part on DuckDB (macros/ref.sql says why), and on Spark
  dbt's except for the panel's files. DuckDB reads them through the source's
  external_location (models/staging/panel/_panel__sources.yml); Spark reads a Parquet panel itself,
  with the same two columns added: __panel_file (the file's path, without Spark's file: scheme) and
  file_row_number (0-based row in its file, Spark's _metadata.row_index). The CSV files (a CSV panel,
  its benchmark, factor_models, factor_publications) are read by spark_csv_relation as DuckDB's
  read_csv reads them in the sources' external_location.
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
    {%- set csv_paths = {'panel.benchmark_file': panel_setting('benchmark_path'),
                         'factor_models.factor_returns_file': factor_models_setting('path'),
                         'factor_publications.factor_publications_file': factor_publications_path()} -%}
    {%- set name = source_name ~ '.' ~ table_name -%}
    {%- if name in csv_paths -%}
        {{ return(spark_csv_relation(csv_paths[name] | string)) }}
    {%- elif name != 'panel.panel_file' -%}
        {{ return(relation) }}
    {%- elif panel_file_format() == 'csv' -%}
        {{ return(spark_csv_relation(panel_read_pattern(), '__panel_file')) }}
    {%- endif -%}
    {{ return("(select *, url_decode(regexp_replace(_metadata.file_path, '^file:', '')) as __panel_file, "
        ~ "_metadata.row_index as file_row_number from parquet.`" ~ panel_read_pattern() | replace('`', '``') ~ "`)") }}
{%- endmacro %}

{#
  Spark: the CSV files `pattern` matches (plain or gzipped) as DuckDB's read_csv(header = true,
  all_varchar = true, union_by_name = true) with ordinality reads them: every header's column as
  text (the union of the files' headers, in their order; a column a file lacks is null there), an
  empty field (quoted or not) null, blank lines skipped, the file's path in `file_column` (none: no
  such column) and last `ordinality`, the row's number in its file (1 = the line after the header).
  Spark's text reader gives the lines in order, fields split by the commas outside double quotes.
  A header cell empty or named twice (case aside) is an error naming file and cell; a ragged row,
  or a quoted field running onto the next line (DuckDB reads it, this reader does not), stops the
  query with file and line.
#}
{% macro spark_csv_relation(pattern, file_column=none) -%}
    {%- set fields = "transform(regexp_extract_all(__csv_text, '(?:^|,)( *\"(?:[^\"]|\"\")*\" *|[^,]*)', 1), "
        ~ "field -> case when trim(field) like '\"%\"' then replace(substr(trim(field), 2, length(trim(field)) - 2), "
        ~ "'\"\"', '\"') else field end)" -%}
    {%- set lines -%}
        select
            url_decode(regexp_replace(_metadata.file_path, '^file:', '')) as __csv_file,
            _metadata.file_block_start as __csv_block,
            monotonically_increasing_id() as __csv_id,
            value as __csv_text
        from text.`{{ pattern | replace('`', '``') }}`
        where value != ''
    {%- endset -%}
    {%- set headers = run_query("select __csv_file, to_json(" ~ fields ~ ") from (select *, row_number() over "
        ~ "(partition by __csv_file order by __csv_id) as __csv_line from (" ~ lines ~ ") where __csv_block = 0) "
        ~ "where __csv_line = 1 order by __csv_file") -%}
    {%- set columns = [] -%}
    {%- for file, header in headers.rows -%}
        {%- set seen = {} -%}
        {%- for cell in fromjson(header) -%}
            {%- if cell | trim == '' or cell | lower in seen -%}
                {{ exceptions.raise_compiler_error(file ~ ", line 1, column " ~ loop.index ~ ": the header cell is "
                    ~ ("empty; name the column (or remove it)" if cell | trim == '' else "'" ~ cell ~ "', as column "
                    ~ seen[cell | lower] ~ " is (case aside, as Spark reads names); rename or remove one of them")) }}
            {%- endif -%}
            {%- do seen.update({cell | lower: loop.index}) -%}
            {%- if cell not in columns -%}
                {%- do columns.append(cell) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set line = "__csv_file || ', line ' || (ordinality + 1) || ': '" -%}
    {%- set relation -%}
        (select
            {%- for column in columns %}
            nullif(try_element_at(__csv_fields, cast(nullif(array_position(__csv_header, {{ text_literal(column) }}), 0) as int)), '')
                as {{ quoted_identifier(column) }},
            {%- endfor %}
            {%- if file_column %}
            __csv_file as {{ file_column }},
            {%- endif %}
            case
                when (length(__csv_text) - length(replace(__csv_text, '"', ''))) % 2 = 1 then {{ raise_error(line
                    ~ " || 'a quoted field runs onto the next line, which the spark target does not read (DuckDB does); "
                    ~ "write the field on one line, or build on the DuckDB target'") }}
                when size(__csv_fields) != size(__csv_header) then {{ raise_error(line ~ " || size(__csv_fields) || "
                    ~ "' fields where the header has ' || size(__csv_header) || '; the row is ragged: fix or remove it'") }}
                else ordinality
            end as ordinality
        from (
            select
                *,
                {{ fields }} as __csv_fields,
                first({{ fields }}) over (partition by __csv_file order by __csv_block, __csv_id) as __csv_header,
                row_number() over (partition by __csv_file order by __csv_block, __csv_id) - 1 as ordinality
            from ({{ lines }})
        )
        where ordinality > 0)
    {%- endset -%}
    {{ return(relation) }}
{%- endmacro %}
