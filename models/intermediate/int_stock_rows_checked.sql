-- Every input row with the reason it is rejected (null when it is accepted). A reason
-- names the value it rejects and what to do about it.
with stock_rows as (

    select * from {{ ref('stg_kaggle__financial_rows') }}

),

kaggle_sectors as (

    select * from {{ ref('kaggle_sectors') }}

),

counted as (

    select
        stock_rows.*,
        count(*) over (partition by stock_rows.fiscal_year, stock_rows.ticker) as rows_with_ticker,
        list(distinct stock_rows.ticker) over (partition by stock_rows.fiscal_year, upper(stock_rows.ticker))
            as ticker_spellings,
        kaggle_sectors.sector is not null as is_known_sector
    from stock_rows
    left join kaggle_sectors
        on stock_rows.sector = kaggle_sectors.sector

),

checked as (

    select
        * exclude (ticker_spellings, is_known_sector),
        case
            when ticker is null
                then 'missing ticker'
            when rows_with_ticker > 1
                then 'duplicate ticker in fiscal year (' || rows_with_ticker || ' rows)'
            when len(ticker_spellings) > 1
                then 'ticker ''' || ticker || ''' differs only in letter case from another ticker of the fiscal year ('
                    || array_to_string(list_transform(list_sort(ticker_spellings), spelling -> '''' || spelling || ''''), ', ')
                    || '): every spelling is quarantined; keep one spelling in the file'
            when price_var_text is not null and price_var_pct is null
                then 'PRICE VAR ''' || price_var_text || ''' is not a number: write a plain decimal such as -12.5'
                    || ' or 1.2e3, or leave the cell empty (or N/A) when the return is unknown'
            when isinf(price_var_pct)
                then 'PRICE VAR ''' || price_var_text || ''' is not finite: correct the return or leave the cell empty'
            when class_text is not null and (class_value is null or class_value not in (0, 1))
                then 'Class ''' || class_text || ''' is not 0 or 1: correct it or leave the cell empty'
            when sector is not null and not is_known_sector
                then 'unknown sector ''' || sector || ''': not one of the sectors of seed kaggle_sectors;'
                    || ' correct it in the file, or add it to data/seeds/kaggle_sectors.csv if it is a new sector'
        end as rejection_reason
    from counted

)

select * from checked
