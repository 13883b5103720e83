-- Every entry of the input directory (or every file the panel path matches): read, or ignored
-- and why; for a Kaggle file read, how many fields held a missing marker such as N/A, and
-- which header cells had spaces trimmed.
with input_files as (

    select * from {{ ref('stg_input__files') }}

),

final as (

    select * from input_files

)

select * from final
