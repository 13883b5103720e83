{#- The texts of `array`, sorted, each in single quotes, joined by ', ': 'a', 'b'. -#}
{% macro quoted_texts(array) -%}
    {{ return(adapter.dispatch('quoted_texts')(array)) }}
{%- endmacro %}

{% macro duckdb__quoted_texts(array) -%}
    array_to_string(list_transform(list_sort({{ array }}), spelling -> '''' || spelling || ''''), ', ')
{%- endmacro %}

{% macro spark__quoted_texts(array) -%}
    array_join(transform(array_sort({{ array }}), spelling -> '''' || spelling || ''''), ', ')
{%- endmacro %}
