"""factor_mic as factor_warehouse.execution.model_units.cached_factor_mic computes it from
research.mic, against minepy called directly on the same inputs, on yearly periods
(2014-12-31 ...) and on monthly ones (scopes are years of periods, never months); parallel
equals sequential; the result cache recomputes exactly the pairs a change affects (counted by
calls to the statistics function, not by timings)."""

import re
import time
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
import pytest
from minepy import MINE

from factor_warehouse.execution import model_units
from factor_warehouse.execution.model_units import cached_factor_mic
from factor_warehouse.execution.result_cache import ResultCache
from factor_warehouse.execution.thread_pool import ProgressReport
from factor_warehouse.research import mic
from factor_warehouse.research.design_matrix import design_relations
from tests.project_vars import mic_options, mic_parameters

FACTORS = ("PE ratio", "niperEBT", "nIperEBT")  # the last two differ only in case
YEARS = (2014, 2015, 2016)
YEAR_ENDS = tuple(pd.Timestamp(f"{year}-12-31") for year in YEARS)  # yearly periods


def make_observations(n_stocks=60, periods=YEAR_ENDS, seed=7):
    """Observations as load_observations returns them: one row per (factor, period, stock_id),
    ordered by factor, period, stock_id; a few stock-periods missing per factor."""
    rng = np.random.default_rng(seed)
    alpha = {period: rng.normal(0, 20, n_stocks) for period in periods}  # one per stock-period
    rows = []
    for factor_index, factor in enumerate(sorted(FACTORS)):
        for period in periods:
            for stock_index in range(n_stocks):
                if (stock_index + factor_index) % 11 == 0:
                    continue  # factor missing for this stock-period
                rows.append((factor, period, f"T{stock_index:03d}", rng.random(), alpha[period][stock_index]))
    frame = pd.DataFrame(rows, columns=["factor", "period", "stock_id", "factor_rank", "target_value"])
    # one factor's rank a parabola of alpha, so the statistics are not all near zero
    parabola = frame["factor"] == "PE ratio"
    frame.loc[parabola, "factor_rank"] = (frame.loc[parabola, "target_value"] / 40) ** 2
    return frame


def design_of_observations(observations, targets_from=None):
    """The relations (ranks, targets) of design_matrix.design_relations holding `observations`:
    the factor ranks, and each stock-period's target value (of `targets_from`, default the
    observations themselves) as its alpha."""
    ranks = observations[["factor", "period", "stock_id", "factor_rank"]].rename(columns={"factor_rank": "pct_rank"})
    targets_from = observations if targets_from is None else targets_from
    targets = (targets_from[["stock_id", "period", "target_value"]].drop_duplicates(["stock_id", "period"])
               .rename(columns={"target_value": "alpha"}))
    return duckdb.from_df(ranks), duckdb.from_df(targets)


def direct_minepy(x, y, parameters):
    mine = MINE(alpha=parameters.alpha, c=parameters.c, est=parameters.estimator)
    mine.compute_score(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return {"mic": mine.mic(), "mas": mine.mas(), "mev": mine.mev(), "mcn": mine.mcn(0), "tic": mine.tic(norm=True)}


def run(observations, parameters=None, previous=None, targets_from=None, **options):
    """cached_factor_mic of the observations frame (design_of_observations), with the default
    settings but `options`; `previous`: the table of the previous run (a DataFrame), as the
    cache reads it (a DuckDB relation)."""
    relation = None if previous is None else duckdb.from_df(previous)
    cache = ResultCache("factor_mic", relation, lambda line: None)
    return cached_factor_mic(cache, design_of_observations(observations, targets_from), parameters or mic_parameters(),
                             **mic_options(**options))


@pytest.fixture
def count_statistics_calls(monkeypatch):
    """Counts the pairs actually sent to minepy."""
    calls = []
    original = mic.mic_statistics

    def counting(x, y, parameters):
        calls.append(len(x))
        return original(x, y, parameters)

    monkeypatch.setattr(mic, "mic_statistics", counting)
    return calls


@pytest.mark.parametrize("engine", ["numba", "minepy"])
@pytest.mark.parametrize("estimator", ["mic_e", "mic_approx"])
def test_each_row_equals_minepy_on_the_same_rows(estimator, engine):
    observations = make_observations()
    parameters = mic_parameters(estimator=estimator, alpha=0.6, c=15, engine=engine)
    table = run(observations, parameters=parameters, min_rows=2).table
    assert len(table) == len(FACTORS) * (1 + len(YEARS))
    for row in table.itertuples():
        rows = observations[observations["factor"] == row.factor]
        if row.scope != "pooled":
            rows = rows[rows["period"].dt.year == int(row.scope)]
        expected = direct_minepy(rows["factor_rank"], rows["target_value"], parameters)
        assert row.n == len(rows)
        for name, value in expected.items():
            assert getattr(row, name) == pytest.approx(value, abs=1e-12), (row.factor, row.scope, name)
        assert (row.engine, row.estimator, row.alpha_param, row.c_param, row.target) == (
            engine, estimator, 0.6, 15.0, "alpha")
    u_shaped = table[table["factor"] == "PE ratio"]["mic"]
    noise = table[table["factor"] != "PE ratio"]["mic"]
    assert u_shaped.min() > noise.max()


def test_factors_differing_only_in_case_stay_apart():
    table = run(make_observations(), min_rows=2).table
    assert {"niperEBT", "nIperEBT"} <= set(table["factor"])
    assert not table.duplicated(["factor", "scope"]).any()


@pytest.mark.parametrize("periods", [
    (pd.Timestamp("2015-12-31"),),  # one fiscal year
    tuple(pd.date_range("2015-01-31", periods=12, freq="ME")),  # the twelve months of one year
], ids=["one_fiscal_year", "twelve_months"])
def test_one_year_of_periods_gives_pooled_scope_only(periods):
    table = run(make_observations(periods=periods), min_rows=2).table
    assert sorted(table["scope"].unique()) == ["pooled"]
    assert len(table) == len(FACTORS)


def test_monthly_periods_have_one_scope_per_year_each_equal_to_minepy_on_its_months():
    months = tuple(pd.date_range("2014-01-31", periods=24, freq="ME"))  # 2014 and 2015
    observations = make_observations(n_stocks=15, periods=months)
    parameters = mic_parameters()
    table = run(observations, parameters=parameters, min_rows=2).table
    assert sorted(set(table["scope"])) == ["2014", "2015", "pooled"], "years of periods, never one scope per month"
    assert len(table) == len(FACTORS) * 3
    for row in table[table["scope"] != "pooled"].itertuples():
        rows = observations[(observations["factor"] == row.factor) & (observations["period"].dt.year == int(row.scope))]
        assert rows["period"].nunique() == 12 and row.n == len(rows)
        expected = direct_minepy(rows["factor_rank"], rows["target_value"], parameters)
        assert row.mic == pytest.approx(expected["mic"], abs=1e-9), (row.factor, row.scope)


def test_parallel_equals_sequential():
    observations = make_observations()
    sequential = run(observations, workers=1, now=datetime(2026, 1, 1)).table
    parallel = run(observations, workers=3, now=datetime(2026, 1, 1)).table
    pd.testing.assert_frame_equal(sequential, parallel)


def test_unchanged_inputs_recompute_nothing_nor_load_them(count_statistics_calls, monkeypatch):
    loads = []
    monkeypatch.setattr(model_units, "load_pairs", lambda *relations: loads.append(relations) or mic.load_pairs(*relations))
    observations = make_observations()
    cold = run(observations, workers=2)
    assert cold.computed == len(count_statistics_calls) == len(FACTORS) * (1 + len(YEARS))
    assert len(loads) == 1, "the pairs computed share one load"
    count_statistics_calls.clear()
    warm = run(observations, workers=2, previous=cold.table)
    assert (warm.computed, warm.reused, len(count_statistics_calls), len(loads)) == (0, len(cold.table), 0, 1)
    pd.testing.assert_frame_equal(warm.table, cold.table)


def test_changing_one_factor_in_one_year_recomputes_that_year_and_pooled(count_statistics_calls):
    observations = make_observations()
    cold = run(observations)
    changed = observations.copy()
    row = changed.index[(changed["factor"] == "niperEBT") & (changed["period"].dt.year == 2015)][0]
    changed.loc[row, "factor_rank"] = 0.123
    count_statistics_calls.clear()
    warm = run(changed, previous=cold.table)
    assert len(count_statistics_calls) == warm.computed == 2
    recomputed = warm.table.merge(cold.table, on=["factor", "scope"], suffixes=("", "_cold"))
    recomputed = recomputed[recomputed["input_fingerprint"] != recomputed["input_fingerprint_cold"]]
    assert sorted(zip(recomputed["factor"], recomputed["scope"])) == [("niperEBT", "2015"), ("niperEBT", "pooled")]


def test_changing_one_target_value_recomputes_its_year_and_pooled_for_every_factor(count_statistics_calls):
    observations = make_observations()
    cold = run(observations)
    changed = observations.copy()
    stock_period = (changed["stock_id"] == "T011") & (changed["period"].dt.year == 2016)
    changed.loc[stock_period, "target_value"] += 1.0
    assert changed.loc[stock_period, "factor"].nunique() == len(FACTORS) - 1  # PE ratio lacks it: still recomputed
    count_statistics_calls.clear()
    warm = run(changed, previous=cold.table)
    assert len(count_statistics_calls) == warm.computed == 2 * len(FACTORS)
    recomputed = warm.table.merge(cold.table, on=["factor", "scope"], suffixes=("", "_cold"))
    recomputed = recomputed[recomputed["input_fingerprint"] != recomputed["input_fingerprint_cold"]]
    assert set(recomputed["scope"]) == {"2016", "pooled"}


def test_a_pair_of_identical_values_is_computed_once_whatever_its_factor(count_statistics_calls):
    observations = make_observations()
    twin = observations[observations["factor"] == "PE ratio"].assign(factor="PE twin")
    with_twin = pd.concat([observations, twin], ignore_index=True)
    cold = run(with_twin)
    assert cold.computed == len(count_statistics_calls) == len(FACTORS) * (1 + len(YEARS))
    statistics = ["scope", *mic.STATISTICS, "input_fingerprint"]
    rows = cold.table.set_index("factor").loc[["PE ratio", "PE twin"], statistics].reset_index(drop=True)
    pd.testing.assert_frame_equal(rows.iloc[:4].reset_index(drop=True), rows.iloc[4:].reset_index(drop=True))
    count_statistics_calls.clear()
    # the twin's rows under a new name, the stock-periods' alpha unchanged
    renamed = run(twin.assign(factor="PE renamed"), previous=cold.table, targets_from=with_twin)
    assert (renamed.computed, renamed.reused, len(count_statistics_calls)) == (0, 1 + len(YEARS), 0)
    assert set(renamed.table["factor"]) == {"PE renamed"}


@pytest.mark.parametrize("change", [{"estimator": "mic_approx"}, {"alpha": 0.55}, {"c": 10}, {"engine": "minepy"}])
def test_changing_one_parameter_recomputes_everything(change, count_statistics_calls):
    observations = make_observations()
    cold = run(observations)
    count_statistics_calls.clear()
    warm = run(observations, parameters=mic_parameters(**change), previous=cold.table)
    assert len(count_statistics_calls) == warm.computed == len(cold.table)
    assert warm.reused == 0


def test_cache_from_a_table_of_another_shape_is_ignored(count_statistics_calls):
    observations = make_observations()
    cold = run(observations)
    old_shape = cold.table.drop(columns=["computed_at"])
    count_statistics_calls.clear()
    assert run(observations, previous=old_shape).computed == len(cold.table) == len(count_statistics_calls)


def test_pairs_below_min_rows_are_skipped_and_listed():
    observations = make_observations()
    few = observations[~((observations["factor"] == "PE ratio") & (observations["period"].dt.year == 2014)
                         & (observations["stock_id"] > "T010"))]
    result = run(few, min_rows=30)
    assert [(factor, scope) for factor, scope, n in result.skipped] == [("PE ratio", "2014")]
    assert ("PE ratio", "2014") not in set(zip(result.table["factor"], result.table["scope"]))
    assert (result.table["n"] >= 30).all()


def test_missing_values_are_refused_with_a_message():
    observations = make_observations()
    stock_period = (observations["stock_id"] == observations.loc[3, "stock_id"]) & (
        observations["period"] == observations.loc[3, "period"])
    observations.loc[stock_period, "target_value"] = np.nan
    with pytest.raises(ValueError, match="keep only rows where both exist"):
        run(observations)


@pytest.mark.parametrize("settings, message", [
    ({"estimator": "mic"}, "mic_estimator"),
    ({"alpha": 2.0}, "mic_alpha"),
    ({"c": 0}, "mic_c"),
    ({"engine": "fortran"}, "mic_engine"),
])
def test_invalid_parameters_name_the_setting(settings, message):
    with pytest.raises(ValueError, match=message):
        mic_parameters(**settings)


def test_progress_reports_done_total_rate_and_time_left():
    lines = []
    clock_values = iter([0.0, 5.0, 12.0, 30.0])
    progress = ProgressReport([1.0, 1.0, 2.0], lines.append, 10.0, "factor_mic: ", "pairs",
                              clock=lambda: next(clock_values))
    progress.advance(1.0)
    progress.maybe_report()  # t=5 s: within the interval, silent
    progress.advance(1.0)
    progress.maybe_report()  # t=12 s: 2/3 done, half the cost, 12 s more expected
    progress.advance(2.0)
    progress.maybe_report(force=True)
    assert lines == [
        "factor_mic: 2/3 pairs computed, 0.17 pairs/s, about 12s left",
        "factor_mic: 3/3 pairs computed, 0.10 pairs/s, about 0s left",
    ]


def test_load_observations_joins_where_both_exist_in_order():
    connection = duckdb.connect()
    connection.execute("""
        create table int_research__design_ranks as select stock_id, cast(period as date) as period, factor, pct_rank
        from (values
            ('B', '2014-01-31', 'PE ratio', 1.0), ('A', '2014-02-28', 'PE ratio', 0.5),
            ('A', '2014-01-31', 'PE ratio', 0.5), ('A', '2015-01-31', 'PE ratio', 1.0),
            ('A', '2014-01-31', 'ROE', 1.0)
        ) as t(stock_id, period, factor, pct_rank)""")
    connection.execute("""
        create table stock_periods as select stock_id, cast(period as date) as period, alpha, alpha_rank
        from (values
            ('A', '2014-01-31', 3.0, 1.0), ('B', '2014-01-31', -1.0, 0.3333), ('C', '2014-01-31', 2.0, 0.6667),
            ('A', '2014-02-28', 4.0, 1.0), ('A', '2015-01-31', null, null)
        ) as t(stock_id, period, alpha, alpha_rank)""")
    frame = mic.load_observations(*design_relations(connection.table("int_research__design_ranks"),
                                                    connection.table("stock_periods")))
    january, february = pd.Timestamp("2014-01-31"), pd.Timestamp("2014-02-28")
    assert list(frame.itertuples(index=False, name=None)) == [
        ("PE ratio", january, "A", 0.5, 3.0),
        ("PE ratio", january, "B", 1.0, -1.0),
        ("PE ratio", february, "A", 0.5, 4.0),
        ("ROE", january, "A", 1.0, 3.0),
    ]


def test_a_failing_pair_is_named_and_stops_the_queue(monkeypatch):
    calls = []

    def failing(x, y, parameters):
        calls.append(len(x))
        time.sleep(0.05)  # as a real pair takes a while, the pool sees the failure before the next pair starts
        raise MemoryError("no memory")

    monkeypatch.setattr(mic, "mic_statistics", failing)
    with pytest.raises(MemoryError, match="no memory") as raised:
        run(make_observations(), workers=1)
    assert any(re.fullmatch(r"while computing MIC engine numba on factor '.+', scope .+ \(n=\d+; .+\)", note)
               for note in raised.value.__notes__)
    assert len(calls) < len(FACTORS) * (1 + len(YEARS))
