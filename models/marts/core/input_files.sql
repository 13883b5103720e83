-- Every entry of the input directory (or every file the panel path matches): read, or ignored
-- and why; for a Kaggle file read, how many fields held a missing marker such as N/A, and
-- which header cells had spaces trimmed.
with input_files as (

    select * from {{ input_model('input_files') }}

),

{% if panel_is_configured() -%}
trimmed_headers as (

    select
        cast(null as varchar) as source_file,
        cast(null as varchar[]) as trimmed_headers

),
{%- else -%}
file_columns as (

    select * from {{ input_model('columns') }}

),

trimmed_headers as (

    select
        source_file,
        list(column_name_as_written order by column_number) as trimmed_headers
    from file_columns
    where column_name != column_name_as_written
    group by source_file

),
{%- endif %}

final as (

    select
        input_files.source_file,
        input_files.status,
        input_files.reason,
        input_files.missing_markers,
        trimmed_headers.trimmed_headers
    from input_files
    left join trimmed_headers
        on input_files.source_file = trimmed_headers.source_file

)

select * from final
