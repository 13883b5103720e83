with source as (

    select * from {{ source('kaggle', 'financial_cells') }}

),

renamed as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        cast(line_number as integer) as line_number,
        cast(column_number as integer) as column_number,
        factor,
        cell_text,
        {{ parse_number('cell_text') }} as value
    from source

)

select * from renamed
