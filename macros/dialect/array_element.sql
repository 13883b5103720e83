{#- Element `index` (1-based) of `array`: null when the array is null or shorter. -#}
{% macro array_element(array, index) -%}
    {{ return(adapter.dispatch('array_element')(array, index)) }}
{%- endmacro %}

{% macro duckdb__array_element(array, index) -%}
    {{ array }}[{{ index }}]
{%- endmacro %}

{% macro spark__array_element(array, index) -%}
    try_element_at({{ array }}, {{ index }})
{%- endmacro %}
