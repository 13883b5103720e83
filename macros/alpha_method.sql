{#
  How alpha is measured, from the dbt var alpha_method, validated in this one place:
    benchmark    minus the benchmark's return over the same span (Kaggle: the S&P 500 return of
                 the year after the fiscal year, seed benchmark_returns); the default for the Kaggle files
    market_mean  minus the period's equal-weighted mean return; the default for a panel
    sector_mean  minus the period's mean return of the stock's sector
  A panel has no benchmark series yet: benchmark is refused there with what to use instead.
#}
{% macro alpha_method() -%}
    {%- set methods = ['benchmark', 'market_mean', 'sector_mean'] -%}
    {%- set method = var('alpha_method', none) -%}
    {%- if method is none -%}
        {%- set method = 'market_mean' if panel_is_configured() else 'benchmark' -%}
    {%- endif -%}
    {%- if method not in methods -%}
        {{ exceptions.raise_compiler_error("dbt var alpha_method must be one of " ~ methods | join(', ')
            ~ "; got '" ~ method ~ "'") }}
    {%- endif -%}
    {%- if method == 'benchmark' and panel_is_configured() -%}
        {{ exceptions.raise_compiler_error("dbt var alpha_method benchmark: the panel has no benchmark series "
            ~ "(seed benchmark_returns holds the S&P 500's yearly returns for the Kaggle files); use market_mean "
            ~ "(the default for a panel) or sector_mean, or give the panel's return already in excess of a benchmark") }}
    {%- endif -%}
    {{- return(method) -}}
{%- endmacro %}
