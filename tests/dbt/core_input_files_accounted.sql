-- Every file listed as read in input_files has input rows under its name, and every input row
-- comes from a file listed as read: no file is read without being listed, and none is listed
-- as read and then lost. Returns the files that break this, with why.
with files_read as (

    select * from {{ ref('input_files') }}
    where status = 'read'

),

rows_per_file as (

    select
        source_file,
        count(*) as n_rows
    from {{ ref('stg_input__rows') }}
    group by source_file

),

checked as (

    select
        coalesce(files_read.source_file, rows_per_file.source_file) as source_file,
        rows_per_file.n_rows,
        case
            when files_read.source_file is null then 'rows from a file that input_files does not list as read'
            when rows_per_file.source_file is null then 'a file listed as read has no rows'
        end as failure
    from files_read
    full outer join rows_per_file
        on files_read.source_file = rows_per_file.source_file

),

final as (

    select * from checked
    where failure is not null

)

select * from final
