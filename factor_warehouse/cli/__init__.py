"""Command lines: `build` (dbt build with an atomic swap, then the report), `query`
(read-only SQL), `report` and `demo`; `dbt_runner.run_dbt` is how everything invokes dbt."""
