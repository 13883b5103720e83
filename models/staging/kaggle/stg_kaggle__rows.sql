{{ config(enabled=input_source() == 'kaggle') }}
-- The Kaggle files' data lines in the stock-period contract every source fills
-- (models/staging/_staging__docs.md): fiscal year Y is the period Y-12-31. A sector must be
-- one of seed kaggle_sectors (sector_rejection_reason says what to do otherwise).
with source as (

    select * from {{ source('kaggle', 'financial_rows') }}

),

kaggle_sectors as (

    select * from {{ ref('kaggle_sectors') }}

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
        source.sector,
        case
            when source.sector is not null and kaggle_sectors.sector is null
                then 'unknown sector ''' || source.sector || ''': not one of the sectors of seed kaggle_sectors;'
                    || ' correct it in the file, or add it to data/seeds/kaggle_sectors.csv if it is a new sector'
        end as sector_rejection_reason,
        'PRICE VAR' as return_column,
        price_var_text as return_text,
        {{ parse_number('price_var_text') }} as return_pct,
        1 as distinct_return_count,
        class_text,
        {{ parse_number('class_text') }} as class_value
    from source
    left join kaggle_sectors
        on source.sector = kaggle_sectors.sector

)

select * from renamed
