"""The report on a one-period warehouse (the trimmed real 2018 sample): every figure either draws
what one cross-section can show (bars of the median split, the cross-sectional slopes of
factor_regressions with Student t intervals, the models' in-sample rank IC) or says how many
periods it needs; the statistics left null say why. And table factor_duplicates: on the real
columns it is exactly the pairs a brute-force pass over every pair finds, screening on a sample
of stock-periods finds the same pairs, and the figures leave the twins out."""

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.report.document import render
from factor_warehouse.report.factor_sort_figures import figure_median_split_alpha, figure_spread_t_statistics
from factor_warehouse.report.mic_figures import figure_mic_against_rank_ic
from factor_warehouse.report.model_figures import figure_regression_lines, figure_walk_forward_rank_ic
from factor_warehouse.report.null_statistics import null_statistics
from factor_warehouse.report.queries import Twin, Twins
from tests.conftest import KAGGLE_SAMPLE_DIR
from tests.test_report import FIGURE_COUNT, bars_and_half_widths, parse

MIN_SHARED = 30  # factor_duplicates_min_shared's default


@pytest.fixture(scope="module")
def sample_report(kaggle_sample_database, tmp_path_factory):
    output = tmp_path_factory.mktemp("one_period") / "report.html"
    return render(kaggle_sample_database, output).read_text(encoding="utf-8")


def test_figures_over_time_say_how_many_periods_they_need(sample_report):
    figures = parse(sample_report).figures
    assert len(figures) == FIGURE_COUNT
    cumulative, decay, hurdle, schemes = (figures[f"figure-{number}"] for number in (9, 10, 11, 12))
    assert cumulative["images"] == [] and cumulative["empty"] == [
        "This panel is empty: a cumulative return needs two periods or more; this warehouse has 1 (2018)"]
    for figure in (decay, hurdle, schemes):
        assert figure["images"] == []
        assert "needs at least 3 periods" in figure["empty"][0] and "this warehouse has 1 (2018)" in figure["empty"][0]
    for alpha_t in (figures["figure-13"], figures["figure-14"]):
        assert alpha_t["images"] == [] and "no factor has a CAPM long-short alpha t" in alpha_t["empty"][0]
        assert "this warehouse has 1 (2018)" in alpha_t["empty"][0]


def test_figures_of_a_cross_section_draw_their_one_period_alternative(sample_report):
    figures = parse(sample_report).figures
    for number in range(1, 9):
        assert len(figures[f"figure-{number}"]["images"]) == 1, f"figure-{number}: {figures[f'figure-{number}']}"
    assert any(note.startswith("Note on one period (2018)") for note in figures["figure-1"]["note"])
    [slopes_note] = [note for note in figures["figure-2"]["note"] if "one cross-section" in note]
    assert "this warehouse has 1 (2018)" in slopes_note and "cross-sectional slope" in slopes_note
    [models_note] = figures["figure-8"]["note"]
    assert "at least two years" in models_note and "in-sample rank IC" in models_note


def test_one_period_median_split_is_bars_of_each_side(kaggle_sample_warehouse):
    drawn = figure_median_split_alpha(kaggle_sample_warehouse)
    axis = drawn.figure.axes[0]
    factors = [label.get_text().replace("\n", " ") for label in axis.get_xticklabels()]
    assert "Market Cap" in factors
    expected = kaggle_sample_warehouse.execute(
        "select factor, side, mean_alpha from factor_median_split_alpha where list_contains(?, factor)",
        [factors]).df().set_index(["factor", "side"])["mean_alpha"]
    above, below = axis.containers
    for container, side in ((above, "above"), (below, "below")):
        heights = [patch.get_height() for patch in container.patches]
        np.testing.assert_allclose(heights, [expected[(factor, side)] for factor in factors])


def test_one_period_slopes_have_student_t_intervals(kaggle_sample_warehouse):
    drawn = figure_spread_t_statistics(kaggle_sample_warehouse)
    axis = drawn.figure.axes[0]
    factors = [label.get_text().split("  t=")[0] for label in axis.get_yticklabels()]
    assert len(factors) == 20
    rows = kaggle_sample_warehouse.execute(
        "select factor, slope, slope_standard_error, n, slope_t_statistic from factor_regressions "
        "where list_contains(?, factor)", [factors]).df().set_index("factor").loc[factors]
    assert list(rows["slope_t_statistic"]) == sorted(rows["slope_t_statistic"])
    bars, half_widths = bars_and_half_widths(axis)
    np.testing.assert_allclose([bar.get_width() for bar in bars], rows["slope"])
    np.testing.assert_allclose(half_widths, stats.t.ppf(0.975, rows["n"] - 2) * rows["slope_standard_error"])
    widest, narrowest = stats.t.ppf(0.975, [rows["n"].min() - 2, rows["n"].max() - 2])
    assert f"{widest:.2f} s.e. (Student t, {rows['n'].min() - 2} to {rows['n'].max() - 2} degrees of freedom)" in (
        axis.get_xlabel())
    assert f"+/- {narrowest:.2f}" in axis.get_xlabel()


def test_one_year_draws_each_models_in_sample_rank_ic(kaggle_sample_warehouse):
    drawn = figure_walk_forward_rank_ic(kaggle_sample_warehouse)
    axis = drawn.figure.axes[0]
    expected = kaggle_sample_warehouse.execute(
        "select model, rank_ic from alpha_model_metrics where evaluation = 'in_sample' and scope = 'all' "
        "order by model").fetchall()
    assert [label.get_text() for label in axis.get_xticklabels()] == [model for model, _ in expected]
    np.testing.assert_allclose([patch.get_height() for patch in axis.containers[0].patches],
                               [rank_ic for _, rank_ic in expected])


def test_null_statistics_quote_each_tables_notes(kaggle_sample_warehouse):
    found = null_statistics(kaggle_sample_warehouse)
    # one year: no factor has a spread in 2 periods, and the note of each says so
    one_period = [line for line in found if line.table == "factor_summary"
                  and "spread_standard_deviation, spread_t_statistic and spread_t_statistic_rank need a long-short "
                      "return in at least 2 periods; this factor has 1" in line.why]
    assert sum(line.null_rows for line in one_period) == kaggle_sample_warehouse.execute(
        "select count(*) from factor_summary where spread_periods = 1").fetchone()[0] > 200
    for table in ("factor_summary", "factor_ic", "factor_turnover"):
        notes = {line.why: line.null_rows for line in found if line.table == table}
        assert notes and notes == dict(kaggle_sample_warehouse.execute(
            f"select statistics_note, count(*) from {table} where statistics_note is not null group by 1").fetchall())
    for line in found:  # every line is what its own SQL says
        assert (line.why, line.null_rows, line.total_rows) in kaggle_sample_warehouse.execute(line.sql).fetchall()


def test_the_report_lists_the_null_statistics_and_the_duplicates(sample_report):
    assert '<table id="null-statistics">' in sample_report and '<tr data-table="factor_summary">' in sample_report
    assert '<table id="duplicate-factors">' in sample_report
    assert "<td>PB ratio</td><td>priceBookValueRatio</td>" in sample_report


# ------------------------------------------------------------------------------- factor_duplicates


def brute_force_duplicates(connection):
    """Every pair of factors compared on all the stock-periods they share, in pandas:
    {(twin, representative): (n_shared, identical_values, rank_correlation)}."""
    values = connection.execute("select stock_id, period, factor, value, pct_rank from factor_values").df()
    wide_values = values.pivot(index=["stock_id", "period"], columns="factor", values="value")
    wide_ranks = values.pivot(index=["stock_id", "period"], columns="factor", values="pct_rank")[wide_values.columns]
    present = wide_values.notna().to_numpy()
    shared = present.T.astype(int) @ present.astype(int)
    correlations = wide_ranks.corr(min_periods=2).to_numpy()
    numbers = wide_values.to_numpy()
    order = connection.execute("select factor, column_number from factors").df().set_index("factor")["column_number"]
    preference = {factor: (-present[:, index].sum(), order[factor], factor)
                  for index, factor in enumerate(wide_values.columns)}
    found = {}
    for first in range(len(wide_values.columns)):
        both = present[:, [first]] & present
        identical = ((numbers[:, [first]] == numbers) | ~both).all(axis=0)
        for second in range(first + 1, len(wide_values.columns)):
            correlation = correlations[first, second]
            if shared[first, second] >= MIN_SHARED and (identical[second] or correlation > 0.99):
                pair = sorted(wide_values.columns[[first, second]], key=preference.get)
                found[(pair[1], pair[0])] = (shared[first, second], bool(identical[second]), correlation)
    return found


def duplicates_table(connection):
    rows = connection.execute(
        "select factor, representative, n_shared, identical_values, rank_correlation from factor_duplicates").fetchall()
    return {(factor, representative): tuple(rest) for factor, representative, *rest in rows}


def test_duplicates_are_every_pair_identical_or_rank_correlated_above_099(kaggle_sample_warehouse):
    table, expected = duplicates_table(kaggle_sample_warehouse), brute_force_duplicates(kaggle_sample_warehouse)
    assert sorted(table) == sorted(expected)
    for pair, (n_shared, identical, correlation) in expected.items():
        assert table[pair][:2] == (n_shared, identical), pair
        assert table[pair][2] == pytest.approx(correlation, abs=1e-12)
    assert table[("PB ratio", "priceBookValueRatio")][:2] == (237, True)  # the same column twice in the real file
    assert not table[("Weighted Average Shs Out (Dil)", "Weighted Average Shs Out")][1]  # rank-correlated only


def test_screening_a_third_of_the_stock_periods_finds_the_same_duplicates(kaggle_sample_database, tmp_path):
    database = tmp_path / "warehouse.duckdb"
    shutil.copyfile(kaggle_sample_database, database)
    result = run_dbt(["run", "--select", "factor_duplicates"], database=database,
                     dbt_vars={"kaggle_dir": str(KAGGLE_SAMPLE_DIR), "factor_duplicates_sample_stock_periods": 100})
    assert result.success, result.exception
    with duckdb.connect(str(kaggle_sample_database), read_only=True) as full, \
            duckdb.connect(str(database), read_only=True) as screened:
        assert screened.execute("select count(*) from stock_periods").fetchone()[0] == 300
        expected, found = duplicates_table(full), duplicates_table(screened)
    assert sorted(found) == sorted(expected) and len(expected) > 30
    for pair, (n_shared, identical, correlation) in expected.items():
        assert found[pair][:2] == (n_shared, identical) and found[pair][2] == pytest.approx(correlation, abs=1e-12)


def test_figures_leave_twins_out_and_say_which(kaggle_sample_warehouse):
    drawn = figure_mic_against_rank_ic(kaggle_sample_warehouse)
    [note] = [note for note in drawn.notes if note.startswith("duplicates:")]
    assert "'PB ratio'" in note and "'priceBookValueRatio'" not in note
    twins = {factor for factor, _ in duplicates_table(kaggle_sample_warehouse)}
    plotted = drawn.figure.axes[0].collections[0].get_offsets()
    assert len(plotted) == kaggle_sample_warehouse.execute(
        "select count(*) from factor_mic inner join factor_summary using (factor) "
        "where scope = 'pooled' and mean_rank_ic is not null and not list_contains(?, factor)", [list(twins)]
    ).fetchone()[0]
    assert not {row[1] for row in drawn.table.rows} & twins
    # the article's PE ratio and ROE are drawn although each repeats another column, which is then not drawn
    lines = figure_regression_lines(kaggle_sample_warehouse)
    titles = [axis.get_title() for axis in lines.figure.axes]
    assert titles[:2] == ["PE ratio (article)", "ROE (article)"]
    assert not {"priceEarningsRatio", "returnOnEquity"} & {title.split(" (")[0] for title in titles}


def test_choosing_factors_skips_twins_and_partners_of_factors_drawn():
    twins = Twins((Twin("PB ratio", "priceBookValueRatio", "identical"), Twin("PE ratio", "priceEarningsRatio", "same")))
    ranked = ["PB ratio", "priceEarningsRatio", "priceBookValueRatio", "Market Cap", "ROE"]
    chosen, left_out = twins.choose(ranked, 2, drawn=["PE ratio"])
    assert chosen == ["priceBookValueRatio", "Market Cap"]
    assert [(factor, pair.representative) for factor, pair in left_out] == [
        ("PB ratio", "priceBookValueRatio"), ("priceEarningsRatio", "priceEarningsRatio")]
    assert left_out[1][1].describe("priceEarningsRatio") == "'priceEarningsRatio' (duplicate of 'PE ratio': same)"
