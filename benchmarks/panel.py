"""Benchmark at research size: the SQL marts built by dbt on a monthly panel, next to the same
per-period work done by pandas (vectorised groupby) and polars on the same long table.

    .venv/bin/python -m benchmarks.panel [--stocks 4000] [--months 1000] [--characteristics 150]
                                         [--peer-months 120] [--workdir DIR]

Each stage runs in a fresh child process, so that its peak memory is its own: write the demo panel
(wide Parquet) once; `dbt run` of every SQL model on it (wall time, dbt's time per model, peak
RSS); then pandas and polars on the long table of the first --peer-months months read back from
the warehouse (not timed): within-month percentile ranks and the median split's mean alphas,
timed and checked against factor_values and factor_median_split_alpha. Prints every figure; it is
not a test.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import load_average_line, add_panel_options, peak_rss_megabytes, run_child, timed_dbt_run, write_demo_panel

MODULE = "benchmarks.panel"
SQL_MARTS = ["run", "--select", "path:models"]  # every SQL model; the Python models live in python_models/
PEER_QUERY = """
    select v.stock_id, v.period, v.factor, v.value, s.alpha
    from factor_values as v
    inner join stock_periods as s using (stock_id, period)
    where v.period < (select min(period) from periods) + to_months(?)
"""


def read_peer_input(database, peer_months):
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        frame = connection.execute(PEER_QUERY, [peer_months]).df()
        split = connection.execute(
            "select factor, period, side, mean_alpha from factor_median_split_alpha "
            "where period < (select min(period) from periods) + to_months(?)", [peer_months]).df()
        ranks = connection.execute("select sum(pct_rank) from factor_values "
                                   "where period < (select min(period) from periods) + to_months(?)",
                                   [peer_months]).fetchone()[0]
    return frame, split, ranks


def pandas_work(frame):
    """Percentile ranks within (period, factor), medians and the mean alpha above and below."""
    import numpy as np

    grouped = frame.groupby(["period", "factor"], sort=False)["value"]
    pct_rank = grouped.rank(pct=True)
    median = grouped.transform("median")
    side = np.where(frame["value"] > median, "above", np.where(frame["value"] < median, "below", None))
    split = (frame.assign(side=side).dropna(subset=["side"])
             .groupby(["factor", "period", "side"])["alpha"].mean().rename("mean_alpha").reset_index())
    return float(pct_rank.sum()), split


def polars_work(frame):
    import polars as pl

    data = pl.from_pandas(frame)
    window = ["period", "factor"]
    ranked = data.with_columns(
        (pl.col("value").rank("average").over(window) / pl.col("value").count().over(window)).alias("pct_rank"),
        pl.col("value").median().over(window).alias("median"),
    )
    split = (ranked.with_columns(pl.when(pl.col("value") > pl.col("median")).then(pl.lit("above"))
                                 .when(pl.col("value") < pl.col("median")).then(pl.lit("below")).alias("side"))
             .drop_nulls("side").group_by(["factor", "period", "side"]).agg(pl.col("alpha").mean().alias("mean_alpha")))
    return float(ranked["pct_rank"].sum()), split.to_pandas()


def stage_peer(peer, database, peer_months):
    frame, warehouse_split, warehouse_rank_sum = read_peer_input(database, peer_months)
    started = time.perf_counter()
    rank_sum, split = (pandas_work if peer == "pandas" else polars_work)(frame)
    seconds = time.perf_counter() - started
    merged = warehouse_split.merge(split, on=["factor", "period", "side"], suffixes=("_sql", "_peer"))
    return {"seconds": seconds, "values": len(frame), "peak_rss_mb": peak_rss_megabytes(),
            "rank_sum_difference": abs(rank_sum - warehouse_rank_sum),
            "split_rows_compared": len(merged),
            "max_split_difference": float((merged["mean_alpha_sql"] - merged["mean_alpha_peer"]).abs().max())}


def report(options, written, sql, peers):
    models = sql["model_seconds"]
    like_for_like = models.get("factor_values", 0) + models.get("factor_median_split_alpha", 0)
    lines = [
        f"panel: {options.stocks:,} stocks x {options.months:,} months x {options.characteristics} characteristics "
        f"= {written['rows']:,} stock-months, {written['bytes'] / 1e6:,.0f} MB of Parquet (written in "
        f"{written['seconds']:.1f} s, not counted)",
        f"SQL marts, dbt run (2 threads): {sql['wall_seconds']:8.1f} s wall, peak RSS {sql['peak_rss_mb']:,.0f} MB",
        *(f"    {name:<44} {seconds:8.1f} s" for name, seconds in sorted(models.items(), key=lambda item: -item[1])),
        f"    ranks + median split (factor_values + factor_median_split_alpha): {like_for_like:.1f} s",
    ]
    for name, peer in peers.items():
        lines.append(
            f"{name} on the first {options.peer_months} months ({peer['values']:,} values): ranks + median split "
            f"{peer['seconds']:.1f} s, peak RSS {peer['peak_rss_mb']:,.0f} MB; agreement with the marts: rank sum "
            f"{peer['rank_sum_difference']:.2g}, median-split mean alpha {peer['max_split_difference']:.2g} over "
            f"{peer['split_rows_compared']:,} rows")
    lines.append(load_average_line())
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_panel_options(parser, stocks=4000, months=1000, characteristics=150)
    parser.add_argument("--peer-months", type=int, default=120, help="months pandas and polars work on (default 120)")
    parser.add_argument("--stage", choices=["sql", "pandas", "polars"], help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.stage == "sql":
        print(json.dumps(timed_dbt_run(SQL_MARTS, options.database, json.loads(options.dbt_vars), options.workdir)))
        return 0
    if options.stage in ("pandas", "polars"):
        print(json.dumps(stage_peer(options.stage, options.database, options.peer_months)))
        return 0

    workdir = Path(options.workdir or tempfile.mkdtemp(prefix="bench_panel_"))
    workdir.mkdir(parents=True, exist_ok=True)
    written, database, dbt_vars = write_demo_panel(workdir, options.stocks, options.months, options.characteristics)
    print(f"wrote {workdir / 'panel.parquet'}; timing the SQL marts, then pandas and polars, each in a fresh "
          "process", flush=True)
    arguments = ["--database", database, "--workdir", workdir, "--dbt-vars", json.dumps(dbt_vars),
                 "--peer-months", options.peer_months]
    sql = run_child(MODULE, "sql", arguments)
    peers = {peer: run_child(MODULE, peer, arguments) for peer in ("pandas", "polars")}
    print(report(options, written, sql, peers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
