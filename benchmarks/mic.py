"""Benchmark of MIC at realistic size (5 fiscal years x ~4,400 stocks x 221 factors): the whole
build cold and warm, and the two MIC engines pair by pair.

    .venv/bin/python -m benchmarks.mic [--tickers 4400] [--workdir DIR]

In one run, on demo files in the Kaggle format: a cold `dbt run` of every model and a warm one
(nothing changed: every Python model reuses its results), each a whole process (dbt's start and
imports included, as a user's rebuild pays them), timed per model; factor_mic cold and
alone (its table dropped); then a random sample of its pooled and per-year pairs through minepy
and through the numba engine, back to back, with the largest difference between their
statistics, and the sample through the model's thread pool (execution/thread_pool.py). The MIC
parameters are read from the built table, so they are the model's configured ones.
"""

import argparse
import dataclasses
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

from benchmarks.common import dbt_cli, load_average_line, run_dbt_checked, run_measured
from factor_warehouse.execution.thread_pool import run_in_threads
from factor_warehouse.research.design_matrix import design_relations
from factor_warehouse.research.mic import POOLED_SCOPE, STATISTICS, load_observations, mic_pairs, mic_statistics
from factor_warehouse.research.mic_parameters import MicParameters
from factor_warehouse.sources.demo import write_demo_files

SUMMARY_LINE = re.compile(r"factor_mic: (\d+) of \d+ pairs reused from the previous table, (\d+) computed")
MODEL_LINE = re.compile(r"OK created .*? model \w+\.(\w+) \.+ \[OK in ([\d.]+)s\]")
PYTHON_MODELS = ("factor_mic", "factor_f_scores", "factor_regressions", "alpha_model_coefficients",
                 "alpha_predictions", "alpha_model_metrics", "alpha_learning_curve", "factor_summary",
                 "fama_macbeth")


def timed_build(database, dbt_vars, workdir, selection=()):
    """`dbt run` of every model (or of `selection`) as a whole process (run_measured), with each model's
    seconds and factor_mic's computed and reused pairs, read from its output."""
    log = Path(workdir) / "build.log"
    run = run_measured(dbt_cli(["run", *selection], workdir, dbt_vars), log,
                       env={"FACTOR_WAREHOUSE_PATH": str(database)})
    if run["failed"]:
        raise SystemExit(f"dbt run failed: {run['failed']}")
    output = log.read_text()
    reused, computed = map(int, SUMMARY_LINE.findall(output)[-1])
    model_seconds = {name: float(seconds) for name, seconds in MODEL_LINE.findall(output)}
    return {**run, "model_seconds": model_seconds, "mic_computed": computed, "mic_reused": reused}


def sample_pairs(database, sample_pooled, sample_yearly, seed=0):
    """The model's parameters, a random sample of its computed pairs per kind, and the
    count and mean n of all computed pairs per kind (kind: 'pooled' or 'per-year')."""
    with duckdb.connect(str(database), read_only=True) as connection:
        estimator, alpha, c, engine = connection.sql("select any_value(estimator), any_value(alpha_param), "
                                                     "any_value(c_param), any_value(engine) from factor_mic").fetchone()
        parameters = MicParameters(estimator=estimator, alpha=alpha, c=c, engine=engine)
        observations = load_observations(*design_relations(connection.sql("select * from int_research__design_ranks"),
                                                           connection.sql("select * from stock_periods")))
        computed = set(connection.sql("select factor, scope from factor_mic").fetchall())
    pairs = [pair for pair in mic_pairs(observations) if (pair.factor, pair.scope) in computed]
    unique = list({(pair.x.tobytes(), pair.y.tobytes()): pair for pair in pairs}.values())  # each input computed once
    rng = np.random.default_rng(seed)
    samples, totals = {}, {}
    for kind, wanted in (("pooled", sample_pooled), ("per-year", sample_yearly)):
        of_kind = [pair for pair in unique if (pair.scope == POOLED_SCOPE) == (kind == "pooled")]
        picked = rng.choice(len(of_kind), size=min(wanted, len(of_kind)), replace=False)
        samples[kind] = [of_kind[index] for index in picked]
        totals[kind] = (len(of_kind), float(np.mean([pair.n for pair in of_kind])) if of_kind else 0.0)
    return parameters, samples, totals


def time_engines(samples, parameters, workers):
    """Per kind: mean seconds per pair of minepy and of the numba engine on the same pairs, one after
    the other, and the largest difference of their statistics; then the wall time of the whole sample
    sequentially in the numba engine and through run_in_threads with `workers` threads."""
    engines = {engine: dataclasses.replace(parameters, engine=engine) for engine in ("minepy", "numba")}
    first = next(pair for pairs in samples.values() for pair in pairs)
    mic_statistics(first.x, first.y, engines["numba"])  # numba compiles (or loads its cache) on the first call
    per_kind = {}
    for kind, pairs in samples.items():
        seconds = {engine: [] for engine in engines}
        largest_difference = 0.0
        for pair in pairs:
            results = {}
            for engine, engine_parameters in engines.items():
                started = time.perf_counter()
                results[engine] = mic_statistics(pair.x, pair.y, engine_parameters)
                seconds[engine].append(time.perf_counter() - started)
            largest_difference = max(largest_difference, *(abs(results["minepy"][name] - results["numba"][name])
                                                           for name in STATISTICS))
        per_kind[kind] = {engine: float(np.mean(values)) if values else 0.0 for engine, values in seconds.items()}
        per_kind[kind]["difference"] = largest_difference
    everything = [pair for pairs in samples.values() for pair in pairs]
    started = time.perf_counter()
    for pair in everything:
        mic_statistics(pair.x, pair.y, engines["numba"])
    sequential = time.perf_counter() - started
    started = time.perf_counter()
    run_in_threads(lambda pair: mic_statistics(pair.x, pair.y, engines["numba"]), everything, workers, "mic",
                   lambda index, result: None)
    return per_kind, sequential, time.perf_counter() - started


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
    run_dbt_checked(["seed"], database, dbt_vars, workdir)
    cold = timed_build(database, dbt_vars, workdir)
    warm = timed_build(database, dbt_vars, workdir)
    with duckdb.connect(str(database)) as connection:
        connection.execute("drop table factor_mic")
    alone = timed_build(database, dbt_vars, workdir, ["--select", "factor_mic"])
    parameters, samples, totals = sample_pairs(database, options.sample_pooled, options.sample_yearly)
    workers = os.cpu_count()
    per_kind, sample_sequential, sample_parallel = time_engines(samples, parameters, workers)
    with duckdb.connect(str(database), read_only=True) as connection:
        rows, years = connection.sql("select count(*), count(distinct scope) - 1 from factor_mic").fetchone()
        stock_years = connection.sql("select count(*) from stock_periods").fetchone()[0]

    def python_seconds(build):
        return sum(build["model_seconds"].get(model, 0.0) for model in PYTHON_MODELS)

    lines = [
        f"MIC benchmark: {options.tickers} tickers x {years} fiscal years ({stock_years} stock-years), "
        f"{rows} (factor, scope) rows; {parameters.estimator}, alpha={parameters.alpha}, c={parameters.c}, "
        f"engine {parameters.engine}; {workers} cores = threads (mic_workers default)",
    ]
    for name, build in (("cold", cold), ("warm", warm)):
        lines.append(
            f"{name} build (dbt run of every model, a whole process): {build['seconds']:.1f} s wall (CPU "
            f"{build['cpu_seconds']:.1f} s), Python models {python_seconds(build):.1f} s summed (they run side by "
            f"side), factor_mic {build['model_seconds']['factor_mic']:.1f} s ({build['mic_computed']} pairs computed, "
            f"{build['mic_reused']} reused)")
    lines.append(f"cold factor_mic alone (its table dropped, nothing else running): {alone['seconds']:.1f} s wall, "
                 f"{alone['model_seconds']['factor_mic']:.1f} s in the model ({alone['mic_computed']} pairs computed)")
    lines.append(f"warm / cold: whole run {warm['seconds'] / cold['seconds']:.0%}, Python models "
                 f"{python_seconds(warm) / python_seconds(cold):.0%}")
    for kind, seconds in per_kind.items():
        lines.append(f"{kind} pairs (mean n {totals[kind][1]:.0f}), {len(samples[kind])} sampled of {totals[kind][0]}: "
                     f"minepy {seconds['minepy']:.3f} s, numba engine {seconds['numba']:.3f} s per pair = "
                     f"{seconds['minepy'] / seconds['numba']:.1f}x; largest difference {seconds['difference']:.1e}")
    lines += [
        f"thread pool on the sample ({sum(map(len, samples.values()))} pairs, numba engine): sequential "
        f"{sample_sequential:.1f} s, {workers} threads {sample_parallel:.1f} s = {sample_sequential / sample_parallel:.2f}x",
        load_average_line(),
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
