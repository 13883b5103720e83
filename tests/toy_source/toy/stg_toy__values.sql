{{ config(enabled=input_source() == 'toy') }}
with source as (

    select * from {{ source('toy', 'toy_file') }}
    where item != 'next_return' and amount is not null

),

final as (

    select
        filename as source_file,
        cast(ordinality + 1 as integer) as line_number,
        symbol as stock_id,
        last_day(cast(strptime(month, '%Y-%m') as date)) as period,
        month as source_period,
        cast(null as integer) as column_number,
        item as factor,
        amount as cell_text,
        {{ parse_number('amount') }} as value
    from source

)

select * from final
