-- The benchmark's return per period: the benchmark_returns of the staging contract, from the active input source's
-- stg_<source>__benchmark_returns (macro input_model). Models above staging read this view.
select
    period,
    benchmark_return_pct,
    source_file,
    line_number
from {{ input_model('benchmark_returns') }}
