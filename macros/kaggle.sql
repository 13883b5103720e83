{#- The Kaggle source's input_source_period_test: source_period is the fiscal year of the value's
    file, so the periods' years bound it (the null period: no test). -#}
{% macro kaggle_source_period_test(column, periods) -%}
    {%- set years = [] -%}
    {%- for period in periods if period is not none -%}
        {%- do years.append(period[:4] | int) -%}
    {%- endfor -%}
    {%- if none in periods or not years -%}
        true
    {%- else -%}
        ({{ column }} between {{ years | min }} and {{ years | max }})
    {%- endif -%}
{%- endmacro %}
