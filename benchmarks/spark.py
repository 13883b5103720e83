"""Benchmark of the spark target against DuckDB (issue 23): every SQL model of the same panel built
cold on each, whole processes side by side, and the ratio. On one machine Spark is expected to be
slower (a JVM, a local scheduler, Parquet files written per table); the figures say by how much.

    .venv/bin/python -m benchmarks.spark [--stocks 2000] [--months 240] [--characteristics 100]
                                         [--pairs 1] [--workdir DIR]

Writes the demo panel (not timed). Then, --pairs times: `dbt run` of every SQL model on DuckDB into a
fresh copy of a seeded warehouse, and on the spark target (profiles.yml: local[2]) into a fresh Spark
directory seeded beforehand (`dbt seed`, not timed). Prints each run's wall and CPU time (the JVM's
included) and peak RSS, and the ratios Spark / DuckDB; it is not a test.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.common import add_panel_options, load_average_line, run_measured
from benchmarks.panel import EVERY_SQL_MODEL, compare_pairs, dbt_command, dbt_measured


def spark_run(panel, workdir, pair):
    """The SQL models built cold on the spark target: a fresh Spark directory, seeded, then timed."""
    spark_dir = Path(workdir) / f"spark_{pair}"
    shutil.rmtree(spark_dir, ignore_errors=True)
    environment = {"FACTOR_WAREHOUSE_SPARK_DIR": str(spark_dir)}
    seeding = run_measured(dbt_command(["seed"], panel, workdir, target="spark"), Path(workdir) / "spark_seed.log",
                           env=environment)
    if seeding["failed"]:
        raise SystemExit(f"dbt seed on the spark target failed: {seeding['failed']}")
    return run_measured(dbt_command(EVERY_SQL_MODEL, panel, workdir, target="spark"),
                        Path(workdir) / f"spark_run_{pair}.log", env=environment)


def main(argv=None):
    from factor_warehouse.sources.panel_demo import write_panel

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_panel_options(parser, stocks=2000, months=240, characteristics=100)
    parser.add_argument("--pairs", type=int, default=1, help="DuckDB/Spark pairs (default 1)")
    options = parser.parse_args(argv)

    workdir = Path(options.workdir or tempfile.mkdtemp(prefix="bench_spark_"))
    workdir.mkdir(parents=True, exist_ok=True)
    panel = Path(workdir) / "panel.parquet"
    written = write_panel(panel, n_stocks=options.stocks, n_months=options.months,
                          n_characteristics=options.characteristics)
    seeded = workdir / "seeded.duckdb"
    seeding = dbt_measured(["seed"], seeded, panel, workdir, "duckdb_seed.log")
    if seeding["failed"]:
        raise SystemExit(f"dbt seed failed: {seeding['failed']}")
    lines = [f"panel: {options.stocks:,} stocks x {options.months:,} months x {options.characteristics} "
             f"characteristics ({written.rows:,} stock-months); dbt {' '.join(EVERY_SQL_MODEL)}, cold, DuckDB "
             "against the spark target (local[2])"]
    database = workdir / "warehouse.duckdb"

    def duckdb_run(pair):
        shutil.copyfile(seeded, database)
        return dbt_measured(EVERY_SQL_MODEL, database, panel, workdir, f"duckdb_run_{pair}.log")

    lines += compare_pairs(options.pairs, duckdb_run, lambda pair: spark_run(panel, workdir, pair), ("DuckDB", "Spark"))
    lines.append(load_average_line())
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
