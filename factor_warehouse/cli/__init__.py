"""Command lines: `build` (dbt build into a working copy under `build_lock`, proven whole by
`build_check`, then swapped in; every failure one line from `build_failure`), `query`
(read-only SQL), `report`, `demo`, `panel_demo` and `spark_research` (the Python models on the spark
target); `dbt_runner.run_dbt` is how everything invokes dbt."""
