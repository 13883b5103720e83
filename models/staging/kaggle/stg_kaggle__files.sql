{{ config(enabled=input_source() == 'kaggle') }}
-- Every entry of the input directory in the files contract: read or ignored and why, and for a file
-- read, its missing markers and the header cells whose spaces were trimmed.
with source as (

    select * from {{ source('kaggle', 'input_files') }}

),

file_columns as (

    select * from {{ ref('stg_kaggle__columns') }}

),

trimmed_headers as (

    select
        source_file,
        list(column_name_as_written order by column_number) as trimmed_headers
    from file_columns
    where column_name != column_name_as_written
    group by source_file

),

renamed as (

    select
        source.source_file,
        source.status,
        source.reason,
        cast(source.missing_markers as integer) as missing_markers,
        trimmed_headers.trimmed_headers
    from source
    left join trimmed_headers
        on source.source_file = trimmed_headers.source_file

)

select * from renamed
