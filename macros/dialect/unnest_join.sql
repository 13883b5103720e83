{#- In a from clause, after a relation: one row per element of its array `array`, the element as
    `alias`.`column` (a join to the relation's row). -#}
{% macro unnest_join(array, alias, column) -%}
    {{ return(adapter.dispatch('unnest_join')(array, alias, column)) }}
{%- endmacro %}

{% macro duckdb__unnest_join(array, alias, column) -%}
    cross join unnest({{ array }}) as {{ alias }} ({{ column }})
{%- endmacro %}

{% macro spark__unnest_join(array, alias, column) -%}
    lateral view explode({{ array }}) {{ alias }} as {{ column }}
{%- endmacro %}
