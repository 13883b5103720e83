{#
  Factor batches: the models whose work is independent per factor (ranks within a factor's
  period, breakpoints, portfolio means, rank ICs, turnover) can be built a group of factors at
  a time, so that a research-size panel (hundreds of millions of values) never has to be
  sorted or held in one pass.

  A model opts in with config(materialized='factor_batched_table') and puts
  factor_batch_filter('factor') in the where clause of each import CTE that reads factor rows.
  Compiled on its own (dbt compile, unit tests, docs) the filter keeps every row; the
  materialization replaces it batch by batch with `factor in (<the batch's factors>)`, a
  filter DuckDB applies inside the table scan (a computed key such as hash(factor) would cost
  a pass over every row per batch). The factors are those of the largest table upstream, taken
  in name order and dealt round-robin; the last batch takes every factor not in another batch,
  so a factor that table lacks (a user factor) is built too, and every factor lands in exactly
  one batch.

  The batch count is that table's row count (DuckDB's estimate, no scan) divided by the dbt var
  values_per_batch, rounded up, and at most its number of factors; 1 (a single pass, the SQL as
  compiled) when the inputs are small, as the Kaggle files are.
#}

{% macro factor_batch_filter(column) -%}
    true /* factor batch: {{ column }} */
{%- endmacro %}

{% macro factor_batch_sql(sql, batch, batches) -%}
    {%- set columns = modules.re.findall('true /\\* factor batch: (.+?) \\*/', sql) | unique | list -%}
    {%- if not columns -%}
        {{ exceptions.raise_compiler_error(
            "model " ~ model.name ~ " is materialized as factor_batched_table but its SQL has no "
            ~ "factor_batch_filter(...): put {{ factor_batch_filter('factor') }} in the where "
            ~ "clause of the import CTE that reads the factor rows") }}
    {%- endif -%}
    {%- if batches | length == 1 -%}
        {{ return(sql) }}
    {%- endif -%}
    {%- if batch < batches | length - 1 -%}
        {%- set test = 'in (' ~ factor_literals(batches[batch]) ~ ')' -%}
    {%- else -%}
        {%- set others = [] -%}
        {%- for names in batches[:-1] -%}
            {%- do others.extend(names) -%}
        {%- endfor -%}
        {%- set test = 'not in (' ~ factor_literals(others) ~ ')' -%}
    {%- endif -%}
    {%- set batched = namespace(sql=sql) -%}
    {%- for column in columns -%}
        {%- set batched.sql = batched.sql.replace(
            'true /* factor batch: ' ~ column ~ ' */',
            column ~ ' ' ~ test ~ ' /* factor batch ' ~ (batch + 1) ~ ' of ' ~ batches | length ~ ' */') -%}
    {%- endfor -%}
    {{ return(batched.sql) }}
{%- endmacro %}

{% macro factor_literals(names) -%}
    {%- for name in names -%}
        '{{ name | replace("'", "''") }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{% macro factor_batches() -%}
    {%- set values_per_batch = var('values_per_batch') | int -%}
    {%- if values_per_batch < 1 -%}
        {{ exceptions.raise_compiler_error("dbt var values_per_batch must be a positive integer (rows per factor batch), got " ~ var('values_per_batch')) }}
    {%- endif -%}
    {#- every table upstream of the model, however many views lie in between -#}
    {%- set upstream_names = [] -%}
    {%- set frontier = model.depends_on.nodes | list -%}
    {%- for depth in range(50) if frontier -%}
        {%- set current = frontier[:] -%}
        {%- do frontier.clear() -%}
        {%- for node_id in current if node_id in graph.nodes and graph.nodes[node_id].alias not in upstream_names -%}
            {%- do upstream_names.append(graph.nodes[node_id].alias) -%}
            {%- do frontier.extend(graph.nodes[node_id].depends_on.nodes) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not upstream_names -%}
        {{ return([none]) }}
    {%- endif -%}
    {%- set query -%}
        select tables.table_name, tables.estimated_size
        from duckdb_tables() as tables
        inner join duckdb_columns() as columns
            on tables.database_name = columns.database_name
            and tables.schema_name = columns.schema_name
            and tables.table_name = columns.table_name
        where tables.database_name = '{{ this.database }}'
            and tables.schema_name = '{{ this.schema }}'
            and tables.table_name in ('{{ upstream_names | join("', '") }}')
            and columns.column_name = 'factor'
        order by tables.estimated_size desc, tables.table_name
        limit 1
    {%- endset -%}
    {%- set largest = run_query(query) -%}
    {%- if largest.rows | length == 0 -%}
        {{ return([none]) }}
    {%- endif -%}
    {%- set rows = largest.rows[0][1] | int -%}
    {%- set batch_count = ((rows + values_per_batch - 1) // values_per_batch) | int -%}
    {%- if batch_count <= 1 -%}
        {{ return([none]) }}
    {%- endif -%}
    {%- set factors = run_query('select distinct factor from ' ~ adapter.quote(largest.rows[0][0])
        ~ ' where factor is not null order by factor').columns[0].values() -%}
    {%- set batch_count = [batch_count, factors | length] | min -%}
    {%- set batches = [] -%}
    {%- for batch in range(batch_count) -%}
        {%- do batches.append(factors[batch::batch_count] | list) -%}
    {%- endfor -%}
    {{ return(batches) }}
{%- endmacro %}

{% materialization factor_batched_table, adapter='duckdb' %}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(target_relation, 'table' if existing_relation is none else existing_relation.type) -%}
    {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- set batches = factor_batches() -%}
    {% call statement('main') -%}
        {{ create_table_as(False, intermediate_relation, factor_batch_sql(compiled_code, 0, batches)) }}
    {%- endcall %}
    {% for batch in range(1, batches | length) %}
        {% call statement('factor_batch_' ~ batch) -%}
            insert into {{ intermediate_relation }}
            {{ factor_batch_sql(compiled_code, batch, batches) }}
        {%- endcall %}
    {% endfor %}
    {% if batches | length > 1 %}
        {% do log(model.name ~ ': built in ' ~ batches | length ~ ' factor batches', info=True) %}
    {% endif %}

    {% if existing_relation is not none %}
        {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ drop_relation_if_exists(backup_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}
