{{ config(enabled=not panel_is_configured()) }}
-- The Kaggle files' data lines in the stock-period contract every source fills
-- (models/staging/_staging__docs.md): fiscal year Y is the period Y-12-31.
with source as (

    select * from {{ source('kaggle', 'financial_rows') }}

),

renamed as (

    select
        source_file,
        cast(line_number as integer) as line_number,
        ticker as stock_id,
        make_date(cast(fiscal_year as integer), 12, 31) as period,
        cast(fiscal_year as varchar) as period_text,
        cast(fiscal_year as varchar) as period_label,
        'yearly' as frequency,
        cast(fiscal_year as integer) as fiscal_year,
        sector,
        'PRICE VAR' as return_column,
        price_var_text as return_text,
        {{ parse_number('price_var_text') }} as return_pct,
        1 as distinct_return_count,
        class_text,
        {{ parse_number('class_text') }} as class_value
    from source

)

select * from renamed
