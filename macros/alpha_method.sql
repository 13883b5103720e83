{#
  How alpha is measured, from the dbt var alpha_method, validated in this one place:
    benchmark    minus the benchmark's return over the same span (Kaggle: the S&P 500 return of
                 the year after the fiscal year, seed benchmark_returns; a panel: the series of
                 panel.benchmark_path); the default for the Kaggle files and for a panel with a benchmark
    market_mean  minus the period's equal-weighted mean return; the default for an input without a benchmark
    sector_mean  minus the period's mean return of the stock's sector
  benchmark on an input without a benchmark (macro input_sources) is refused with what to do instead.
#}
{% macro alpha_method() -%}
    {%- set methods = ['benchmark', 'market_mean', 'sector_mean'] -%}
    {%- set method = var('alpha_method') -%}
    {%- set missing_benchmark = input_sources()[input_source()]['missing_benchmark'] -%}
    {%- if method is none -%}
        {%- set method = 'benchmark' if missing_benchmark is none else 'market_mean' -%}
    {%- endif -%}
    {%- if method not in methods -%}
        {{ exceptions.raise_compiler_error("dbt var alpha_method must be one of " ~ methods | join(', ')
            ~ "; got '" ~ method ~ "'") }}
    {%- endif -%}
    {%- if method == 'benchmark' and missing_benchmark is not none -%}
        {{ exceptions.raise_compiler_error("dbt var alpha_method benchmark: " ~ missing_benchmark
            ~ ", or use market_mean (the default without a benchmark) or sector_mean") }}
    {%- endif -%}
    {{- return(method) -}}
{%- endmacro %}
