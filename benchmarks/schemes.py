"""Benchmark of several portfolio schemes in one build: the same panel built with one scheme and with
three, whole processes side by side, and the ratio (the goal of issue 21: three for less than 1.5 times one).

    .venv/bin/python -m benchmarks.schemes [--stocks 1000] [--months 120] [--characteristics 20]
                                           [--pairs 3] [--workdir DIR]

Writes the demo panel (not timed) with an exchange column (a third of the stocks NYSE, code 1, by the
hash of their id) beside its market_equity characteristic. Then, --pairs times, alternating: `dbt run`
of every SQL model, and `dbt run` of the whole project (the Python models too), each cold into a fresh
copy of a seeded warehouse, with portfolio_schemes [equal] and with [equal, vw_nyse, jkp] (README
"Building portfolios as the papers do"). Prints each pair's wall and CPU times and the median ratios;
it is not a test.
"""

import argparse
import functools
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.common import load_average_line
from benchmarks.panel import compare_pairs, dbt_measured

PANEL_KEYS = {"market_equity_column": "market_equity", "exchange_column": "exchange"}
ONE_SCHEME = [{"name": "equal"}]
THREE_SCHEMES = [*ONE_SCHEME, {"name": "vw_nyse", "breakpoints": "nyse", "weights": "value"},
                 {"name": "jkp", "breakpoints": "non_microcap", "weights": "capped_value",
                  "min_stocks_per_leg": 5, "min_breakpoint_stocks": 10}]
BUILDS = {"every SQL model": ["run", "--select", "path:models"], "every model": ["run"]}


def write_panel_with_exchange(workdir, stocks, months, characteristics):
    import duckdb

    from factor_warehouse.sources.panel_demo import write_panel

    demo = Path(workdir) / "demo.parquet"
    write_panel(demo, n_stocks=stocks, n_months=months, n_characteristics=max(characteristics, 6))
    panel = Path(workdir) / "panel.parquet"
    with duckdb.connect() as connection:
        connection.execute(f"copy (select *, 1 + hash(id) % 3 as exchange from read_parquet('{demo}')) "
                           f"to '{panel}' (format parquet)")
    return panel


def scheme_build(args, log_name, schemes, seeded, panel, workdir, pair):
    """`dbt <args>` with the portfolio schemes `schemes`, measured, into a fresh copy of the seeded warehouse."""
    database = workdir / "schemes.duckdb"
    shutil.copyfile(seeded, database)
    return dbt_measured(args, database, panel, workdir, f"{log_name}_{pair}.log", panel_keys=PANEL_KEYS,
                        dbt_vars={"portfolio_schemes": schemes})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stocks", type=int, default=1000, help="mean stocks per month (default 1000)")
    parser.add_argument("--months", type=int, default=120, help="months (default 120)")
    parser.add_argument("--characteristics", type=int, default=20, help="characteristics, at least 6 (default 20)")
    parser.add_argument("--pairs", type=int, default=3, help="one-scheme/three-scheme pairs per build (default 3)")
    parser.add_argument("--workdir", help="directory for the panel, warehouses and logs (default: a temp dir)")
    options = parser.parse_args(argv)

    workdir = Path(options.workdir or tempfile.mkdtemp(prefix="bench_schemes_"))
    workdir.mkdir(parents=True, exist_ok=True)
    panel = write_panel_with_exchange(workdir, options.stocks, options.months, options.characteristics)
    seeded = workdir / "seeded.duckdb"
    seeding = dbt_measured(["seed"], seeded, panel, workdir, "seed.log", panel_keys=PANEL_KEYS)
    if seeding["failed"]:
        raise SystemExit(f"dbt seed failed: {seeding['failed']}")
    lines = [f"panel: {options.stocks:,} stocks x {options.months:,} months x {options.characteristics} "
             "characteristics; one scheme [equal] against three [equal, vw_nyse, jkp], cold builds"]
    for build, args in BUILDS.items():
        lines.append(f"{build} (dbt {' '.join(args)}):")
        builds = [functools.partial(scheme_build, args, f"{label}_{build[:5]}", schemes, seeded, panel, workdir)
                  for label, schemes in (("one", ONE_SCHEME), ("three", THREE_SCHEMES))]
        lines += compare_pairs(options.pairs, *builds, ("one", "three"))
    lines.append(load_average_line())
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
