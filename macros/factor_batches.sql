{#
  Factor batches: the models whose work is independent per factor (ranks within a factor's
  period, breakpoints, portfolio means, rank ICs, turnover) can be built a group of factors at
  a time, so that a research-size panel (hundreds of millions of values) never has to be
  sorted or held in one pass. Every factor's rows land in exactly one batch: the batch of a
  factor is hash(factor) modulo the batch count.

  A model opts in with config(materialized='factor_batched_table') and puts
  factor_batch_filter('factor') in the where clause of the import CTE that reads the big
  input. Compiled on its own (dbt compile, unit tests, docs) the filter keeps every row; the
  materialization replaces it batch by batch.

  The batch count is the row count of the largest table upstream of the model (DuckDB's estimate, no scan) divided
  by the dbt var values_per_batch, rounded up; 1 (a single pass, the SQL as compiled) when the
  inputs are small, as the Kaggle files are.
#}

{% macro factor_batch_filter(column) -%}
    hash({{ column }}) % 1 = 0 /* factor batch */
{%- endmacro %}

{% macro factor_batch_sql(compiled_code, batch, batch_count) -%}
    {%- set marker = '% 1 = 0 /* factor batch */' -%}
    {%- if marker not in sql -%}
        {{ exceptions.raise_compiler_error(
            "model " ~ model.name ~ " is materialized as factor_batched_table but its SQL has no "
            ~ "factor_batch_filter(...): put {{ factor_batch_filter('factor') }} in the where "
            ~ "clause of the import CTE that reads the factor rows") }}
    {%- endif -%}
    {{ sql.replace(marker, '% ' ~ batch_count ~ ' = ' ~ batch ~ ' /* factor batch ' ~ (batch + 1) ~ ' of ' ~ batch_count ~ ' */') }}
{%- endmacro %}

{% macro factor_batch_count() -%}
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
        {{ return(1) }}
    {%- endif -%}
    {%- set query -%}
        select coalesce(max(estimated_size), 0)
        from duckdb_tables()
        where database_name = '{{ this.database }}'
            and schema_name = '{{ this.schema }}'
            and table_name in ('{{ upstream_names | join("', '") }}')
    {%- endset -%}
    {%- set largest = run_query(query).columns[0].values()[0] | int -%}
    {{ return([1, ((largest + values_per_batch - 1) // values_per_batch) | int] | max) }}
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

    {%- set batch_count = factor_batch_count() -%}
    {% call statement('main') -%}
        {{ create_table_as(False, intermediate_relation, factor_batch_sql(compiled_code, 0, batch_count)) }}
    {%- endcall %}
    {% for batch in range(1, batch_count) %}
        {% call statement('factor_batch_' ~ batch) -%}
            insert into {{ intermediate_relation }}
            {{ factor_batch_sql(compiled_code, batch, batch_count) }}
        {%- endcall %}
    {% endfor %}
    {% if batch_count > 1 %}
        {% do log(model.name ~ ': built in ' ~ batch_count ~ ' factor batches', info=True) %}
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
