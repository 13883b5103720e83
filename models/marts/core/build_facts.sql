-- One row saying where the data of this build came from; the files, years and
-- settings are in the tables themselves (stock_years.source_file, .alpha_method, ...).
with final as (

    select
        {% if var('kaggle_dir') == '' -%}
        'demo data' as data_source,
        cast(null as varchar) as kaggle_dir,
        {%- else -%}
        'Kaggle files' as data_source,
        '{{ var("kaggle_dir") | replace("'", "''") }}' as kaggle_dir,
        {%- endif %}
        current_timestamp as built_at

)

select * from final
