-- One row saying where the data of this build came from (stg_input__build_facts); the files, years
-- and settings are in the tables themselves (input_files, periods, stock_periods.alpha_method, ...).
-- kaggle_dir is null for the demo data, panel_path null for the Kaggle files.
with input_facts as (

    select * from {{ ref('stg_input__build_facts') }}

),

final as (

    select
        data_source,
        kaggle_dir,
        panel_path,
        current_timestamp as built_at
    from input_facts

)

select * from final
