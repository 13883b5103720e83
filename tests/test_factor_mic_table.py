"""factor_mic as dbt builds it: on the demo warehouse (planted truth) and on the trimmed
real 2018 sample (one fiscal year, one period), and a warm rebuild that must reuse every row."""

import re
import shutil

import duckdb
import numpy as np
import pytest
from minepy import MINE

from factor_warehouse.cli.dbt_runner import run_dbt
from tests.conftest import KAGGLE_SAMPLE_DIR

SUMMARY_LINE = re.compile(r"factor_mic: (\d+) of \d+ pairs reused from the previous table, (\d+) computed")


def rebuild_factor_mic(database, tmp_path, dbt_vars):
    """Copy a built warehouse, run only factor_mic on the copy with its own log
    directory, and return (copy, computed, reused) as the run logged them."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(database, copy)
    log_path = tmp_path / "logs"
    result = run_dbt(["run", "--select", "factor_mic", "--log-path", str(log_path)], database=copy, dbt_vars=dbt_vars)
    assert result.success, f"factor_mic rebuild failed: {result.exception or result.result}"
    summaries = SUMMARY_LINE.findall((log_path / "dbt.log").read_text())
    assert len(summaries) == 1, f"expected one factor_mic summary line in {log_path / 'dbt.log'}, found {summaries}"
    reused, computed = map(int, summaries[0])
    return copy, computed, reused


def test_statistics_lie_in_their_ranges(demo_warehouse):
    low, high = demo_warehouse.sql(
        "select min(least(mic, mas, mev, tic)), max(greatest(mic, mas, mev, tic)) from factor_mic").fetchone()
    assert 0 <= low and high <= 1


def test_planted_u_shape_is_the_top_factor_by_pooled_mic(demo_warehouse):
    top = demo_warehouse.sql(
        "select factor from factor_mic where scope = 'pooled' order by mic desc limit 1").fetchone()[0]
    assert top == "Revenue Growth"


def test_demo_has_pooled_and_every_year_for_every_factor(demo_warehouse):
    scopes_per_factor = demo_warehouse.sql("""
        select distinct scopes from (
            select factor, list(scope order by scope) as scopes from factor_mic group by factor
        )""").fetchall()
    years = [str(year) for (year,) in demo_warehouse.sql(
        "select distinct year(period) as period_year from stock_periods order by period_year").fetchall()]
    assert scopes_per_factor == [(years + ["pooled"],)]


def test_one_year_of_periods_gives_pooled_rows_only(kaggle_sample_warehouse):
    assert kaggle_sample_warehouse.sql("select distinct scope from factor_mic").fetchall() == [("pooled",)]


def test_n_counts_stock_periods_where_both_exist_and_mic_matches_minepy(kaggle_sample_warehouse):
    """One factor recomputed here from the raw tables with minepy directly."""
    factor = "PE ratio"
    rows = kaggle_sample_warehouse.execute("""
        select factor_values.pct_rank, stock_periods.alpha
        from factor_values
        inner join stock_periods
            on factor_values.stock_id = stock_periods.stock_id and factor_values.period = stock_periods.period
        where factor_values.factor = ? and stock_periods.alpha is not null
        order by factor_values.period, factor_values.stock_id""", [factor]).fetchnumpy()
    n, mic, estimator, alpha_param, c_param = kaggle_sample_warehouse.execute(
        "select n, mic, estimator, alpha_param, c_param from factor_mic where factor = ? and scope = 'pooled'",
        [factor]).fetchone()
    mine = MINE(alpha=alpha_param, c=c_param, est=estimator)
    mine.compute_score(np.asarray(rows["pct_rank"], dtype=float), np.asarray(rows["alpha"], dtype=float))
    assert n == len(rows["alpha"])
    assert mic == pytest.approx(mine.mic(), abs=1e-9)


def test_only_pairs_below_min_rows_are_missing(kaggle_sample_warehouse):
    missing = kaggle_sample_warehouse.sql("""
        with usable as (
            select factor_values.factor, count(*) as n
            from factor_values
            inner join stock_periods
                on factor_values.stock_id = stock_periods.stock_id and factor_values.period = stock_periods.period
            where stock_periods.alpha is not null
            group by factor_values.factor
        )
        select usable.factor, usable.n
        from usable
        anti join factor_mic on factor_mic.factor = usable.factor""").fetchall()
    assert all(n < 30 for _, n in missing), missing


def test_warm_rebuild_recomputes_nothing(demo_warehouse, demo_database, tmp_path):
    before = demo_warehouse.sql("select * from factor_mic order by factor, scope").fetchall()
    copy, computed, reused = rebuild_factor_mic(demo_database, tmp_path, dbt_vars={})
    with duckdb.connect(str(copy), read_only=True) as rebuilt:
        after = rebuilt.sql("select * from factor_mic order by factor, scope").fetchall()
    assert (computed, reused) == (0, len(after))
    assert after == before  # same statistics, fingerprints and computed_at


def test_changing_the_estimator_recomputes_every_row(kaggle_sample_database, tmp_path):
    dbt_vars = {"kaggle_dir": str(KAGGLE_SAMPLE_DIR), "mic_estimator": "mic_approx"}
    copy, computed, reused = rebuild_factor_mic(kaggle_sample_database, tmp_path, dbt_vars)
    with duckdb.connect(str(copy), read_only=True) as rebuilt:
        estimators = rebuilt.sql("select distinct estimator from factor_mic").fetchall()
        distinct_inputs = rebuilt.sql("select count(distinct input_fingerprint) from factor_mic").fetchone()[0]
    assert estimators == [("mic_approx",)]
    assert (computed, reused) == (distinct_inputs, 0)
