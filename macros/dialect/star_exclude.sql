{#- In a select list: every column of the relation but `columns` (names). -#}
{% macro star_exclude(columns) -%}
    {{ return(adapter.dispatch('star_exclude')(columns)) }}
{%- endmacro %}

{% macro duckdb__star_exclude(columns) -%}
    * exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__star_exclude(columns) -%}
    * except ({{ columns | join(', ') }})
{%- endmacro %}
