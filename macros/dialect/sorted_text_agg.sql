{#- Aggregate: the texts of `expression` joined by `separator` (a Jinja string), ordered by
    `order_by` (a list of order items, 'expression' or 'numeric expression desc'; default: the
    texts), the first `limit` only if given; distinct=true keeps each text once, ordered by itself. -#}
{% macro sorted_text_agg(expression, separator, order_by=none, distinct=false, limit=none) -%}
    {{ return(adapter.dispatch('sorted_text_agg')(expression, separator, order_by or [expression], distinct, limit)) }}
{%- endmacro %}

{% macro duckdb__sorted_text_agg(expression, separator, order_by, distinct, limit) -%}
    {%- if limit is none -%}
        string_agg({{ 'distinct ' if distinct }}{{ expression }}, {{ text_literal(separator) }} order by {{ order_by | join(', ') }})
    {%- else -%}
        array_to_string(list({{ 'distinct ' if distinct }}{{ expression }} order by {{ order_by | join(', ') }})[1:{{ limit }}], {{ text_literal(separator) }})
    {%- endif -%}
{%- endmacro %}

{#- array_sort orders structs by their fields in turn: a desc item becomes its negation -#}
{% macro spark__sorted_text_agg(expression, separator, order_by, distinct, limit) -%}
    {%- if distinct -%}
        {%- set texts = 'array_sort(collect_set(' ~ expression ~ '))' -%}
    {%- else -%}
        {%- set keys = [] -%}
        {%- for item in order_by -%}
            {%- do keys.append("'key_" ~ loop.index ~ "', " ~ ('-(' ~ item[:-5] ~ ')' if item.endswith(' desc') else item)) -%}
        {%- endfor -%}
        {%- set texts = 'transform(array_sort(collect_list(named_struct(' ~ "'order_key', named_struct(" ~ keys | join(', ')
            ~ "), 'text', " ~ expression ~ '))), item -> item.text)' -%}
    {%- endif -%}
    array_join({{ texts if limit is none else 'slice(' ~ texts ~ ', 1, ' ~ limit ~ ')' }}, {{ text_literal(separator) }})
{%- endmacro %}
