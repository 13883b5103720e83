{#
  Factor batches: a model whose work is independent per factor (ranks, breakpoints, portfolio
  means, rank ICs, turnover) is built a group of factors at a time, so that a research-size panel
  is never sorted or held in one pass. Contract: the model sets
  config(materialized='factor_batched_table'), reads no ephemeral model, and puts
  factor_batch_filter('factor') in the where clause of each import CTE that reads factor rows.
  The filter is `true` when the model is compiled on its own (dbt compile, unit tests) or built in
  one pass; the materialization renders the model once per batch, the filter then being
  `factor in (<the batch's factors>)`, applied inside DuckDB's table scan. The batch count is the
  rows of the larger of int_factor_cells_checked and factor_values (the model itself aside) over
  the var values_per_batch (over the model's config rows_per_value, the rows its work holds per
  value: factor_ic's pairs, one per horizon), rounded up; that table's factors are dealt round-robin in name order,
  and the last batch takes every factor not in another batch (a user factor).
#}

{% macro factor_batch_filter(column) -%}
    {%- if 'factor_batch' in model -%}
        {{ column }} {{ model.factor_batch }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- the model's SQL for batch number `batch` of `batches` (lists of factor names; [none]: one pass) -#}
{% macro factor_batch_sql(batch, batches) -%}
    {%- if batches | length == 1 -%}
        {{ return(compiled_code) }}
    {%- endif -%}
    {%- if batch < batches | length - 1 -%}
        {%- set test = 'in (' ~ factor_literals(batches[batch]) ~ ')' -%}
    {%- else -%}
        {%- set test = 'not in (' ~ factor_literals(batches[:-1] | sum(start=[])) ~ ')' -%}
    {%- endif -%}
    {#- render() renders in this context: factor_batch_filter reads the predicate from model -#}
    {%- do model.update({'factor_batch': test ~ ' /* factor batch ' ~ (batch + 1) ~ ' of ' ~ batches | length ~ ' */'}) -%}
    {%- set sql = render(model.raw_code) -%}
    {%- if sql == compiled_code -%}
        {{ exceptions.raise_compiler_error(
            "model " ~ model.name ~ " is materialized as factor_batched_table but its SQL has no "
            ~ "factor_batch_filter(...): put {{ factor_batch_filter('factor') }} in the where "
            ~ "clause of the import CTE that reads the factor rows") }}
    {%- endif -%}
    {{ return(sql) }}
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
    {#- the larger of the two tables of every factor's values, other than the model itself;
        estimated_size is DuckDB's row count estimate: no scan -#}
    {%- set largest = run_query(
        "select table_name, estimated_size from duckdb_tables() where database_name = '" ~ this.database
        ~ "' and schema_name = '" ~ this.schema ~ "' and table_name in ('int_factor_cells_checked', 'factor_values')"
        ~ " and table_name <> '" ~ this.identifier ~ "' order by estimated_size desc, table_name limit 1") -%}
    {%- if largest.rows | length == 0 -%}
        {{ return([none]) }}
    {%- endif -%}
    {%- set values_per_batch = [values_per_batch // (config.get('rows_per_value') or 1) | int, 1] | max -%}
    {%- set batch_count = ((largest.rows[0][1] | int + values_per_batch - 1) // values_per_batch) | int -%}
    {%- if batch_count <= 1 -%}
        {{ return([none]) }}
    {%- endif -%}
    {%- set factors = run_query('select distinct factor from ' ~ this.incorporate(path={'identifier': largest.rows[0][0]})
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
        {{ create_table_as(False, intermediate_relation, factor_batch_sql(0, batches)) }}
    {%- endcall %}
    {% for batch in range(1, batches | length) %}
        {% call statement('factor_batch_' ~ batch) -%}
            insert into {{ intermediate_relation }}
            {{ factor_batch_sql(batch, batches) }}
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
