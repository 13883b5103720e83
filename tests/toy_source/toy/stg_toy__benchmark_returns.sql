{{ config(enabled=input_source() == 'toy') }}
-- The toy has no benchmark series (its registry entry says so): no rows.
select
    cast(null as date) as period,
    cast(null as double) as benchmark_return_pct,
    cast(null as varchar) as source_file,
    cast(null as integer) as line_number
where false
