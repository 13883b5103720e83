{{ config(enabled=input_source() == 'toy') }}
with source as (

    select * from {{ source('toy', 'toy_file') }}

),

items as (

    select distinct item
    from source
    where item != 'next_return'

),

periods as (

    select distinct last_day(cast(strptime(month, '%Y-%m') as date)) as period
    from source

),

final as (

    select
        periods.period,
        cast(row_number() over (partition by periods.period order by items.item) as integer) as column_number,
        items.item as column_name,
        'indicator' as column_role
    from items
    cross join periods

)

select * from final
