{#- The hint after `name as` that computes a CTE once, before the query reads it (DuckDB); Spark has
    none and plans the CTE where it is read. -#}
{% macro cte_materialized() -%}
    {{ return(adapter.dispatch('cte_materialized')()) }}
{%- endmacro %}

{% macro duckdb__cte_materialized() -%}
    materialized
{%- endmacro %}

{% macro spark__cte_materialized() -%}
{%- endmacro %}
