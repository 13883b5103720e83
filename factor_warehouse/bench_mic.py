"""Benchmark of the factor_mic model at realistic size (5 fiscal years x ~4,400 stocks x 221 factors).

    .venv/bin/python -m factor_warehouse.bench_mic [--tickers 4400] [--workdir DIR]

Steps, all in one run on the same machine state:
1. write demo files in the Kaggle format and build the models factor_mic depends on (dbt seed, then dbt run);
2. cold run of factor_mic (empty cache: every pair computed), timed;
3. warm run of factor_mic on the same warehouse (every pair reused), timed;
4. a plain sequential minepy loop (one MINE object, main thread) over a sample of the same
   pairs, split into pooled and per-year pairs because their size differs 5x; the loop's time
   for all pairs is extrapolated from the sample and labelled as such;
5. speed-up = extrapolated sequential loop time / cold model wall time (everything included),
   and / (cold - warm) wall time (the MIC computing alone, since warm is cold minus computing).
Parameters are read from the built table, so they are the model's configured ones.
"""

import argparse
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

from factor_warehouse.build import run_dbt
from factor_warehouse.demo import write_demo_files
from factor_warehouse.mic import POOLED_SCOPE, TARGET, MicParameters, load_observations, mic_pairs, mic_statistics

SUMMARY_LINE = re.compile(r"factor_mic: (\d+) computed, (\d+) reused, (\d+) skipped")


def run_factor_mic(database, dbt_vars, log_path):
    """Run the factor_mic model alone; return (wall seconds, computed, reused) from its log."""
    started = time.perf_counter()
    result = run_dbt(["run", "--select", "factor_mic", "--log-path", str(log_path)], database, dbt_vars)
    wall = time.perf_counter() - started
    if not result.success:
        raise SystemExit(f"factor_mic failed; see {log_path / 'dbt.log'}")
    computed, reused, _ = map(int, SUMMARY_LINE.findall((log_path / "dbt.log").read_text())[-1])
    return wall, computed, reused


def sequential_sample(database, sample_pooled, sample_yearly, seed=0):
    """Time a plain sequential minepy loop over a random sample of pooled and per-year pairs;
    return the per-kind mean seconds, the sampled counts and the total pairs per kind."""
    with duckdb.connect(str(database), read_only=True) as connection:
        estimator, alpha, c = connection.sql(
            "select any_value(estimator), any_value(alpha_param), any_value(c_param) from factor_mic").fetchone()
        parameters = MicParameters(estimator=estimator, alpha=alpha, c=c)
        observations = load_observations(connection.table("factor_values"), connection.table("stock_years"))
        computed_fingerprints = {row[0] for row in connection.sql("select input_fingerprint from factor_mic").fetchall()}
    pairs = [pair for pair in mic_pairs(observations, TARGET, parameters) if pair.fingerprint in computed_fingerprints]
    unique = list({pair.fingerprint: pair for pair in pairs}.values())  # the model computes each input once
    rng = np.random.default_rng(seed)
    mine = parameters.new_mine()
    timings = {}
    for kind, wanted in (("pooled", sample_pooled), ("per-year", sample_yearly)):
        of_kind = [pair for pair in unique if (pair.scope == POOLED_SCOPE) == (kind == "pooled")]
        sample = [of_kind[index] for index in rng.choice(len(of_kind), size=min(wanted, len(of_kind)), replace=False)]
        seconds = []
        for pair in sample:
            started = time.perf_counter()
            mic_statistics(pair.x, pair.y, parameters, mine)
            seconds.append(time.perf_counter() - started)
        mean_n = np.mean([pair.n for pair in of_kind]) if of_kind else 0
        timings[kind] = {"mean_seconds": float(np.mean(seconds)) if seconds else 0.0, "sampled": len(sample),
                         "pairs": len(of_kind), "mean_n": mean_n}
    return parameters, timings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickers", type=int, default=4400, help="stocks per fiscal year (default 4400)")
    parser.add_argument("--sample-pooled", type=int, default=4, help="pooled pairs in the sequential loop (default 4)")
    parser.add_argument("--sample-yearly", type=int, default=16, help="per-year pairs in the sequential loop (default 16)")
    parser.add_argument("--workdir", help="directory for the demo files and warehouse (default: a temporary one, removed)")
    options = parser.parse_args(argv)
    workdir = Path(options.workdir or tempfile.mkdtemp(prefix="bench_mic_"))
    try:
        return benchmark(workdir, options)
    finally:
        if not options.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def benchmark(workdir, options):
    workdir.mkdir(parents=True, exist_ok=True)
    data_dir, database = workdir / "kaggle", workdir / "warehouse.duckdb"
    dbt_vars = {"kaggle_dir": str(data_dir)}
    load_before = os.getloadavg()
    write_demo_files(data_dir, n_tickers=options.tickers)
    if database.exists():
        database.unlink()
    started = time.perf_counter()
    for command in (["seed"], ["run", "--select", "+factor_mic", "--exclude", "factor_mic"]):
        result = run_dbt([*command, "--log-path", str(workdir / "logs_foundation")], database, dbt_vars)
        if not result.success:
            raise SystemExit(f"building the models factor_mic depends on failed; see {workdir / 'logs_foundation'}")
    foundation_seconds = time.perf_counter() - started
    cold_seconds, cold_computed, cold_reused = run_factor_mic(database, dbt_vars, workdir / "logs_cold")
    warm_seconds, warm_computed, warm_reused = run_factor_mic(database, dbt_vars, workdir / "logs_warm")
    parameters, timings = sequential_sample(database, options.sample_pooled, options.sample_yearly)
    sequential_seconds = sum(kind["mean_seconds"] * kind["pairs"] for kind in timings.values())
    load_after = os.getloadavg()
    with duckdb.connect(str(database), read_only=True) as connection:
        rows, years = connection.sql(
            "select count(*), count(distinct scope) - 1 from factor_mic").fetchone()
        stock_years = connection.sql("select count(*) from stock_years").fetchone()[0]
    lines = [
        f"factor_mic benchmark: {options.tickers} tickers x {years} fiscal years ({stock_years} stock-years), "
        f"{rows} (factor, scope) rows; {parameters.estimator}, alpha={parameters.alpha}, c={parameters.c}; "
        f"{os.cpu_count()} cores, threads = mic_workers default (all cores)",
        f"load average before/after: {load_before[0]:.1f} / {load_after[0]:.1f} (the machine is shared)",
        f"foundation build (dbt seed + run of factor_mic's parents): {foundation_seconds:.1f} s",
        f"cold factor_mic: {cold_seconds:.1f} s wall, {cold_computed} pairs computed, {cold_reused} reused; "
        f"{cold_seconds / max(cold_computed, 1):.3f} s wall per computed pair",
        f"warm factor_mic: {warm_seconds:.1f} s wall, {warm_computed} pairs computed, {warm_reused} reused",
    ]
    for kind, timing in timings.items():
        lines.append(f"sequential minepy loop, {kind} pairs (mean n {timing['mean_n']:.0f}): "
                     f"{timing['mean_seconds']:.3f} s per pair measured over {timing['sampled']} sampled pairs "
                     f"of {timing['pairs']}")
    compute_seconds = cold_seconds - warm_seconds
    lines += [
        f"sequential loop over all {cold_computed} pairs: {sequential_seconds:.0f} s "
        f"(EXTRAPOLATED from the sampled per-pair means above)",
        f"speed-up of the cold model (everything included) over the sequential loop: "
        f"{sequential_seconds / cold_seconds:.2f}x",
        f"speed-up of the model's MIC computing (cold - warm = {compute_seconds:.1f} s) over the sequential loop: "
        f"{sequential_seconds / compute_seconds:.2f}x" if compute_seconds > 0 else "cold was not slower than warm",
        f"warm rebuild saves {cold_seconds - warm_seconds:.1f} s ({cold_seconds / warm_seconds:.1f}x faster than cold)",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
