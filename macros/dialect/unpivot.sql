{#- The rows of the relation named `relation` unpivoted: the columns `kept` (select-list SQL) kept,
    one row per field of `fields` ({name: SQL expression}) that is not null, the name (a text) in
    name_column and the value in value_column. columnar: the relation reads each column on its own
    (Parquet); DuckDB then reads each field in a branch of its own, so that a filter on the name (a
    factor batch) leaves only its branches and reads only their columns (the relation must be a
    CTE not materialized). -#}
{% macro unpivot_columns(relation, kept, fields, name_column, value_column, columnar=false) -%}
    {{ return(adapter.dispatch('unpivot_columns')(relation, kept, fields, name_column, value_column, columnar)) }}
{%- endmacro %}

{% macro duckdb__unpivot_columns(relation, kept, fields, name_column, value_column, columnar) -%}
    {%- if columnar -%}
    select * from (
        {%- for name, field in fields.items() %}
        select
            {{ kept | indent(12) }},
            {{ text_literal(name) }} as {{ name_column }},
            {{ field | indent(12) }} as {{ value_column }}
        from {{ relation }}
        {{- '\n        union all' if not loop.last }}
        {%- endfor %}
    )
    where {{ value_column }} is not null
    {%- else -%}
    unpivot (
        {{ unpivot_wide_select(relation, kept, fields) | indent(8) }}
    )
    on
        {%- for name in fields %}
        __unpivot_{{ loop.index }} as {{ text_literal(name) }}
            {{- ',' if not loop.last }}
        {%- endfor %}
    into name {{ name_column }} value {{ value_column }}
    {%- endif %}
{%- endmacro %}

{#- Spark names each unpivoted row by an alias identifier; the value is the alias' text -#}
{% macro spark__unpivot_columns(relation, kept, fields, name_column, value_column, columnar) -%}
    select * from (
        {{ unpivot_wide_select(relation, kept, fields) | indent(8) }}
    )
    unpivot ({{ value_column }} for {{ name_column }} in (
        {%- for name in fields %}
        __unpivot_{{ loop.index }} as {{ quoted_identifier(name) }}
            {{- ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}

{#- the kept columns and each field as __unpivot_<its position> -#}
{% macro unpivot_wide_select(relation, kept, fields) -%}
select
    {{ kept | indent(4) }},
    {%- for field in fields.values() %}
    {{ field | indent(4) }} as __unpivot_{{ loop.index }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ relation }}
{%- endmacro %}

{#- The rows of the relation named `relation` unpivoted on every column but `kept` (SQL identifiers),
    one row per non-null one, named by its column name; Spark needs them listed: `columns`. -#}
{% macro unpivot_other_columns(relation, kept, columns, name_column, value_column) -%}
    {{ return(adapter.dispatch('unpivot_other_columns')(relation, kept, columns, name_column, value_column)) }}
{%- endmacro %}

{% macro duckdb__unpivot_other_columns(relation, kept, columns, name_column, value_column) -%}
    unpivot {{ relation }}
    on columns(* exclude ({{ kept | join(', ') }}))
    into name {{ name_column }} value {{ value_column }}
{%- endmacro %}

{% macro spark__unpivot_other_columns(relation, kept, columns, name_column, value_column) -%}
    {%- set fields = {} -%}
    {%- for column in columns -%}
        {%- do fields.update({column: quoted_identifier(column)}) -%}
    {%- endfor -%}
    {{ spark__unpivot_columns(relation, kept | join(', '), fields, name_column, value_column, false) }}
{%- endmacro %}
