-- One row describing the build that produced this warehouse: where the data came
-- from and the settings every other table was computed with.
with stock_years as (

    select * from {{ ref('stock_years') }}

),

input_files as (

    select
        string_agg(distinct source_file, ', ' order by source_file) as input_files,
        string_agg(distinct cast(fiscal_year as varchar), ', ' order by cast(fiscal_year as varchar))
            as fiscal_years
    from stock_years

),

final as (

    select
        {% if var('kaggle_dir') == '' -%}
        'demo data' as data_source,
        {%- else -%}
        'Kaggle files in ' || '{{ var("kaggle_dir") | replace("'", "''") }}' as data_source,
        {%- endif %}
        input_files.input_files,
        input_files.fiscal_years,
        '{{ var("alpha_method") }}' as alpha_method,
        current_timestamp as built_at
    from input_files

)

select * from final
