{{ config(enabled=input_source() == 'kaggle') }}
-- The Kaggle files' benchmark in the benchmark contract (models/staging/_staging__docs.md): the
-- S&P 500 price return of return_year (seed benchmark_returns) is the benchmark of the fiscal
-- year before it, whose period is that year's December 31.

with benchmark_returns as (

    select * from {{ ref('benchmark_returns') }}

),

final as (

    select
        make_date(return_year - 1, 12, 31) as period,
        cast(benchmark_return_pct as double) as benchmark_return_pct,
        'data/seeds/benchmark_returns.csv' as source_file,
        cast(row_number() over (order by return_year) + 1 as integer) as line_number
    from benchmark_returns

)

select * from final
