"""Benchmark: the factor-sort marts (DuckDB, dbt) against the article's pandas loops, same data.

    python -m benchmarks.sorts                      # demo panel, 5 years x 4,400 tickers
    python -m benchmarks.sorts --kaggle-dir DIR     # real Kaggle files instead

Steps: write the demo files in the Kaggle format (factor_warehouse.sources.demo, 221 indicators), build
the core marts with `dbt run` (setup, not timed), then in two fresh child processes, so each peak
memory is its own: (1) the marts stage, `dbt run` of models/intermediate/factor_sorts,
models/marts/factor_sorts and the factor_evaluation SQL models, timed as wall time including dbt's start-up and as
the sum of dbt's per-model execution times; (2) the article's median split (filter_data_top and
filter_data_below for every factor and year, benchmarks.article) on the same data, read
back from the warehouse as the article's wide frame, timed without the read. The child also
checks that both give the same mean alphas. Prints both times, their ratios and the peak RSS.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import load_average_line, peak_rss_megabytes, run_dbt_checked
from factor_warehouse.paths import PROJECT_DIR

FACTOR_SORTS_SELECTION = ["--select", "path:models/intermediate/factor_sorts", "path:models/marts/factor_sorts",
                          "path:models/intermediate/factor_evaluation", "path:models/marts/factor_evaluation"]
CORE_SELECTION = ["--select", "+path:models/marts/core", "--resource-type", "seed", "--resource-type", "model"]


def stage_sql(database, workdir, dbt_vars):
    """Child process: build the factor-sort models; wall and per-model seconds, peak RSS."""
    started = time.perf_counter()
    result = run_dbt_checked(["run", *FACTOR_SORTS_SELECTION], database, dbt_vars, workdir)
    wall_seconds = time.perf_counter() - started
    model_seconds = {node_result.node.name: node_result.execution_time for node_result in result.result.results}
    return {"wall_seconds": wall_seconds, "run_seconds": result.result.elapsed_time,
            "model_seconds": model_seconds, "median_split_alone_seconds": time_median_split_alone(database, workdir),
            "peak_rss_mb": peak_rss_megabytes()}


def time_median_split_alone(database, workdir, repeats=3):
    """Best of `repeats` runs of the compiled factor_median_split_alpha query by itself (DuckDB,
    2 threads, into a temp table): the same work as the article's loops, without dbt and without
    the model that dbt runs beside it."""
    import duckdb

    compiled = next((Path(workdir) / "target" / "compiled").rglob("factor_median_split_alpha.sql"))
    query = compiled.read_text()
    with duckdb.connect(str(database)) as connection:
        connection.execute("set threads = 2")
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            connection.execute(f"create or replace temp table median_split_timing as {query}")
            timings.append(time.perf_counter() - started)
    return min(timings)


def stage_pandas(database):
    """Child process: the article's loops on the warehouse's wide frame; seconds, agreement, peak RSS."""
    import duckdb
    import numpy as np

    from benchmarks.article import alpha_tables, load_wide_frame

    with duckdb.connect(str(database), read_only=True) as connection:
        started = time.perf_counter()
        df_all, factor_columns, years = load_wide_frame(connection)
        load_seconds = time.perf_counter() - started
        mart = connection.sql("select factor, period, side, mean_alpha from factor_median_split_alpha").df()
    started = time.perf_counter()
    top, below = alpha_tables(df_all, factor_columns, years)
    loop_seconds = time.perf_counter() - started

    differences = []
    for side, article_table in (("above", top), ("below", below)):
        reference = (article_table.rename_axis(index="period", columns="factor").stack(future_stack=True)
                     .rename("article_mean_alpha").reset_index())
        merged = mart[mart["side"] == side].merge(reference, on=["factor", "period"])
        differences.append(np.nanmax(np.abs(merged["mean_alpha"] - merged["article_mean_alpha"])))
    return {"load_seconds": load_seconds, "loop_seconds": loop_seconds, "peak_rss_mb": peak_rss_megabytes(),
            "rows": len(df_all), "factors": len(factor_columns), "years": len(years),
            "max_abs_difference": float(max(differences))}


def run_child(stage, database, workdir, dbt_vars):
    command = [sys.executable, "-m", "benchmarks.sorts", "--stage", stage,
               "--database", str(database), "--workdir", str(workdir), "--dbt-vars", json.dumps(dbt_vars)]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR)  # benchmarks/ is not installed
    if completed.returncode != 0:
        raise SystemExit(f"benchmark stage {stage} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(sql, pandas):
    median_split = sql["model_seconds"]["factor_median_split_alpha"]
    loops = pandas["loop_seconds"]
    lines = [
        f"panel: {pandas['years']} fiscal years, {pandas['rows']:,} stock-years, {pandas['factors']} factors",
        f"SQL marts stage, dbt run of the factor-sort and factor-evaluation models:",
        f"    whole process (Python start, dbt parse, run):   {sql['wall_seconds']:7.2f} s",
        f"    the run itself (dbt's elapsed time, 2 threads):  {sql['run_seconds']:7.2f} s",
        *(f"      {name:<42} {seconds:6.2f} s" for name, seconds in sorted(sql["model_seconds"].items())),
        f"article's pandas loops (median split, above and below, every factor and year): {loops:7.2f} s"
        f"  (+ {pandas['load_seconds']:.2f} s to read the wide frame, not counted)",
        f"SQL median split query alone (best of 3, no dbt, nothing beside it): {sql['median_split_alone_seconds']:7.2f} s",
        f"ratio loops / SQL median split alone:  {loops / sql['median_split_alone_seconds']:6.1f} x   (same work)",
        f"ratio loops / SQL median split model:  {loops / median_split:6.1f} x   (same work, in the dbt run)",
        f"ratio loops / SQL marts run:           {loops / sql['run_seconds']:6.1f} x   (all the marts)",
        f"ratio loops / SQL marts whole process: {loops / sql['wall_seconds']:6.1f} x",
        f"peak RSS: SQL stage {sql['peak_rss_mb']:.0f} MB (dbt + DuckDB), pandas stage {pandas['peak_rss_mb']:.0f} MB",
        f"largest |mean_alpha difference| between the mart and the loops: {pandas['max_abs_difference']:.3g}",
        load_average_line(),
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-tickers", type=int, default=4400, help="demo tickers per year (default 4400)")
    parser.add_argument("--kaggle-dir", help="use these Kaggle files instead of generated demo data")
    parser.add_argument("--workdir", help="directory for data, warehouse and dbt logs (default: a temp dir)")
    parser.add_argument("--stage", choices=["sql", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--dbt-vars", default="{}", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)

    if options.stage == "sql":
        print(json.dumps(stage_sql(options.database, options.workdir, json.loads(options.dbt_vars))))
        return 0
    if options.stage == "pandas":
        print(json.dumps(stage_pandas(options.database)))
        return 0

    workdir = Path(options.workdir or tempfile.mkdtemp(prefix="bench_sorts_"))
    workdir.mkdir(parents=True, exist_ok=True)
    if options.kaggle_dir:
        kaggle_dir = Path(options.kaggle_dir).resolve()
    else:
        from factor_warehouse.sources.demo import write_demo_files

        kaggle_dir = workdir / "kaggle"
        kaggle_dir.mkdir(exist_ok=True)
        print(f"writing demo files ({options.n_tickers} tickers x 5 years) to {kaggle_dir}", flush=True)
        write_demo_files(kaggle_dir, n_tickers=options.n_tickers)
    dbt_vars = {"kaggle_dir": str(kaggle_dir)}
    database = workdir / "warehouse.duckdb"
    print(f"building the core marts into {database} (setup, not timed)", flush=True)
    run_dbt_checked(["build", *CORE_SELECTION], database, dbt_vars, workdir)

    print("timing the SQL marts stage and the article's loops, each in a fresh process", flush=True)
    sql = run_child("sql", database, workdir, dbt_vars)
    pandas = run_child("pandas", database, workdir, dbt_vars)
    print(report(sql, pandas))
    return 0


if __name__ == "__main__":
    sys.exit(main())
