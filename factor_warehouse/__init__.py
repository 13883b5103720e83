"""The factor-research warehouse's Python package, layered as the data flows:

- `sources/`  input readers: the Kaggle files, the demo data generator, the dbt-duckdb
               plugin that serves them to dbt as a source;
- `research/` research computations on warehouse tables: design matrix, f-scores,
               regressions, penalized models, walk-forward predictions, metrics,
               learning curve, MIC: pure functions, no DuckDB session, no threads;
- `execution/` how they run in the dbt Python models: the result cache, the thread pool
               and progress lines, each cached model's units;
- `report/`   the HTML research report: shared queries, figures by family, run facts,
               the document assembly;
- `cli/`      the command lines (build, query, report, demo) and `run_dbt`;
- `paths.py`  the project's default paths, shared by every layer.

A layer imports only the layers listed before it (and `paths`); the dbt Python models in
`python_models/` are thin shims over `research/` and `execution/`.
"""
