{{ config(enabled=input_source() == 'toy') }}
with source as (

    select * from {{ source('toy', 'toy_file') }}
    where item = 'next_return'

),

final as (

    select
        filename as source_file,
        cast(ordinality + 1 as integer) as line_number,
        symbol as stock_id,
        last_day(cast(strptime(month, '%Y-%m') as date)) as period,
        month as period_text,
        month as period_label,
        'monthly' as frequency,
        cast(null as integer) as fiscal_year,
        cast(null as varchar) as sector,
        cast(null as varchar) as sector_rejection_reason,
        'next_return' as return_column,
        amount as return_text,
        try_cast(amount as double) * 100 as return_pct,
        1 as distinct_return_count,
        cast(null as varchar) as class_text,
        cast(null as double) as class_value,
        cast(null as varchar) as market_equity_column,
        cast(null as varchar) as market_equity_text,
        cast(null as double) as market_equity,
        cast(null as varchar) as price_column,
        cast(null as varchar) as price_text,
        cast(null as double) as price,
        cast(null as varchar) as cost_column,
        cast(null as varchar) as cost_text,
        cast(null as double) as cost_pct,
        cast(null as varchar) as exchange,
        cast(null as boolean) as is_nyse
    from source

)

select * from final
