-- Every entry of the input directory: read, or ignored and why; for a file read, how many
-- fields held a missing marker such as N/A, and which header cells had spaces trimmed.
with input_files as (

    select * from {{ ref('stg_kaggle__input_files') }}

),

file_columns as (

    select * from {{ ref('stg_kaggle__financial_columns') }}

),

trimmed_headers as (

    select
        source_file,
        list(column_name_as_written order by column_number) as trimmed_headers
    from file_columns
    where column_name != column_name_as_written
    group by source_file

),

final as (

    select
        input_files.source_file,
        input_files.fiscal_year,
        input_files.status,
        input_files.reason,
        input_files.missing_markers,
        trimmed_headers.trimmed_headers
    from input_files
    left join trimmed_headers
        on input_files.source_file = trimmed_headers.source_file

)

select * from final
