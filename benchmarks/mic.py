"""Benchmark of the factor_mic model at realistic size (5 fiscal years x ~4,400 stocks x 221 factors).

    .venv/bin/python -m benchmarks.mic [--tickers 4400] [--workdir DIR]

Steps, in one run:
1. write demo files in the Kaggle format and build the models factor_mic depends on (dbt seed, then dbt run);
2. cold run of factor_mic (empty cache: every pair computed), timed;
3. warm run of factor_mic on the same warehouse (every pair reused), timed;
4. on a random sample of the same pairs (pooled and per-year, whose sizes differ 5x): a plain
   sequential minepy loop (one MINE object, main thread), then, right after, the same pairs
   through the model's thread pool (mic.compute_pairs, every core). Their ratio is the measured
   speed-up; measuring the two back to back keeps it fair on a shared machine whose load
   changes over the minutes the cold run takes;
5. the sequential loop's time for all pairs, extrapolated from the sample's per-pair means
   (labelled as such), compared with the cold model's wall time.
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

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.research.mic import (POOLED_SCOPE, TARGET, MicParameters, compute_pairs, load_observations,
                                           mic_pairs, mic_statistics)
from factor_warehouse.sources.demo import write_demo_files

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


def sample_pairs(database, sample_pooled, sample_yearly, seed=0):
    """The model's parameters, a random sample of its computed pairs per kind, and the
    count and mean n of all computed pairs per kind (kind: 'pooled' or 'per-year')."""
    with duckdb.connect(str(database), read_only=True) as connection:
        estimator, alpha, c = connection.sql(
            "select any_value(estimator), any_value(alpha_param), any_value(c_param) from factor_mic").fetchone()
        parameters = MicParameters(estimator=estimator, alpha=alpha, c=c)
        observations = load_observations(connection.table("factor_values"), connection.table("stock_periods"))
        computed_fingerprints = {row[0] for row in connection.sql("select input_fingerprint from factor_mic").fetchall()}
    pairs = [pair for pair in mic_pairs(observations, TARGET, parameters) if pair.fingerprint in computed_fingerprints]
    unique = list({pair.fingerprint: pair for pair in pairs}.values())  # the model computes each input once
    rng = np.random.default_rng(seed)
    samples, totals = {}, {}
    for kind, wanted in (("pooled", sample_pooled), ("per-year", sample_yearly)):
        of_kind = [pair for pair in unique if (pair.scope == POOLED_SCOPE) == (kind == "pooled")]
        picked = rng.choice(len(of_kind), size=min(wanted, len(of_kind)), replace=False)
        samples[kind] = [of_kind[index] for index in picked]
        totals[kind] = (len(of_kind), float(np.mean([pair.n for pair in of_kind])) if of_kind else 0.0)
    return parameters, samples, totals


def time_sequential_and_parallel(samples, parameters, workers):
    """Per-kind mean seconds of a sequential minepy loop, then the wall time of the whole
    sample sequentially and through compute_pairs with `workers` threads, back to back."""
    mine = parameters.new_mine()
    means, sequential_total = {}, 0.0
    for kind, pairs in samples.items():
        seconds = []
        for pair in pairs:
            started = time.perf_counter()
            mic_statistics(pair.x, pair.y, parameters, mine)
            seconds.append(time.perf_counter() - started)
        means[kind] = float(np.mean(seconds)) if seconds else 0.0
        sequential_total += sum(seconds)
    everything = [pair for pairs in samples.values() for pair in pairs]
    started = time.perf_counter()
    compute_pairs(everything, parameters, workers)
    return means, sequential_total, time.perf_counter() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickers", type=int, default=4400, help="stocks per fiscal year (default 4400)")
    parser.add_argument("--sample-pooled", type=int, default=6, help="pooled pairs in the sample (default 6)")
    parser.add_argument("--sample-yearly", type=int, default=20, help="per-year pairs in the sample (default 20)")
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
    write_demo_files(data_dir, n_tickers=options.tickers)
    if database.exists():
        database.unlink()
    started = time.perf_counter()
    for command in (["seed"], ["run", "--select", "+factor_mic", "--exclude", "factor_mic"]):
        result = run_dbt([*command, "--log-path", str(workdir / "logs_foundation")], database, dbt_vars)
        if not result.success:
            raise SystemExit(f"building the models factor_mic depends on failed; see {workdir / 'logs_foundation'}")
    foundation_seconds = time.perf_counter() - started
    load_before_cold = os.getloadavg()[0]
    cold_seconds, cold_computed, cold_reused = run_factor_mic(database, dbt_vars, workdir / "logs_cold")
    load_after_cold = os.getloadavg()[0]
    warm_seconds, warm_computed, warm_reused = run_factor_mic(database, dbt_vars, workdir / "logs_warm")
    parameters, samples, totals = sample_pairs(database, options.sample_pooled, options.sample_yearly)
    workers = os.cpu_count()
    load_before_sample = os.getloadavg()[0]
    means, sample_sequential, sample_parallel = time_sequential_and_parallel(samples, parameters, workers)
    load_after_sample = os.getloadavg()[0]
    extrapolated = sum(means[kind] * totals[kind][0] for kind in samples)
    with duckdb.connect(str(database), read_only=True) as connection:
        rows, years = connection.sql("select count(*), count(distinct scope) - 1 from factor_mic").fetchone()
        stock_years = connection.sql("select count(*) from stock_periods").fetchone()[0]
    lines = [
        f"factor_mic benchmark: {options.tickers} tickers x {years} fiscal years ({stock_years} stock-years), "
        f"{rows} (factor, scope) rows; {parameters.estimator}, alpha={parameters.alpha}, c={parameters.c}; "
        f"{workers} cores = threads (mic_workers default)",
        f"foundation build (dbt seed + run of factor_mic's parents): {foundation_seconds:.1f} s",
        f"cold factor_mic: {cold_seconds:.1f} s wall, {cold_computed} pairs computed, {cold_reused} reused, "
        f"{cold_seconds / max(cold_computed, 1):.3f} s wall per computed pair "
        f"(1-min load average {load_before_cold:.1f} before, {load_after_cold:.1f} after; the machine is shared)",
        f"warm factor_mic: {warm_seconds:.1f} s wall, {warm_computed} pairs computed, {warm_reused} reused "
        f"({cold_seconds / warm_seconds:.0f}x faster than cold)",
    ]
    for kind in samples:
        lines.append(f"sequential minepy loop, {kind} pairs (mean n {totals[kind][1]:.0f}): {means[kind]:.3f} s per pair "
                     f"over {len(samples[kind])} sampled pairs of {totals[kind][0]}")
    lines += [
        f"measured speed-up on the sample ({sum(map(len, samples.values()))} pairs, back to back, 1-min load average "
        f"{load_before_sample:.1f} before, {load_after_sample:.1f} after): sequential loop {sample_sequential:.1f} s, "
        f"model thread pool with {workers} threads {sample_parallel:.1f} s = {sample_sequential / sample_parallel:.2f}x",
        f"sequential loop over all {cold_computed} pairs: {extrapolated:.0f} s, EXTRAPOLATED from the sampled "
        f"per-pair means; cold model wall time {cold_seconds:.0f} s = {extrapolated / cold_seconds:.2f}x of it "
        f"(measured under the load of the cold run, see above)",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
