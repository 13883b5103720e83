{#- Aggregate: a map of `key` to `value` (SQL expressions), its entries ordered by `order_by`. -#}
{% macro ordered_map_agg(key, value, order_by) -%}
    {{ return(adapter.dispatch('ordered_map_agg')(key, value, order_by)) }}
{%- endmacro %}

{% macro duckdb__ordered_map_agg(key, value, order_by) -%}
    map(list({{ key }} order by {{ order_by }}), list({{ value }} order by {{ order_by }}))
{%- endmacro %}

{% macro spark__ordered_map_agg(key, value, order_by) -%}
    map_from_entries(transform(array_sort(collect_list(named_struct('order_key', {{ order_by }},
        'entry', named_struct('key', {{ key }}, 'value', {{ value }})))), item -> item.entry))
{%- endmacro %}
