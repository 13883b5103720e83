"""Benchmark: the factor evaluation tables built by dbt for every factor of a monthly panel, next to
alphalens-reloaded computing the same measures for a sample of factors on the same data.

    .venv/bin/python -m benchmarks.evaluation [--stocks 1000] [--months 240] [--characteristics 50]
                                              [--portfolios 2] [--alphalens-factors 3] [--workdir DIR]

Each stage runs in a fresh child process, so that its peak memory is its own: write the demo panel
(not timed); load, `dbt run` of the core models the evaluation reads (timed, not in the ratio);
warehouse, `dbt run` of factor_long_short_returns, factor_ic, factor_turnover,
factor_fama_macbeth_slopes and factor_summary with what they need beyond the load; alphalens,
its evaluation of --alphalens-factors factors, timed per factor, then its agreement with the
warehouse where the definitions coincide (not timed). Prints the warehouse's time for all factors,
alphalens' mean time per factor and their ratios, in wall and in CPU time (the dbt process's DuckDB
threads included; alphalens runs on one core), and each stage's peak memory; it is not a test.
"""

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

from benchmarks.common import load_average_line, add_panel_options, peak_rss_megabytes, run_child, timed_dbt_run, write_demo_panel

MODULE = "benchmarks.evaluation"
LOAD = ["+factor_values", "+stock_periods", "+periods"]
EVALUATION_TABLES = ["+factor_long_short_returns", "+factor_ic", "+factor_turnover", "+factor_fama_macbeth_slopes",
                     "factor_summary", "factor_portfolios"]
LOAD_RUN = ["run", "--select", *LOAD]
EVALUATION_RUN = ["run", "--select", *EVALUATION_TABLES, "--exclude", *LOAD]


def table(connection, sql, params=None):
    return connection.execute(sql, params or []).df()


def dates(series):
    import pandas as pd

    return pd.to_datetime(series).astype("datetime64[ns]")


def read_alphalens_input(database, sample_size):
    """Not timed: the sampled factors' values, the prices compounding alpha, and the warehouse's
    evaluation rows of those factors. The sample is evenly spaced along the factors ordered by their
    number of values; the prices make alphalens' 1-period forward return the warehouse's alpha
    (already the next month's return)."""
    import duckdb
    import numpy as np
    import pandas as pd

    with duckdb.connect(str(database), read_only=True) as connection:
        counts = table(connection, "select factor, count(*) as n_values from factor_values where value is not null "
                                   "group by factor order by n_values desc, factor")
        positions = sorted(set(np.linspace(0, len(counts) - 1, min(sample_size, len(counts))).round().astype(int)))
        sample = counts.iloc[positions].reset_index(drop=True)
        factors = sample["factor"].tolist()
        alpha = table(connection, "select period, stock_id, alpha from stock_periods where alpha is not null")
        sample["complete"] = sample["n_values"] == len(alpha)  # a value for every stock-month with an alpha
        values = table(connection, "select factor, period, stock_id, value from factor_values "
                                   "where value is not null and factor in (select unnest(?))", [factors])
        warehouse = {
            "portfolios": table(connection, "select factor, period, stock_id, portfolio from factor_portfolios "
                                            "where factor in (select unnest(?))", [factors]),
            "portfolio_alpha": table(connection, "select factor, period, portfolio, mean_alpha "
                                                 "from factor_portfolio_alpha where factor in (select unnest(?))",
                                     [factors]),
            "long_short": table(connection, "select factor, period, long_short_return from factor_long_short_returns "
                                            "where factor in (select unnest(?))", [factors]),
            "ic": table(connection, "select factor, period, rank_ic from factor_ic "
                                    "where horizon = 1 and factor in (select unnest(?))", [factors]),
            "turnover": table(connection, "select factor, period, portfolio, turnover, rank_autocorrelation "
                                          "from factor_turnover where factor in (select unnest(?))", [factors]),
            "performance": table(connection, "select factor, mean_rank_ic from factor_summary "
                                             "where factor in (select unnest(?))", [factors]),
        }
        n_factors = connection.execute("select count(*) from factor_summary").fetchone()[0]
        n_values = connection.execute("select count(*) from factor_values where value is not null").fetchone()[0]
    for frame in (values, alpha, *warehouse.values()):
        if "period" in frame:
            frame["period"] = dates(frame["period"])

    return sample, values, alpha, alphalens_prices(alpha), warehouse, {"n_factors": n_factors, "n_values": n_values}


def alphalens_prices(alpha):
    """alphalens' prices (dates x stocks) for monthly alpha (columns period, datetime64, stock_id and
    alpha in percent): price(t + 1) = price(t) (1 + alpha(t) / 100), 1 on a stock's first month, so
    that alphalens' 1-period forward return is alpha."""
    import pandas as pd

    growth = 1.0 + alpha.pivot(index="period", columns="stock_id", values="alpha").sort_index() / 100.0
    next_month_end = growth.index[-1] + pd.offsets.MonthEnd(1)
    prices = growth.cumprod().shift(1).reindex(growth.index.append(pd.DatetimeIndex([next_month_end])))
    prices.iloc[-1] = growth.cumprod().iloc[-1]
    prices = prices.mask(prices.isna() & growth.reindex(prices.index).notna(), 1.0)  # 1 on a stock's first month
    prices.index.name = "date"
    return prices


def time_alphalens(factor, prices, quantiles):
    """alphalens' evaluation of one factor, each call timed (wall), and its CPU seconds in all; the
    results."""
    import alphalens.performance as performance
    import alphalens.utils as utils

    seconds, started = {}, time.perf_counter()

    def lap(name):
        nonlocal started
        now = time.perf_counter()
        seconds[name] = now - started
        started = now

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):  # its "Dropped 0.0% entries"
        warnings.simplefilter("ignore")
        started, cpu_started = time.perf_counter(), time.process_time()
        factor_data = utils.get_clean_factor_and_forward_returns(factor, prices, quantiles=quantiles, periods=(1,),
                                                                 filter_zscore=None, max_loss=1.0)
        lap("get_clean_factor_and_forward_returns")
        quantile_means, _ = performance.mean_return_by_quantile(factor_data, by_date=True, demeaned=False)
        lap("mean_return_by_quantile")
        ic = performance.factor_information_coefficient(factor_data, group_adjust=False, by_group=False)
        lap("factor_information_coefficient")
        turnover = {quantile: performance.quantile_turnover(factor_data["factor_quantile"], quantile, period=1)
                    for quantile in range(1, quantiles + 1)}
        lap("quantile_turnover")
        autocorrelation = performance.factor_rank_autocorrelation(factor_data, period=1)
        lap("factor_rank_autocorrelation")
    cpu_seconds = time.process_time() - cpu_started
    return seconds, cpu_seconds, factor_data, quantile_means, ic, turnover, autocorrelation


def largest_difference(left, right):
    """max |left - right| over the index both have a value on (nan when none), and that count."""
    import pandas as pd

    both = pd.concat([left.rename("left"), right.rename("right")], axis=1, join="inner").dropna()
    return (float((both["left"] - both["right"]).abs().max()) if len(both) else float("nan")), len(both)


def agreement(name, quantiles, warehouse, alpha, results):
    """Differences between alphalens' results for one factor and the warehouse's rows (returns in
    percentage points, as the warehouse keeps them): quantile = portfolio, quantile means =
    factor_portfolio_alpha, top minus bottom = factor_long_short_returns, turnover and rank
    autocorrelation = factor_turnover, IC = factor_ic at horizon 1 (alphalens' h-period return
    compounds h months): both are Spearman's rho over the stock-months with a value and an alpha."""
    import pandas as pd

    _, _, factor_data, quantile_means, ic, turnover, autocorrelation = results
    column = factor_data.columns[0]  # the only forward-return column, '1D' on the inferred month calendar
    rows = {key: frame[frame["factor"] == name] for key, frame in warehouse.items()}
    data = factor_data.reset_index().rename(columns={"date": "period", "asset": "stock_id"})
    found = {}
    found["forward_return_minus_alpha"] = largest_difference(
        data.set_index(["period", "stock_id"])[column] * 100, alpha.set_index(["period", "stock_id"])["alpha"])
    merged = data.merge(rows["portfolios"], on=["period", "stock_id"], how="outer")
    found["quantile_not_portfolio"] = (int((merged["factor_quantile"] != merged["portfolio"]).sum()), len(merged))
    means = quantile_means[column].rename_axis(["portfolio", "period"]) * 100
    found["quantile_mean_return"] = largest_difference(
        means, rows["portfolio_alpha"].set_index(["portfolio", "period"])["mean_alpha"])
    spread = means.loc[quantiles] - means.loc[1]
    found["long_short_return"] = largest_difference(
        spread, rows["long_short"].set_index("period")["long_short_return"])
    found["rank_autocorrelation"] = largest_difference(
        autocorrelation, rows["turnover"].groupby("period")["rank_autocorrelation"].first())
    found["turnover"] = max(
        (largest_difference(series, rows["turnover"][rows["turnover"]["portfolio"] == quantile]
                            .set_index("period")["turnover"]) for quantile, series in turnover.items()),
        key=lambda item: (item[0], item[1]))
    found["rank_ic"] = largest_difference(ic[column], rows["ic"].set_index("period")["rank_ic"])
    found["mean_rank_ic"] = (abs(float(ic[column].mean()) - float(rows["performance"]["mean_rank_ic"].iloc[0])), 1)
    return {key: list(value) for key, value in found.items()}


def stage_alphalens(database, sample_size, quantiles):
    sample, values, alpha, prices, warehouse, sizes = read_alphalens_input(database, sample_size)
    factors = []
    for row in sample.itertuples():
        factor = (values[values["factor"] == row.factor].rename(columns={"period": "date", "stock_id": "asset"})
                  .set_index(["date", "asset"])["value"].sort_index())
        results = time_alphalens(factor, prices, quantiles)
        factors.append({"factor": row.factor, "n_values": int(row.n_values), "complete": bool(row.complete),
                        "seconds": results[0], "cpu_seconds": results[1],
                        "agreement": agreement(row.factor, quantiles, warehouse, alpha, results)})
    return {"factors": factors, "prices_shape": list(prices.shape), **sizes, "peak_rss_mb": peak_rss_megabytes()}


def report(options, written, load, warehouse, alphalens):
    n_factors = alphalens["n_factors"]
    per_factor = [sum(factor["seconds"].values()) for factor in alphalens["factors"]]
    mean_per_factor = sum(per_factor) / len(per_factor)
    values_per_factor = sum(factor["n_values"] for factor in alphalens["factors"]) / len(per_factor)
    extrapolated = mean_per_factor / values_per_factor * alphalens["n_values"]  # alphalens for every factor
    cpu_per_factor = sum(factor["cpu_seconds"] for factor in alphalens["factors"]) / len(per_factor)
    cpu_extrapolated = cpu_per_factor / values_per_factor * alphalens["n_values"]
    lines = [
        f"panel: {options.stocks:,} stocks x {options.months:,} months x {options.characteristics} characteristics "
        f"= {written['rows']:,} stock-months, {alphalens['n_values']:,} factor values, {n_factors} factors, "
        f"J = {options.portfolios} (written in {written['seconds']:.1f} s, not counted)",
        f"load, dbt run {' '.join(LOAD)} (not in the ratio): {load['wall_seconds']:.1f} s wall, "
        f"{load['cpu_seconds']:.1f} s CPU, run {load['run_seconds']:.1f} s, peak RSS {load['peak_rss_mb']:,.0f} MB",
        *(f"    {name:<44} {seconds:8.2f} s" for name, seconds in sorted(load["model_seconds"].items(),
                                                                        key=lambda item: -item[1])),
        f"warehouse, dbt run of the evaluation tables for all {n_factors} factors: {warehouse['wall_seconds']:.1f} s "
        f"wall (Python start-up and dbt parsing included), {warehouse['cpu_seconds']:.1f} s CPU, "
        f"run {warehouse['run_seconds']:.1f} s (2 threads), peak RSS {warehouse['peak_rss_mb']:,.0f} MB",
        *(f"    {name:<44} {seconds:8.2f} s" for name, seconds in sorted(warehouse["model_seconds"].items(),
                                                                        key=lambda item: -item[1])),
        f"alphalens-reloaded on {len(per_factor)} factors (prices {alphalens['prices_shape'][0]} dates x "
        f"{alphalens['prices_shape'][1]:,} stocks), peak RSS {alphalens['peak_rss_mb']:,.0f} MB:",
    ]
    for factor, seconds in zip(alphalens["factors"], per_factor):
        calls = ", ".join(f"{name} {value:.2f}" for name, value in factor["seconds"].items())
        lines.append(f"    {factor['factor']:<16} {factor['n_values']:>11,} values{' (complete)' if factor['complete'] else ''}"
                     f": {seconds:7.2f} s, {factor['cpu_seconds']:.2f} s CPU ({calls})")
    lines += [
        f"    mean per factor: {mean_per_factor:.2f} s ({cpu_per_factor:.2f} s CPU); all {n_factors} factors, "
        f"extrapolated by values: {extrapolated:,.0f} s ({cpu_extrapolated:,.0f} s CPU)",
        f"ratio alphalens per factor / warehouse for all factors: {mean_per_factor / warehouse['wall_seconds']:.2f}x "
        f"(whole dbt process), {mean_per_factor / warehouse['run_seconds']:.2f}x (dbt's run)",
        f"ratio alphalens for all factors (extrapolated) / warehouse for all factors: "
        f"{extrapolated / warehouse['wall_seconds']:.1f}x (whole dbt process), "
        f"{cpu_extrapolated / warehouse['cpu_seconds']:.1f}x in CPU time",
        "agreement, max |difference| over the rows both have (returns in percentage points):",
    ]
    for factor in alphalens["factors"]:
        found = factor["agreement"]
        differing, compared = found.pop("quantile_not_portfolio")
        ic, ic_rows = found.pop("rank_ic")
        mean_ic = found.pop("mean_rank_ic")[0]
        parts = [f"{key} {value:.2g} ({rows:,})" for key, (value, rows) in found.items()]
        lines.append(f"    {factor['factor']}: quantile != portfolio on {differing:,} of {compared:,} rows; "
                     f"{'; '.join(parts)}; rank_ic {ic:.2g} ({ic_rows:,}), mean {mean_ic:.2g}")
    lines.append(load_average_line())
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_panel_options(parser, stocks=1000, months=240, characteristics=50)
    parser.add_argument("--portfolios", type=int, default=2,
                        help="J, dbt var portfolio_count and alphalens' quantiles (default 2, the warehouse's)")
    parser.add_argument("--alphalens-factors", type=int, default=3, help="factors alphalens evaluates (default 3)")
    parser.add_argument("--stage", choices=["load", "warehouse", "alphalens"], help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.stage in ("load", "warehouse"):
        run = LOAD_RUN if options.stage == "load" else EVALUATION_RUN
        print(json.dumps(timed_dbt_run(run, options.database, json.loads(options.dbt_vars), options.workdir)))
        return 0
    if options.stage == "alphalens":
        print(json.dumps(stage_alphalens(options.database, options.alphalens_factors, options.portfolios)))
        return 0

    workdir = Path(options.workdir or tempfile.mkdtemp(prefix="bench_evaluation_"))
    workdir.mkdir(parents=True, exist_ok=True)
    written, database, dbt_vars = write_demo_panel(workdir, options.stocks, options.months, options.characteristics)
    dbt_vars["portfolio_count"] = options.portfolios
    arguments = ["--database", database, "--workdir", workdir, "--dbt-vars", json.dumps(dbt_vars),
                 "--alphalens-factors", options.alphalens_factors, "--portfolios", options.portfolios]
    print(f"wrote {workdir / 'panel.parquet'}; timing the load, the evaluation tables and alphalens, "
          "each in a fresh process", flush=True)
    load = run_child(MODULE, "load", arguments)
    warehouse = run_child(MODULE, "warehouse", arguments)
    alphalens = run_child(MODULE, "alphalens", arguments)
    print(report(options, written, load, warehouse, alphalens))
    return 0


if __name__ == "__main__":
    sys.exit(main())
