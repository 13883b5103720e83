{{ config(enabled=input_source() == 'kaggle') }}
with source as (

    select * from {{ source('kaggle', 'financial_columns') }}

),

renamed as (

    select
        source_file,
        make_date(cast(fiscal_year as integer), 12, 31) as period,
        cast(column_number as integer) as column_number,
        column_name,
        column_name_as_written,
        column_role
    from source

)

select * from renamed
