{{ config(enabled=input_source() == 'toy') }}
-- The toy's benchmark: the equal-weighted mean next_return of the month, in percent.
select
    period,
    avg(return_pct) as benchmark_return_pct,
    any_value(source_file) as source_file,
    cast(min(line_number) as integer) as line_number
from {{ ref('stg_toy__rows') }}
group by period
