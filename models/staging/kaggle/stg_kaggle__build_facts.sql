{{ config(enabled=input_source() == 'kaggle') }}
-- The Kaggle files' row of the build_facts contract: the demo data or the directory of the dbt var
-- kaggle_dir, and the words their messages use. An empty kaggle_dir is refused when dbt parses the
-- project, in the words of the plugin's own check (factor_warehouse.sources.kaggle.check_kaggle_dir).
{%- set kaggle_dir = var('kaggle_dir') | string | trim %}
{%- if kaggle_dir == '' %}
    {{ exceptions.raise_compiler_error(
        "the dbt var kaggle_dir is empty: give the directory of the Kaggle files ({YEAR}_Financial_Data.csv[.zip]), "
        ~ "or demo for the demo data, e.g. --vars '{kaggle_dir: /path/to/kaggle/files}' or --vars '{kaggle_dir: demo}'") }}
{%- endif %}

select
    {% if kaggle_dir == 'demo' -%}
    'demo data' as data_source,
    cast(null as varchar) as kaggle_dir,
    {%- else -%}
    'Kaggle files' as data_source,
    '{{ kaggle_dir | replace("'", "''") }}' as kaggle_dir,
    {%- endif %}
    cast(null as varchar) as panel_path,
    'ticker' as stock_word,
    'fiscal year' as period_word,
    'data/seeds/benchmark_returns.csv: add the S&P 500 price return (percent) of the year after it as its return_year,'
        as missing_benchmark_advice
