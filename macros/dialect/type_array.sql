{#- The type of an array of `element_type` (a type name both dialects know: double, bigint, date), for casts. -#}
{% macro type_array(element_type) -%}
    {{ return(adapter.dispatch('type_array')(element_type)) }}
{%- endmacro %}

{% macro duckdb__type_array(element_type) -%}
    {{ element_type }}[]
{%- endmacro %}

{% macro spark__type_array(element_type) -%}
    array<{{ element_type }}>
{%- endmacro %}
