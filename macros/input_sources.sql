{#
  The input formats the warehouse reads, keyed by source name, in the order they are tried: the
  first that is `chosen` is this build's input source. `missing_benchmark` is null when the source
  has a benchmark series, else what to do to give one (macro alpha_method). `adapters` (optional):
  the dbt adapters that can read it (absent or null: any; the Kaggle files are read by a dbt-duckdb
  plugin); another target refuses it at parse. A source fills the staging contract
  (models/staging/_staging__docs.md) with one model per role, named stg_<source>__<role> in
  models/staging/<source>/, each starting with {{ config(enabled=input_source() == '<source>') }}.
  Only the contract views models/staging/stg_input__<role>.sql call input_model; everything above
  staging refs those views and never asks which source is configured. `source_period_test`
  (optional; absent: no test): the macro (column, periods) that bounds the values' source_period
  for a list of periods (macro input_source_period_test).
#}
{% macro input_sources() -%}
    {%- set panel = var('panel') or {} -%}
    {{- return({
        'panel': {
            'chosen': panel.get('path') is not none,
            'missing_benchmark': none if panel.get('benchmark_path') is not none
                else 'the panel has no benchmark series; name a CSV of period,return in the dbt var panel.benchmark_path',
            'adapters': none,
            'source_period_test': panel_source_period_test,
        },
        'kaggle': {'chosen': true, 'missing_benchmark': none, 'adapters': ['duckdb'],
                   'source_period_test': kaggle_source_period_test},
    }) -}}
{%- endmacro %}

{% macro input_source() -%}
    {%- for name, source in input_sources().items() if source['chosen'] -%}
        {%- if source.get('adapters') is not none and target.type not in source['adapters'] -%}
            {{ exceptions.raise_compiler_error("the " ~ target.name ~ " target (" ~ target.type ~ ") cannot read the "
                ~ name ~ " input: only " ~ source['adapters'] | join(', ') ~ " can"
                ~ (" (the Kaggle files are read by a dbt-duckdb plugin). Convert them to a Parquet panel and "
                   ~ "name it in the dbt var panel (README \"A stock panel\"), or build on the DuckDB target (the default)"
                   if name == 'kaggle' else "")) }}
        {%- endif -%}
        {{- return(name) -}}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no input source is configured: see macros/input_sources.sql") }}
{%- endmacro %}

{#- The staging model of the active source that fills `role` of the contract. -#}
{% macro input_model(role) -%}
    {%- set roles = ['rows', 'values', 'value_digests', 'columns', 'files', 'benchmark_returns', 'build_facts'] -%}
    {%- if role not in roles -%}
        {{ exceptions.raise_compiler_error("input_model: unknown role '" ~ role ~ "'; the roles are " ~ roles | join(', ')) }}
    {%- endif -%}
    {{- return(ref('stg_' ~ input_source() ~ '__' ~ role)) -}}
{%- endmacro %}

{#- SQL: a test on the input values' column source_period (the period as the file writes it) that
    every value of the periods `periods` passes ('yyyy-mm-dd' texts, none for the null period), and
    that an engine checks against a file's block statistics, so that a scan for a few periods skips
    the blocks of the others; values of other periods may pass too (a filter on period follows). -#}
{% macro input_source_period_test(column, periods) -%}
    {%- set bounds = input_sources()[input_source()].get('source_period_test') -%}
    {{- bounds(column, periods) if bounds is not none else 'true' -}}
{%- endmacro %}
