"""Research computations: pure functions from warehouse tables (as DataFrames or DuckDB
relations) to result tables, one idea per module; no DuckDB session, no threads.
`design_matrix` shapes the inputs; `f_scores`, `regressions`, `penalty_selection`,
`alpha_models`, `walk_forward`, `metrics` and `learning_curve` are the article's models and
their honest evaluation; `mic` is the Maximal Information Coefficient
(`mic_parameters` its settings, `mic_engine` its numba engine); `newey_west`,
`fama_macbeth`, `fama_macbeth_models`, `factor_summary`, `scheme_summary` (per portfolio
scheme) and `ic_horizons` evaluate factors over time; `multiple_testing` adjusts p-values across
the factor zoo; `factor_models`, `grs`, `spanning`, `clusters` and `empirical_bayes` ask whether a
factor's return is alpha;
`blas_threads` sizes BLAS for their small matrices. The dbt Python models call into here,
directly or through `execution/`, where results are reused across builds. scikit-learn, scipy and
numba (mic_engine) are imported in the functions that use them: a rebuild that reuses every result
never loads them (about 2 s of every dbt process; tests/test_lazy_imports.py)."""
