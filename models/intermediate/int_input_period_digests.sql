-- One row per period of the input (null: the rows whose period does not read): digests of its
-- stock rows, characteristic values and benchmark return, each an order-independent sum of
-- 64-bit row hashes with the row count (the values' sums per file come summed from the source,
-- stg_input__value_digests). content_digest leaves out where a row sits (source file, line,
-- column number), so rows added to another period of a file leave it unchanged; digest covers
-- those too, for the incremental tables that carry them (macros/period_increments.sql). And the
-- period's count of input values, in all and per file (data_loss, the factor batches).
{{ config(materialized='table') }}

with

stock_rows as (

    select * from {{ ref('stg_input__rows') }}

),

value_file_sums as (

    select * from {{ ref('stg_input__value_digests') }}

),

benchmark_returns as (

    select * from {{ ref('stg_input__benchmark_returns') }}

),

row_sums as (

    select period, any_value(frequency) as frequency, {{ period_hash_sums(['source_file', 'line_number']) }}
    from stock_rows
    group by period

),

-- the sums are additive: a period's are its files' sums
value_sums as (

    select
        period,
        cast(sum(n_values) as bigint) as n_rows,
        sum(content_sum) as content_sum,
        sum(provenance_sum) as provenance_sum,
        {{ struct_array_agg({'source_file': 'source_file', 'n_values': 'n_values'}, 'source_file') }} as values_per_file
    from value_file_sums
    group by period

),

benchmark_sums as (

    select period, {{ period_hash_sums(['source_file', 'line_number']) }}
    from benchmark_returns
    group by period

),

final as (

    select
        row_sums.period,
        {{ period_index('row_sums.period', 'row_sums.frequency') }} as period_index,
        {{ values_hash([
            'row_sums.n_rows', 'row_sums.content_sum',
            'value_sums.n_rows', 'value_sums.content_sum',
            'benchmark_sums.n_rows', 'benchmark_sums.content_sum'
        ]) }} as content_digest,
        {{ values_hash([
            'row_sums.n_rows', 'row_sums.provenance_sum',
            'value_sums.n_rows', 'value_sums.provenance_sum',
            'benchmark_sums.n_rows', 'benchmark_sums.provenance_sum'
        ]) }} as digest,
        coalesce(value_sums.n_rows, 0) as n_values,
        coalesce(value_sums.values_per_file, {{ array_literal([]) }}) as values_per_file
    from row_sums
    left join value_sums
        on row_sums.period is not distinct from value_sums.period
    left join benchmark_sums
        on row_sums.period is not distinct from benchmark_sums.period

)

select * from final
