with source as (

    select * from {{ source('kaggle', 'financial_rows') }}

),

renamed as (

    select
        source_file,
        cast(fiscal_year as integer) as fiscal_year,
        cast(fiscal_year as integer) + 1 as return_year,
        cast(line_number as integer) as line_number,
        ticker,
        sector,
        price_var_text,
        {{ parse_number('price_var_text') }} as price_var_pct,
        class_text,
        {{ parse_number('class_text') }} as class_value
    from source

)

select * from renamed
