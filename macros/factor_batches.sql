{#
  Factor batches: a model whose work is independent per factor (ranks, breakpoints, portfolio
  means, rank ICs, turnover) is built a group of factors at a time, so that a research-size panel
  is never sorted or held in one pass. Contract: the model sets
  config(materialized='factor_batched_table'), reads no ephemeral model, and puts
  factor_batch_filter('factor_key') in the where clause of each import CTE that reads factor rows
  (factor_key: macro name_key).
  The filter is `true` when the model is compiled on its own (dbt compile, unit tests) or built in
  one pass; the materialization renders the model once per batch, the filter then being
  `factor_key in (<the batch's factor keys>)`, applied inside DuckDB's table scan. Batch count, from the
  larger of the input's values (int_input_period_digests counts them: at least the rows of the view
  int_factor_cells_accepted) and int_factor_values (the model itself aside), times the model's
  config rows_per_value (the rows its work holds per value: factor_ic's pairs, one per horizon;
  default 1): those rows over the var values_per_batch (an upper bound on a batch's rows), or their
  estimated bytes (rows times the in-memory widths of the table's column types) over half of
  DuckDB's memory_limit, whichever is larger, rounded up. The factor keys (the input's declared
  factors, or int_factor_values'), in order, are
  cut into that many runs of consecutive keys, and the last batch takes every factor not in
  another batch (a user factor). Storage order: the model's rows have a factor_key and a period
  column, and each batch is written ordered by (factor_key, period), so the table is stored in that
  order (user factors in the last batch) and each row group holds one factor or a few: a filter on
  factor_key (a one-factor query, a downstream batch) skips the other row groups by their min/max.
  DuckDB keeps an ORDER BY's order in `create table as` and `insert` even with
  preserve_insertion_order false.
#}

{% macro factor_batch_filter(column) -%}
    {%- if 'factor_batch' in model -%}
        {{ column }} {{ model.factor_batch }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- the model's SQL for batch number `batch` of `batches` (lists of factor keys; [none]: one pass),
    its rows in storage order (of an increment's target periods, macros/period_increments.sql) -#}
{% macro factor_batch_sql(batch, batches) -%}
    {%- if batches | length == 1 -%}
        {{ return(factor_storage_order(period_targets_only(render(model.raw_code) if 'period_reads' in model else compiled_code))) }}
    {%- endif -%}
    {%- if batch < batches | length - 1 -%}
        {%- set test = 'in (' ~ batches[batch] | join(', ') ~ ')' -%}
    {%- else -%}
        {%- set test = 'not in (' ~ batches[:-1] | sum(start=[]) | join(', ') ~ ')' -%}
    {%- endif -%}
    {#- render() renders in this context: factor_batch_filter reads the predicate from model -#}
    {%- do model.pop('factor_batch', none) -%}
    {%- set unbatched = render(model.raw_code) if batch == 0 else none -%}
    {%- do model.update({'factor_batch': test ~ ' /* factor batch ' ~ (batch + 1) ~ ' of ' ~ batches | length ~ ' */'}) -%}
    {%- set sql = render(model.raw_code) -%}
    {%- if sql == unbatched -%}
        {{ exceptions.raise_compiler_error(
            "model " ~ model.name ~ " is materialized as factor_batched_table but its SQL has no "
            ~ "factor_batch_filter(...): put {{ factor_batch_filter('factor_key') }} in the where "
            ~ "clause of the import CTE that reads the factor rows") }}
    {%- endif -%}
    {{ return(factor_storage_order(period_targets_only(sql))) }}
{%- endmacro %}

{#- the progress line of batch number `batch` of `batches` (none for a single pass), built since
    `started`: 'int_factor_values: batch 3 of 8 (factors 41-60 of 100) done in 4.1 s'; the build
    command prints it (a log at info level) -#}
{% macro factor_batch_log(batch, batches, started) -%}
    {%- if batches | length > 1 -%}
        {%- set first = batches[:batch] | sum(start=[]) | length + 1 -%}
        {%- set dealt = batches | sum(start=[]) | length -%}
        {%- set seconds = (modules.datetime.datetime.now() - started).total_seconds() -%}
        {%- do log(model.name ~ ': batch ' ~ (batch + 1) ~ ' of ' ~ batches | length ~ ' (factors ' ~ first ~ '-'
            ~ (first + batches[batch] | length - 1) ~ ' of ' ~ dealt
            ~ (', and every factor not dealt to a batch' if batch == batches | length - 1 else '')
            ~ ') done in ' ~ '%.1f' | format(seconds) ~ ' s', info=True) -%}
    {%- endif -%}
{%- endmacro %}

{% macro factor_storage_order(sql) -%}
    {{ return('select * from (\n' ~ sql ~ '\n) as factor_batch\norder by factor_key, period') }}
{%- endmacro %}

{#- share: the part of the model's periods the build computes (an increment's, macros/period_increments.sql) -#}
{% macro factor_batches(share=1) -%}
    {%- set values_per_batch = var('values_per_batch') | int -%}
    {%- if values_per_batch < 1 -%}
        {{ exceptions.raise_compiler_error("dbt var values_per_batch must be a positive integer (rows per factor batch), got " ~ var('values_per_batch')) }}
    {%- endif -%}
    {#- the larger of the two sets of every factor's values, other than the model itself: the input's
        accepted values (the view int_factor_cells_accepted; its rows are at most the input's values,
        which int_input_period_digests counts) and the table int_factor_values (estimated_size, DuckDB's
        estimate: no scan); a row's bytes at its column types' in-memory widths (text: the 16-byte
        header, so long text counts short), and DuckDB's memory_limit in bytes (current_setting prints
        it as '7.4 GiB', '476.8 MiB', ...) -#}
    {%- set largest = run_query(
        "with widths as (select table_name, sum(case"
        ~ " when data_type in ('BOOLEAN', 'TINYINT', 'UTINYINT') then 1"
        ~ " when data_type in ('SMALLINT', 'USMALLINT') then 2"
        ~ " when data_type in ('INTEGER', 'UINTEGER', 'DATE', 'FLOAT') then 4"
        ~ " when data_type in ('BIGINT', 'UBIGINT', 'DOUBLE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE') then 8"
        ~ " else 16 end) as row_bytes"
        ~ " from duckdb_columns() where database_name = '" ~ this.database ~ "' and schema_name = '" ~ this.schema ~ "'"
        ~ " group by table_name),"
        ~ " sizes as (select table_name, estimated_size as row_count from duckdb_tables()"
        ~ " where database_name = '" ~ this.database ~ "' and schema_name = '" ~ this.schema ~ "'"
        ~ " and table_name = 'int_factor_values'"
        ~ " union all select 'int_factor_cells_accepted', coalesce(sum(n_values), 0)"
        ~ " from " ~ this.incorporate(path={'identifier': 'int_input_period_digests'}) ~ ")"
        ~ " select sizes.table_name, sizes.row_count, widths.row_bytes,"
        ~ " cast(regexp_extract(current_setting('memory_limit'), '^[0-9.]+') as double)"
        ~ " * 1024 ^ coalesce(list_position(['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'],"
        ~ " regexp_extract(current_setting('memory_limit'), '[A-Za-z]+$')), 0) as memory_limit_bytes"
        ~ " from sizes inner join widths using (table_name)"
        ~ " where sizes.table_name <> '" ~ this.identifier ~ "'"
        ~ " order by sizes.row_count desc, sizes.table_name limit 1") -%}
    {%- if largest.rows | length == 0 -%}
        {{ return([none]) }}
    {%- endif -%}
    {%- set table_name, rows, row_bytes, memory_limit_bytes = largest.rows[0] -%}
    {%- if memory_limit_bytes is none -%}
        {{ exceptions.raise_compiler_error("factor batches: cannot read DuckDB's memory_limit as bytes from current_setting('memory_limit')") }}
    {%- endif -%}
    {#- at most values_per_batch rows of the model's work a batch, and a batch in at most half of memory_limit -#}
    {%- set work_rows = (rows | int * (config.get('rows_per_value') or 1) | int * share) | round(0, 'ceil') | int -%}
    {%- set batch_count = [
        (work_rows + values_per_batch - 1) // values_per_batch,
        (work_rows * row_bytes * 2 / memory_limit_bytes) | round(0, 'ceil') | int
    ] | max -%}
    {%- if batch_count <= 1 -%}
        {{ return([none]) }}
    {%- endif -%}
    {#- the factor keys: the input's declared factors (not a scan of the input), or int_factor_values' -#}
    {%- set keys_sql = "select distinct factor_key from " ~ this.incorporate(path={'identifier': 'int_declared_factors'})
        ~ " where column_number is not null" if table_name == 'int_factor_cells_accepted'
        else "select distinct factor_key from " ~ this.incorporate(path={'identifier': table_name}) -%}
    {%- set factors = run_query('select cast(factor_key as varchar) as factor_key, factor_key as key from (' ~ keys_sql
        ~ ') where factor_key is not null order by key').columns[0].values() -%}
    {%- set factor_count = factors | length -%}
    {%- set batch_count = [batch_count, factor_count] | min -%}
    {%- set batches = [] -%}
    {%- for batch in range(batch_count) -%}
        {%- do batches.append(factors[batch * factor_count // batch_count:(batch + 1) * factor_count // batch_count] | list) -%}
    {%- endfor -%}
    {{ return(batches) }}
{%- endmacro %}
