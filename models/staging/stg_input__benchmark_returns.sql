-- The benchmark's return per period.
-- Role benchmark_returns of the staging contract: the active source's
-- stg_<source>__benchmark_returns (macro input_model), with exactly the contract's columns.
-- Models above staging read this view.
select
    period,
    benchmark_return_pct,
    source_file,
    line_number
from {{ input_model('benchmark_returns') }}
