{{ config(enabled=not panel_is_configured()) }}
with source as (

    select * from {{ source('kaggle', 'input_files') }}

),

renamed as (

    select
        source_file,
        status,
        reason,
        cast(missing_markers as integer) as missing_markers
    from source

)

select * from renamed
