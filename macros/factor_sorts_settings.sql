{#
  Settings of the factor sorts (models/intermediate/factor_sorts, models/marts/factor_sorts),
  read from dbt vars in this one place and validated:
    portfolio_count  J >= 2 portfolios per sort (default 2: the article's median split)
    sort_grouping    'period' (default) or 'sector': within what ranks, breakpoints and
                     portfolios are computed; 'sector' means within (period, sector).
#}
{% macro factor_sorts_portfolio_count() -%}
    {%- set raw = var('portfolio_count') -%}
    {%- set text = raw | string | trim -%}
    {%- if not text.isdigit() or (text | int) < 2 -%}
        {{ exceptions.raise_compiler_error(
            "dbt var portfolio_count must be an integer >= 2 (got '" ~ raw ~ "'); "
            ~ "set it with --vars '{portfolio_count: 5}' or in dbt_project.yml vars") }}
    {%- endif -%}
    {{- text | int -}}
{%- endmacro %}

{% macro factor_sorts_grouping() -%}
    {%- set grouping = var('sort_grouping') | string | trim | lower -%}
    {%- if grouping not in ['period', 'sector'] -%}
        {{ exceptions.raise_compiler_error(
            "dbt var sort_grouping must be 'period' or 'sector' (got '"
            ~ var('sort_grouping') ~ "'); set it with --vars '{sort_grouping: sector}'") }}
    {%- endif -%}
    {{- grouping -}}
{%- endmacro %}

{# SQL expression of the group a stock is sorted in within its period: one group
   ('all stocks') or its sector; a stock without a sector forms the group '(no sector)'. #}
{% macro factor_sorts_sort_group(sector_column) -%}
    {%- if factor_sorts_grouping() == 'sector' -%}
        coalesce({{ sector_column }}, '(no sector)')
    {%- else -%}
        'all stocks'
    {%- endif -%}
{%- endmacro %}

{# The constant list of quantile levels 0/J, 1/J, ..., J/J for quantile_cont: element k + 1
   is the k/J quantile, so the interior elements are the J - 1 breakpoints and the two ends
   are the minimum and the maximum. #}
{% macro factor_sorts_quantile_levels() -%}
    {%- set portfolio_count = factor_sorts_portfolio_count() | int -%}
    [{% for k in range(portfolio_count + 1) %}{{ k / portfolio_count }}{{ ', ' if not loop.last }}{% endfor %}]
{%- endmacro %}
