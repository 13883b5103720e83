"""Benchmark at research size: the warehouse and a polars script, whole processes side by side from
the same Parquet on disk, and the warehouse's rebuilds as shares of its cold build.

    .venv/bin/python -m benchmarks.panel [--stocks 2000] [--months 240] [--characteristics 100]
                                         [--pairs 3] [--skip-rebuilds] [--workdir DIR]

Writes the demo panel (not timed) with one month more than --months, and its first --months months
as panel.parquet. Then:
1. Same work, --pairs pairs run one after the other: `dbt run --select +factor_median_split_alpha +factor_values`
   (within-month percentile ranks and the median split's mean alphas) into a fresh copy of a seeded
   warehouse, and benchmarks/polars_median_split.py doing that work from the same panel.parquet.
   Each pair's ratio (warehouse / polars), their median, and the two results' agreement.
2. Rebuilds: `dbt run` of every SQL model cold, again with nothing changed, and again after
   panel.parquet gains its next month (the file replaced at the same path, as a monthly update is):
   the last two as shares of the cold one.
Every figure is the wall time of a whole process, its CPU time and its peak RSS (from wait4: the process
and the children it waited for); on cores shared with other work the CPU times compare more steadily. A run that fails (polars out of memory at full size) is reported as such.
Prints every figure and ratio; it is not a test.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.common import dbt_cli, load_average_line, run_measured

POLARS_SCRIPT = Path(__file__).resolve().parent / "polars_median_split.py"
SAME_WORK = ["run", "--select", "+factor_median_split_alpha", "+factor_values"]  # factor_values: a view of names
EVERY_SQL_MODEL = ["run", "--select", "path:models"]  # the Python models live in python_models/


def dbt_command(args, panel, workdir, panel_keys=None, dbt_vars=None, target="dev"):
    """`dbt <args>` on the panel file (with more panel keys and dbt vars if given), target dev unless given."""
    dbt_vars = {"panel": {"path": str(panel), "sector_column": "sector", **(panel_keys or {})}, **(dbt_vars or {})}
    return dbt_cli(args, workdir, dbt_vars, target)


def dbt_measured(args, database, panel, workdir, log_name, **settings):
    """run_measured of dbt_command(args, panel, workdir, **settings) building into `database`."""
    return run_measured(dbt_command(args, panel, workdir, **settings), Path(workdir) / log_name,
                        env={"FACTOR_WAREHOUSE_PATH": str(database)})


def write_panels(workdir, stocks, months, characteristics):
    """panel_next.parquet, the demo panel of months + 1 months, and panel.parquet, its first months."""
    import duckdb

    from factor_warehouse.sources.panel_demo import write_panel

    following = Path(workdir) / "panel_next.parquet"
    write_panel(following, n_stocks=stocks, n_months=months + 1, n_characteristics=characteristics)
    panel = Path(workdir) / "panel.parquet"
    with duckdb.connect() as connection:
        connection.execute(f"copy (select * from read_parquet('{following}') where eom < "
                           f"(select max(eom) from read_parquet('{following}'))) to '{panel}' (format parquet)")
    return panel, following


def agreement(database, polars_dir):
    """How far the warehouse's and polars' results are apart: the rank sums' difference over equal
    value counts, and the largest difference of a median-split mean alpha."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        ranks = connection.execute(
            f"select (select count(*) from factor_values where value is not null), "
            f"(select count(*) from read_parquet('{polars_dir}/factor_values.parquet')), "
            f"(select sum(pct_rank) from factor_values) - "
            f"(select sum(pct_rank) from read_parquet('{polars_dir}/factor_values.parquet'))").fetchone()
        alphas = connection.execute(
            f"select count(*), max(abs(warehouse.mean_alpha - peer.mean_alpha)) "
            f"from factor_median_split_alpha as warehouse "
            f"inner join read_parquet('{polars_dir}/median_split_alpha.parquet') as peer "
            f"on warehouse.factor = peer.factor and warehouse.period = peer.period and warehouse.side = peer.side"
        ).fetchone()
    return {"values": ranks[0], "polars_values": ranks[1], "rank_sum_difference": ranks[2],
            "split_rows": alphas[0], "max_mean_alpha_difference": alphas[1]}


def same_work_pairs(workdir, seeded, panel, pairs):
    polars_dir = Path(workdir) / "polars"
    polars_dir.mkdir(exist_ok=True)
    results = []
    for pair in range(pairs):
        database = Path(workdir) / "same_work.duckdb"
        shutil.copyfile(seeded, database)
        warehouse = dbt_measured(SAME_WORK, database, panel, workdir, f"same_work_{pair}.log")
        peer = run_measured([sys.executable, POLARS_SCRIPT, panel, polars_dir], Path(workdir) / f"polars_{pair}.log")
        results.append({"warehouse": warehouse, "polars": peer})
        print(f"pair {pair + 1}: warehouse {warehouse['seconds']:.1f} s, polars {peer['seconds']:.1f} s", flush=True)
    compared = None if results[-1]["warehouse"]["failed"] or results[-1]["polars"]["failed"] else agreement(
        Path(workdir) / "same_work.duckdb", polars_dir)
    return results, compared


def rebuilds(workdir, seeded, panel, following):
    database = Path(workdir) / "rebuilds.duckdb"
    shutil.copyfile(seeded, database)
    runs = {"cold": dbt_measured(EVERY_SQL_MODEL, database, panel, workdir, "cold.log")}
    runs["nothing changed"] = dbt_measured(EVERY_SQL_MODEL, database, panel, workdir, "unchanged.log")
    shutil.copyfile(following, panel)
    runs["one month appended"] = dbt_measured(EVERY_SQL_MODEL, database, panel, workdir, "appended.log")
    return runs


def describe(run):
    if run["failed"]:
        return f"failed after {run['seconds']:.1f} s ({run['failed']}), peak RSS {run['peak_rss_mb']:,.0f} MB"
    return f"{run['seconds']:.1f} s (CPU {run['cpu_seconds']:.1f} s), peak RSS {run['peak_rss_mb']:,.0f} MB"


def compare_pairs(pairs, first, second, labels):
    """`first(pair)` then `second(pair)` (run_measured results), `pairs` times, stopping on a failed
    run; the report lines, each printed as it comes: every pair's figures and its ratio second / first
    (wall and CPU), then their medians. labels: the two runs' names."""
    ratios = {"seconds": [], "cpu_seconds": []}
    lines = []
    for pair in range(pairs):
        runs = first(pair), second(pair)
        failed = runs[0]["failed"] or runs[1]["failed"]
        if failed:
            raise SystemExit(f"a build failed: {failed}")
        for measure, values in ratios.items():
            values.append(runs[1][measure] / runs[0][measure])
        lines.append(f"    pair {pair + 1}: {labels[0]} {describe(runs[0])} | {labels[1]} {describe(runs[1])} | "
                     f"ratio {ratios['seconds'][-1]:.2f}, CPU {ratios['cpu_seconds'][-1]:.2f}")
        print(lines[-1], flush=True)
    lines.append(f"    {labels[1]} / {labels[0]}: median {statistics.median(ratios['seconds']):.2f}, "
                 f"CPU {statistics.median(ratios['cpu_seconds']):.2f}")
    return lines


def report(options, pairs, compared, rebuild_runs):
    lines = [f"panel: {options.stocks:,} stocks x {options.months:,} months x {options.characteristics} characteristics",
             "same work (dbt run of ranks and median split | polars script), whole processes:"]
    ratios = {"seconds": [], "cpu_seconds": []}
    for number, pair in enumerate(pairs, start=1):
        both = not (pair["warehouse"]["failed"] or pair["polars"]["failed"])
        for measure, values in ratios.items():
            values += [pair["warehouse"][measure] / pair["polars"][measure]] if both else []
        lines.append(f"    pair {number}: warehouse {describe(pair['warehouse'])} | polars {describe(pair['polars'])}"
                     + (f" | ratio {ratios['seconds'][-1]:.2f}, CPU {ratios['cpu_seconds'][-1]:.2f}" if both else ""))
    for measure, values in ratios.items():
        if values:
            lines.append(f"    warehouse / polars{', CPU' if measure == 'cpu_seconds' else ''}: median "
                         f"{statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f}) "
                         f"over {len(values)} pairs")
    if compared:
        lines.append(f"    agreement: {compared['values']:,} values ranked (polars {compared['polars_values']:,}), "
                     f"rank sums differ by {compared['rank_sum_difference']:.2g}; mean alphas of "
                     f"{compared['split_rows']:,} median-split rows differ by at most "
                     f"{compared['max_mean_alpha_difference']:.2g}")
    if rebuild_runs:
        cold = rebuild_runs["cold"]
        lines.append("every SQL model (dbt run --select path:models):")
        for name, run in rebuild_runs.items():
            share = "" if run["failed"] or cold["failed"] or name == "cold" else (
                f" = {run['seconds'] / cold['seconds']:.1%} of cold (CPU {run['cpu_seconds'] / cold['cpu_seconds']:.1%})")
            lines.append(f"    {name}: {describe(run)}{share}")
    lines.append(load_average_line())
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stocks", type=int, default=2000, help="mean stocks per month (default 2000)")
    parser.add_argument("--months", type=int, default=240, help="months (default 240)")
    parser.add_argument("--characteristics", type=int, default=100, help="characteristics (default 100)")
    parser.add_argument("--pairs", type=int, default=3, help="warehouse/polars pairs (default 3)")
    parser.add_argument("--skip-rebuilds", action="store_true", help="time only the same-work pairs")
    parser.add_argument("--workdir", help="directory for the panels, warehouses and logs (default: a temp dir)")
    options = parser.parse_args(argv)

    workdir = Path(options.workdir or tempfile.mkdtemp(prefix="bench_panel_"))
    workdir.mkdir(parents=True, exist_ok=True)
    panel, following = write_panels(workdir, options.stocks, options.months, options.characteristics)
    seeded = workdir / "seeded.duckdb"
    seeding = dbt_measured(["seed"], seeded, panel, workdir, "seed.log")
    if seeding["failed"]:
        raise SystemExit(f"dbt seed failed: {seeding['failed']}")
    print(f"wrote {panel} and {following}; timing whole processes", flush=True)
    pairs, compared = same_work_pairs(workdir, seeded, panel, options.pairs)
    rebuild_runs = None if options.skip_rebuilds else rebuilds(workdir, seeded, panel, following)
    print(report(options, pairs, compared, rebuild_runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
