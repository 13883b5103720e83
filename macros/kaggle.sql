{#- The Kaggle source's input_source_period_test: source_period is the fiscal year of the value's
    file, so the periods' years bound it (the null period: no test). -#}
{% macro kaggle_source_period_test(column, periods) -%}
    {%- set years = [] -%}
    {%- for period in periods if period is not none -%}
        {%- do years.append(period[:4] | int) -%}
    {%- endfor -%}
    {%- if none in periods or not years -%}
        true
    {%- else -%}
        ({{ column }} between {{ years | min }} and {{ years | max }})
    {%- endif -%}
{%- endmacro %}

{#- on-run-start: the kaggle source's raw tables are kept while its input is unchanged, and then
    dbt-duckdb does not load them again (save_mode ignore). Each table holds the fingerprint of the
    input it was loaded from (input_fingerprint); the hook drops the tables a selected model reads
    whose fingerprint is not the input's now (the plugin's kaggle_input_fingerprint, of the
    source's own kaggle_dir and missing_markers) or that have none (an older build), or all of
    them with --full-refresh, so that those models load them again. The catalog is read with
    run_query, which opens no transaction: a hook's open transaction is rolled back, drops and all. -#}
{% macro kaggle_keep_unchanged_input() -%}
    {%- if not execute or input_source() != 'kaggle' -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set read = [] -%}
    {%- for table in graph.sources.values() if table.source_name == 'kaggle' -%}
        {%- for node_id in selected_resources if node_id in graph.nodes
            and table.unique_id in graph.nodes[node_id].depends_on.nodes and table not in read -%}
            {%- do read.append(table) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not read -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set schema = read[0].schema -%}
    {%- set present = run_query("select table_name, bool_or(column_name = 'input_fingerprint') from "
        ~ "information_schema.columns where table_catalog = current_database() and table_schema = '" ~ schema
        ~ "' and table_name in ('" ~ read | map(attribute='identifier') | join("', '") ~ "') group by table_name") -%}
    {%- set current = run_query("select kaggle_input_fingerprint('"
        ~ (read[0].config['kaggle_dir'] | replace("'", "''")) ~ "', '"
        ~ (read[0].config['missing_markers'] | replace("'", "''")) ~ "')").columns[0].values()[0] -%}
    {%- set stale = [] -%}
    {%- for name, fingerprinted in present.rows -%}
        {%- if flags.FULL_REFRESH or not fingerprinted or run_query("select input_fingerprint from " ~ schema ~ "."
            ~ name ~ " limit 1").columns[0].values() | list != [current] -%}
            {%- do stale.append("drop table if exists " ~ schema ~ "." ~ name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if present.rows and not stale -%}
        {%- do log("kaggle: the input is unchanged since the last build: its tables are kept, the files not read again",
                   info=True) -%}
    {%- endif -%}
    {{- return(stale | join(';\n')) -}}
{%- endmacro %}
