"""Command lines: `build` (dbt build into a working copy under `build_lock`, proven whole by
`build_check`, then swapped in; every failure one line from `build_failure`), `query`
(read-only SQL), `report`, `demo` and `panel_demo`; `dbt_runner.run_dbt` is how everything invokes dbt."""
