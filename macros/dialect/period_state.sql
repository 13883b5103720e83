{#
  Table period_build_state (macros/period_increments.sql), created before any model runs
  (on-run-start: the models' threads would race). Spark keeps no state: its per-period tables are
  rebuilt in full on every run (macros/dialect/period_materialization.sql).
#}
{% macro period_state_create() -%}
    {{ return(adapter.dispatch('period_state_create')()) }}
{%- endmacro %}

{% macro duckdb__period_state_create() -%}
    create table if not exists {{ period_state_relation() }} (
        model varchar not null,
        settings_hash varchar not null,
        period date,
        period_index integer,
        digest ubigint not null,
        built_at timestamp not null
    )
{%- endmacro %}

{% macro spark__period_state_create() -%}
{%- endmacro %}
