-- One row saying where the data of this build came from; the files, years and
-- settings are in the tables themselves (input_files, periods, stock_periods.alpha_method, ...).
-- kaggle_dir is 'demo' for the demo data. An empty value is refused here, when dbt parses the
-- project, so that no command runs on it (and by the kaggle source's plugin, in the same words:
-- factor_warehouse.sources.kaggle.check_kaggle_dir).
{%- set kaggle_dir = var('kaggle_dir') | string | trim %}
{%- if kaggle_dir == '' %}
    {{ exceptions.raise_compiler_error(
        "the dbt var kaggle_dir is empty: give the directory of the Kaggle files ({YEAR}_Financial_Data.csv[.zip]), "
        ~ "or demo for the demo data, e.g. --vars '{kaggle_dir: /path/to/kaggle/files}' or --vars '{kaggle_dir: demo}'") }}
{%- endif %}

with final as (

    select
        {% if panel_is_configured() -%}
        'panel' as data_source,
        cast(null as varchar) as kaggle_dir,
        {{ panel_literal(panel_setting('path')) }} as panel_path,
        {%- elif kaggle_dir == 'demo' -%}
        'demo data' as data_source,
        cast(null as varchar) as kaggle_dir,
        cast(null as varchar) as panel_path,
        {%- else -%}
        'Kaggle files' as data_source,
        '{{ kaggle_dir | replace("'", "''") }}' as kaggle_dir,
        cast(null as varchar) as panel_path,
        {%- endif %}
        current_timestamp as built_at

)

select * from final
