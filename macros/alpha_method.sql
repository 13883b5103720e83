{#
  How alpha is measured, from the dbt var alpha_method, validated in this one place:
    benchmark    minus the benchmark's return over the same span (Kaggle: the S&P 500 return of
                 the year after the fiscal year, seed benchmark_returns; a panel: the series of
                 panel.benchmark_path); the default for the Kaggle files and for a panel with a benchmark
    market_mean  minus the period's equal-weighted mean return; the default for a panel without one
    sector_mean  minus the period's mean return of the stock's sector
  benchmark on a panel without panel.benchmark_path is refused with what to do instead.
#}
{% macro alpha_method() -%}
    {%- set methods = ['benchmark', 'market_mean', 'sector_mean'] -%}
    {%- set method = var('alpha_method') -%}
    {%- if method is none -%}
        {%- set has_benchmark = not panel_is_configured() or panel_setting('benchmark_path') is not none -%}
        {%- set method = 'benchmark' if has_benchmark else 'market_mean' -%}
    {%- endif -%}
    {%- if method not in methods -%}
        {{ exceptions.raise_compiler_error("dbt var alpha_method must be one of " ~ methods | join(', ')
            ~ "; got '" ~ method ~ "'") }}
    {%- endif -%}
    {%- if method == 'benchmark' and panel_is_configured() and panel_setting('benchmark_path') is none -%}
        {{ exceptions.raise_compiler_error("dbt var alpha_method benchmark: the panel has no benchmark series; "
            ~ "name a CSV of period,return in the dbt var panel.benchmark_path, or use market_mean "
            ~ "(the default for a panel) or sector_mean") }}
    {%- endif -%}
    {{- return(method) -}}
{%- endmacro %}
