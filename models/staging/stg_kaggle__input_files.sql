with source as (

    select * from {{ source('kaggle', 'input_files') }}

),

renamed as (

    select
        source_file,
        cast(fiscal_year as integer) as fiscal_year,
        status,
        reason,
        cast(missing_markers as integer) as missing_markers
    from source

)

select * from renamed
