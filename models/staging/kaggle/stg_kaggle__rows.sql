{{ config(enabled=input_source() == 'kaggle') }}
-- The Kaggle files' data lines in the stock-period contract every source fills
-- (models/staging/_staging__docs.md): fiscal year Y is the period Y-12-31. A sector must be
-- one of seed kaggle_sectors (sector_rejection_reason says what to do otherwise). Market equity
-- (value weights, size screens) is the row's Market Cap cell; the files have no exchange, price
-- or cost.
with source as (

    select * from {{ source('kaggle', 'financial_rows') }}

),

-- the parsed cell of the values view: a second reader of the plugin's source table would load it
-- twice, side by side
market_caps as (

    select source_file, line_number, cell_text, value
    from {{ ref('stg_kaggle__values') }}
    where factor = 'Market Cap'

),

kaggle_sectors as (

    select * from {{ ref('kaggle_sectors') }}

),

renamed as (

    select
        source.source_file,
        cast(source.line_number as integer) as line_number,
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
        {{ parse_number('class_text') }} as class_value,
        'Market Cap' as market_equity_column,
        market_caps.cell_text as market_equity_text,
        market_caps.value as market_equity,
        cast(null as varchar) as price_column,
        cast(null as varchar) as price_text,
        cast(null as double) as price,
        cast(null as varchar) as cost_column,
        cast(null as varchar) as cost_text,
        cast(null as double) as cost_pct,
        cast(null as varchar) as exchange,
        cast(null as boolean) as is_nyse
    from source
    left join kaggle_sectors
        on source.sector = kaggle_sectors.sector
    left join market_caps
        on source.source_file = market_caps.source_file
        and source.line_number = market_caps.line_number

)

select * from renamed
