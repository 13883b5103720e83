{#
  The materializations period_table and factor_batched_table. DuckDB: incremental by period
  (macros/period_increments.sql), factor_batched_table in factor batches (macros/factor_batches.sql).
  Spark: the table is rebuilt in full on every run, in one pass, as a Parquet table; period_filter
  and factor_batch_filter render `true` there. Incremental by period on Spark is later work.
#}
{% materialization period_table, adapter='duckdb' %}
    {{ return(period_materialization(factor_batched=false)) }}
{% endmaterialization %}

{% materialization factor_batched_table, adapter='duckdb' %}
    {{ return(period_materialization(factor_batched=true)) }}
{% endmaterialization %}

{% materialization period_table, adapter='spark' %}
    {{ return(spark_full_table()) }}
{% endmaterialization %}

{% materialization factor_batched_table, adapter='spark' %}
    {{ return(spark_full_table()) }}
{% endmaterialization %}

{#- the Spark body of both: drop the table, create it from the model's SQL (the project's file_format, Parquet) -#}
{% macro spark_full_table() -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {{ run_hooks(pre_hooks) }}
    {%- if existing_relation is not none -%}
        {{ adapter.drop_relation(existing_relation) }}
    {%- endif -%}
    {%- call statement('main') -%}
        {{ create_table_as(False, target_relation, compiled_code) }}
    {%- endcall -%}
    {%- do persist_docs(target_relation, model) -%}
    {{ run_hooks(post_hooks) }}
    {{ return({'relations': [target_relation]}) }}
{%- endmacro %}
