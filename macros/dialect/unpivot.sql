{#- The rows of `relation` (a select statement) unpivoted: its other columns kept, one row per
    non-null column of `columns` ({column: the text naming it}), in name_column and value_column. -#}
{% macro unpivot_columns(relation, columns, name_column, value_column) -%}
    {{ return(adapter.dispatch('unpivot_columns')(relation, columns, name_column, value_column)) }}
{%- endmacro %}

{% macro duckdb__unpivot_columns(relation, columns, name_column, value_column) -%}
    unpivot (
        {{ relation | indent(8) }}
    )
    on
        {%- for column, name in columns.items() %}
        {{ quoted_identifier(column) }} as {{ text_literal(name) }}
            {{- ',' if not loop.last }}
        {%- endfor %}
    into name {{ name_column }} value {{ value_column }}
{%- endmacro %}

{#- Spark names each unpivoted row by an alias identifier; the value is the alias' text -#}
{% macro spark__unpivot_columns(relation, columns, name_column, value_column) -%}
    select * from (
        {{ relation | indent(8) }}
    )
    unpivot ({{ value_column }} for {{ name_column }} in (
        {%- for column, name in columns.items() %}
        {{ quoted_identifier(column) }} as {{ quoted_identifier(name) }}
            {{- ',' if not loop.last }}
        {%- endfor %}
    ))
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
    {%- set named = {} -%}
    {%- for column in columns -%}
        {%- do named.update({column: column}) -%}
    {%- endfor -%}
    {{ spark__unpivot_columns('select * from ' ~ relation, named, name_column, value_column) }}
{%- endmacro %}
