{#- Aggregate: an array of structs {name: expression} ({field name: SQL expression}, in order),
    ordered by `order_by`. -#}
{% macro struct_array_agg(fields, order_by) -%}
    {{ return(adapter.dispatch('struct_array_agg')(fields, order_by)) }}
{%- endmacro %}

{% macro duckdb__struct_array_agg(fields, order_by) -%}
    list({
        {%- for name, expression in fields.items() -%}
        '{{ name }}': {{ expression }}{{ ', ' if not loop.last }}
        {%- endfor -%}
    } order by {{ order_by }})
{%- endmacro %}

{% macro spark__struct_array_agg(fields, order_by) -%}
    transform(array_sort(collect_list(named_struct('order_key', {{ order_by }}, 'item', named_struct(
        {%- for name, expression in fields.items() -%}
        '{{ name }}', {{ expression }}{{ ', ' if not loop.last }}
        {%- endfor -%}
    )))), entry -> entry.item)
{%- endmacro %}
