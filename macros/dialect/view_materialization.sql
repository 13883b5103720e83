{#
  The view materialization on DuckDB: the view dropped and created again in one statement, in the
  model's transaction. dbt's default creates the view under another name, renames the old one away
  and the new one in place, then drops the old: three adapter calls more, each of which builds dbt's
  context of every macro, for each of the ~25 views a build re-creates (DuckDB views bind at query
  time, so no view depends on another's identity). Spark keeps its own (create or replace view).
#}
{% materialization view, adapter='duckdb' %}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- if existing_relation is not none and not existing_relation.is_view -%}
        {{ adapter.drop_relation(existing_relation) }}
    {%- endif -%}
    {%- call statement('main') -%}
        drop view if exists {{ target_relation }};
        {{ get_create_view_as_sql(target_relation, sql) }}
    {%- endcall -%}
    {%- do persist_docs(target_relation, model) -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
