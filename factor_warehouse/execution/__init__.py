"""How the research computations run inside dbt's Python models: `result_cache` (reuse of
each unit of work across builds by content fingerprint, digests taken in DuckDB),
`thread_pool` (units in a pool of threads, with progress lines), and `model_units` (how
each cached model is cut into units: per model, per walk-forward refit, per MIC pair).
The DuckDB sessions and the threads live here, so that `research/` stays pure functions."""
