-- Every input row with the reason it is rejected (null when it is accepted).
with stock_rows as (

    select * from {{ ref('stg_kaggle__financial_rows') }}

),

counted as (

    select
        *,
        count(*) over (partition by fiscal_year, ticker) as rows_with_ticker
    from stock_rows

),

checked as (

    select
        *,
        case
            when ticker is null
                then 'missing ticker'
            when rows_with_ticker > 1
                then 'duplicate ticker in fiscal year (' || rows_with_ticker || ' rows)'
            when price_var_text is not null and price_var_pct is null
                then 'PRICE VAR is not a number'
            when isinf(price_var_pct) or isnan(price_var_pct)
                then 'PRICE VAR is not finite'
            when class_text is not null and (class_value is null or class_value not in (0, 1))
                then 'Class is not 0 or 1'
        end as rejection_reason
    from counted

)

select * from checked
