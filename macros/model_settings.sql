{#
  Table model_settings: which dbt var values built which table, one row per (model, var): the
  value as JSON text (null for a var left null), read_directly and built_at (the start, UTC, of
  the dbt run that built the model). The on-run-end hook (dbt_project.yml) calls
  record_model_settings(results) after every dbt command and replaces the rows of each model that
  command built, touching no other, so the table stays true after a partial rebuild.
    read_directly true   the model's SQL reads the var, or a project macro it calls does; for a
                         Python model, a config key its code reads (dbt's config_keys_used)
    read_directly false  the var shaped a table the model reads (under views and ephemeral models
                         too): its values are copied from that table's rows, one row per value
  Rows of models no longer in the project are removed. Not followed: a source's config (kaggle_dir
  reaches only build_facts) and a materialization's vars (values_per_batch: how a table is built,
  not what it holds). The writing is per adapter (macros/dialect/model_settings_write.sql).
#}

{% macro record_model_settings(results) -%}
    {%- if not execute -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set built = [] -%}
    {%- for result in results
          if result.node.resource_type == 'model' and result.status == 'success' and result.node.unique_id in graph.nodes -%}
        {%- do built.append(graph.nodes[result.node.unique_id]) -%}
    {%- endfor -%}
    {%- if not built -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set relation = api.Relation.create(schema=target.schema, identifier='model_settings', type='table') -%}
    {%- set project_models = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
                               | map(attribute='name') | list -%}
    {%- set built_at = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {{- return(adapter.dispatch('model_settings_write')(relation, built, project_models, built_at)) -}}
{%- endmacro %}

{# {setting: value as JSON text} of what a model node reads itself: each var('name' ...) in its code
   or in a project macro it calls (followed through macros calling macros), with the var's current
   value; for a Python model, each config key its code reads (dbt's config_keys_used), with the value
   its YAML config gave it. #}
{% macro model_settings_read(node, memo=none) -%}
    {%- set var_pattern -%} (?<![A-Za-z0-9_])var[(][ \t\n]*['"]([A-Za-z_][A-Za-z0-9_]*)['"] {%- endset -%}
    {%- set texts = model_settings_texts(node, memo) -%}
    {%- set settings = {} -%}
    {%- for name in modules.re.findall(var_pattern | trim, texts | join('\n')) -%}
        {%- do settings.update({name: tojson(var(name), sort_keys=true)}) -%}
    {%- endfor -%}
    {%- for key in node.config.get('config_keys_used') or [] -%}
        {%- do settings.update({key: tojson(node.config.get(key), sort_keys=true)}) -%}
    {%- endfor -%}
    {{- return(settings) -}}
{%- endmacro %}

{# The texts of a model node's code and of every project macro it calls, followed through macros
   calling macros. `memo` (a dict, optional): each name's macro text and the names it calls, kept
   across the nodes of one caller. #}
{% macro model_settings_texts(node, memo=none) -%}
    {%- set call_pattern -%} ([A-Za-z_][A-Za-z0-9_]*)[ \t\n]*[(] {%- endset -%}
    {%- set memo = {} if memo is none else memo -%}
    {%- set texts = [node.raw_code] -%}
    {%- set frontier = modules.re.findall(call_pattern | trim, node.raw_code) -%}
    {%- set seen = [] -%}
    {%- for depth in range(50) if frontier -%}
        {%- set current = frontier[:] -%}
        {%- do frontier.clear() -%}
        {%- for name in current | unique if name not in seen -%}
            {%- do seen.append(name) -%}
            {%- if name not in memo -%}
                {%- set candidate = context.get(name) -%}
                {%- if candidate.macro is defined and candidate.macro.package_name == project_name -%}
                    {%- set text = candidate.macro.macro_sql -%}
                    {%- do memo.update({name: [text, modules.re.findall(call_pattern | trim, text)]}) -%}
                {%- else -%}
                    {%- do memo.update({name: none}) -%}
                {%- endif -%}
            {%- endif -%}
            {%- if memo[name] is not none -%}
                {%- do texts.append(memo[name][0]) -%}
                {%- do frontier.extend(memo[name][1]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{- return(texts) -}}
{%- endmacro %}

{# {'tables': [...], 'views': [...]}: the models whose tables the model node reads, directly or under
   views, and those views (with ephemeral models): read live, they pass on only what they read themselves. #}
{% macro model_settings_upstream(node) -%}
    {%- set found = {'tables': [], 'views': []} -%}
    {%- set frontier = node.depends_on.nodes | list -%}
    {%- for depth in range(50) if frontier -%}
        {%- set current = frontier[:] -%}
        {%- do frontier.clear() -%}
        {%- for parent_id in current if parent_id in graph.nodes -%}
            {%- set parent = graph.nodes[parent_id] -%}
            {%- set kind = 'views' if parent.config.materialized in ['view', 'ephemeral'] else 'tables' -%}
            {%- if parent.resource_type == 'model' and parent.name not in found[kind] -%}
                {%- do found[kind].append(parent.name) -%}
                {%- if kind == 'views' -%}
                    {%- do frontier.extend(parent.depends_on.nodes) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{- return(found) -}}
{%- endmacro %}

{# Texts as a comma-separated list of SQL string literals. #}
{% macro model_settings_literals(texts) -%}
    {%- for text in texts -%}
        {{ text_literal(text) }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
