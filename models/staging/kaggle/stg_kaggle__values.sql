{{ config(enabled=input_source() == 'kaggle') }}
-- The Kaggle files' indicator cells in the value contract every source fills
-- (models/staging/_staging__docs.md).
with source as (

    select * from {{ source('kaggle', 'financial_cells') }}

),

renamed as (

    select
        source_file,
        cast(line_number as integer) as line_number,
        ticker as stock_id,
        make_date(cast(fiscal_year as integer), 12, 31) as period,
        fiscal_year as source_period,
        cast(column_number as integer) as column_number,
        factor,
        cell_text,
        {{ parse_number('cell_text') }} as value
    from source

)

select * from renamed
