"""The demo monthly panel (factor_warehouse.sources.panel_demo, docs/panel_demo.md): the file
formats and their types as DuckDB reads them, determinism, the panel's structure (month ends,
listing, missing spells, persistence, tails, sectors) and the planted effects, recovered with
plain pandas from a written file of 2,000 stocks x 180 months."""

import hashlib
import json
import math

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import statsmodels.api as sm

from factor_warehouse.cli import panel_demo as panel_demo_cli
from factor_warehouse.sources import panel_demo

SMALL = {"n_stocks": 60, "n_months": 24, "n_characteristics": 9, "seed": 3, "start": "1999-11"}
RESEARCH = {"n_stocks": 2000, "n_months": 180, "n_characteristics": 12, "seed": 0}
HORIZONS = (1, 3, 6, 12)
NOISE = ("market_equity", "char_001", "char_002", "char_003", "char_004", "char_005")


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scan(path):
    """DuckDB's reader for the file (CSV types auto-detected)."""
    return f"read_parquet('{path}')" if path.suffix == ".parquet" else f"read_csv('{path}')"


@pytest.fixture(scope="module")
def small_files(tmp_path_factory):
    """The SMALL panel in every shape and format: {(shape, file_format): path}."""
    directory = tmp_path_factory.mktemp("panel_small")
    files = {}
    for shape in panel_demo.SHAPES:
        for file_format in panel_demo.FILE_FORMATS:
            path = directory / f"{shape}.{file_format}"
            panel_demo.write_panel(path, shape=shape, file_format=file_format, **SMALL)
            files[shape, file_format] = path
    return files


@pytest.fixture(scope="module")
def research_panel(tmp_path_factory):
    """The RESEARCH panel written as wide Parquet and read back: sorted by id and month, with
    ret_h{h} = the stock's ret_exc_lead1m h - 1 months later (its return in month t + h)."""
    path = tmp_path_factory.mktemp("panel_research") / "panel.parquet"
    panel_demo.write_panel(path, **RESEARCH)
    frame = duckdb.sql(f"select * from read_parquet('{path}') order by id, eom").df()
    for horizon in HORIZONS:
        frame[f"ret_h{horizon}"] = frame.groupby("id")["ret_exc_lead1m"].shift(-(horizon - 1))
    return frame


@pytest.fixture(scope="module")
def truth():
    return panel_demo.panel_truth(RESEARCH["n_characteristics"], HORIZONS).set_index("characteristic")


def monthly_rank_correlations(frame, x, y):
    """Spearman correlation of columns x and y within each month over rows with both: a Series by eom."""
    pairs = frame.loc[frame[x].notna() & frame[y].notna(), ["eom", x, y]]
    ranks = pairs.groupby("eom")[[x, y]].rank()
    centred = ranks - ranks.groupby(pairs["eom"]).transform("mean")
    sums = pd.DataFrame({"xy": centred[x] * centred[y], "xx": centred[x] ** 2, "yy": centred[y] ** 2}).groupby(pairs["eom"]).sum()
    return sums["xy"] / np.sqrt(sums["xx"] * sums["yy"])


def mean_rank_ic(frame, characteristic, horizon=1):
    return monthly_rank_correlations(frame, characteristic, f"ret_h{horizon}").mean()


def monthly_quintile_returns(frame, characteristic, horizon=1):
    """Each month's mean return of each quintile of the characteristic (sorted within the month):
    a frame of months x quintiles 1..5."""
    returns = f"ret_h{horizon}"
    rows = frame.loc[frame[characteristic].notna() & frame[returns].notna(), ["eom", characteristic, returns]]
    quintile = np.ceil(rows.groupby("eom")[characteristic].rank(method="first", pct=True) * 5).astype(int)
    return rows.groupby([rows["eom"], quintile])[returns].mean().unstack()


def mean_and_standard_error(monthly):
    """Mean of a monthly series and its standard error (months treated as independent)."""
    return monthly.mean(), monthly.std() / math.sqrt(len(monthly))


def long_short(frame, characteristic):
    """Mean and standard error of the monthly quintile 5 minus quintile 1 return."""
    quintiles = monthly_quintile_returns(frame, characteristic)
    return mean_and_standard_error(quintiles[5] - quintiles[1])


# --- files: determinism, schema, formats -------------------------------------------------------

@pytest.mark.parametrize("shape, file_format", [("wide", "parquet"), ("long", "parquet"), ("wide", "csv.gz")])
def test_same_arguments_give_byte_identical_files_and_another_seed_does_not(small_files, tmp_path, shape, file_format):
    again = panel_demo.write_panel(tmp_path / f"again.{file_format}", shape=shape, file_format=file_format, **SMALL)
    other_seed = panel_demo.write_panel(tmp_path / f"other.{file_format}", shape=shape, file_format=file_format,
                                        **{**SMALL, "seed": SMALL["seed"] + 1})
    assert sha256(again.path) == sha256(small_files[shape, file_format])
    assert sha256(other_seed.path) != sha256(again.path)
    assert not list(tmp_path.glob("*.partial"))


def test_values_do_not_depend_on_how_months_are_chunked(tmp_path):
    by_month = panel_demo.write_panel(tmp_path / "by_month.parquet", months_per_chunk=1, **SMALL)
    by_seven = panel_demo.write_panel(tmp_path / "by_seven.parquet", months_per_chunk=7, **SMALL)
    assert pq.ParquetFile(by_month.path).num_row_groups == SMALL["n_months"]
    assert pq.ParquetFile(by_seven.path).num_row_groups == math.ceil(SMALL["n_months"] / 7)
    first = pd.read_parquet(by_month.path)
    pd.testing.assert_frame_equal(first, pd.read_parquet(by_seven.path))
    assert first["be_me"].notna().sum() > 0


def test_wide_parquet_schema_types_and_metadata(small_files):
    path = small_files["wide", "parquet"]
    described = duckdb.sql(f"describe select * from {scan(path)}").fetchall()
    names = [item.name for item in panel_demo.characteristic_catalogue(SMALL["n_characteristics"])]
    assert [row[0] for row in described] == [*panel_demo.KEY_COLUMNS, *names]
    assert [row[1] for row in described] == ["BIGINT", "DATE", "DOUBLE", "VARCHAR"] + ["FLOAT"] * len(names)
    assert names[:7] == ["be_me", "ret_12_1", "niq_su", "sale_gr1", "gp_at", "market_equity", "div12m_me"]
    assert names[7:] == ["char_001", "char_002"]
    metadata = json.loads(pq.read_schema(path).metadata[panel_demo.METADATA_KEY])
    assert metadata == {"shape": "wide", **{key: str(value) if key == "start" else value for key, value in SMALL.items()}}
    rows = duckdb.sql(f"select count(*), count(distinct (id, eom)) from {scan(path)}").fetchone()
    assert rows == (SMALL["n_stocks"] * SMALL["n_months"],) * 2


def test_long_parquet_schema_and_types(small_files):
    described = duckdb.sql(f"describe select * from {scan(small_files['long', 'parquet'])}").fetchall()
    assert [(row[0], row[1]) for row in described] == [
        ("id", "BIGINT"), ("eom", "DATE"), ("ret_exc_lead1m", "DOUBLE"), ("sector", "VARCHAR"),
        ("characteristic", "VARCHAR"), ("value", "FLOAT")]


@pytest.mark.parametrize("shape", panel_demo.SHAPES)
@pytest.mark.parametrize("file_format", ["csv", "csv.gz"])
def test_csv_reads_back_with_the_parquet_types_and_values(small_files, shape, file_format):
    csv_path, parquet_path = small_files[shape, file_format], small_files[shape, "parquet"]
    csv_types = {row[0]: row[1] for row in duckdb.sql(f"describe select * from {scan(csv_path)}").fetchall()}
    parquet_types = {row[0]: row[1] for row in duckdb.sql(f"describe select * from {scan(parquet_path)}").fetchall()}
    assert list(csv_types) == list(parquet_types)
    assert csv_types == {name: "DOUBLE" if kind == "FLOAT" else kind for name, kind in parquet_types.items()}
    # float32 values are written as their shortest text, so casting back to FLOAT gives them exactly
    float_columns = [name for name, kind in parquet_types.items() if kind == "FLOAT"]
    as_float = ", ".join(f'cast("{name}" as float) as "{name}"' if name in float_columns else f'"{name}"'
                         for name in csv_types)
    differences = duckdb.sql(f"""
        select count(*) from ((select {as_float} from {scan(csv_path)}) except all (select * from {scan(parquet_path)}))
    """).fetchone()[0]
    assert differences == 0
    assert duckdb.sql(f"select count(*) from {scan(csv_path)}").fetchone() == \
        duckdb.sql(f"select count(*) from {scan(parquet_path)}").fetchone()


def test_long_holds_exactly_the_wide_values(small_files):
    wide, long = scan(small_files["wide", "parquet"]), scan(small_files["long", "parquet"])
    unpivoted = f"""(unpivot (select * from {wide}) on columns(* exclude (id, eom, ret_exc_lead1m, sector))
                     into name characteristic value value)"""
    only_wide = duckdb.sql(f"select count(*) from ({unpivoted} except all select * from {long})").fetchone()[0]
    only_long = duckdb.sql(f"select count(*) from (select * from {long} except all {unpivoted})").fetchone()[0]
    present = duckdb.sql(f"select count(*) from {long}").fetchone()[0]
    cells = SMALL["n_stocks"] * SMALL["n_months"] * SMALL["n_characteristics"]
    assert (only_wide, only_long) == (0, 0)
    assert 0.6 * cells < present < cells  # some values are missing, and have no long row


def test_write_panel_rejects_unknown_shapes_formats_starts_and_too_few_characteristics(tmp_path):
    with pytest.raises(ValueError, match="shape"):
        panel_demo.write_panel(tmp_path / "a.parquet", shape="tall", **SMALL)
    with pytest.raises(ValueError, match="file_format"):
        panel_demo.write_panel(tmp_path / "a.feather", **SMALL)
    with pytest.raises(ValueError, match="at least 5"):
        panel_demo.write_panel(tmp_path / "a.parquet", **{**SMALL, "n_characteristics": 4})
    with pytest.raises(ValueError, match="YYYY-MM"):
        panel_demo.write_panel(tmp_path / "a.parquet", **{**SMALL, "start": "1999-13"})
    assert not list(tmp_path.iterdir())


def test_command_line_writes_the_file_and_says_what_it_wrote(tmp_path, capsys):
    path = tmp_path / "panel.csv.gz"
    assert panel_demo_cli.main([str(path), "--stocks", "20", "--months", "6", "--characteristics", "5",
                                "--shape", "long", "--seed", "7"]) == 0
    printed = capsys.readouterr().out
    rows = duckdb.sql(f"select count(*) from {scan(path)}").fetchone()[0]
    assert f"long csv.gz, {rows:,} rows x 6 columns" in printed
    assert 0 < rows < 20 * 6 * 5
    with pytest.raises(SystemExit):
        panel_demo_cli.main([str(tmp_path / "bad.parquet"), "--characteristics", "3"])


# --- the calendar and the listing ------------------------------------------------------------

def test_month_ends_are_real_month_ends():
    assert [str(day) for day in panel_demo.month_ends(4, "1999-12")] == ["1999-12-31", "2000-01-31", "2000-02-29", "2000-03-31"]
    assert str(panel_demo.month_ends(2, "1900-02-14")[0]) == "1900-02-28"


def test_panel_months_are_consecutive_month_ends(research_panel):
    months = pd.DatetimeIndex(sorted(research_panel["eom"].unique()))
    assert len(months) == RESEARCH["n_months"]
    assert months.is_month_end.all()
    assert str(months[0].date()) == str(panel_demo.month_ends(1)[0]) == "1926-01-31"
    assert ((months[1:].to_period("M") - months[:-1].to_period("M")).map(lambda step: step.n) == 1).all()


def test_panel_is_unbalanced_with_unbroken_listings(research_panel):
    listed = research_panel.groupby("eom").size().to_numpy()
    np.testing.assert_array_equal(listed, panel_demo.alive_counts(RESEARCH["n_stocks"], RESEARCH["n_months"]))
    assert listed.max() - listed.min() > 0.15 * RESEARCH["n_stocks"]
    month_number = research_panel["eom"].dt.year * 12 + research_panel["eom"].dt.month
    spans = month_number.groupby(research_panel["id"]).agg(["min", "max", "count"])
    assert ((spans["max"] - spans["min"] + 1) == spans["count"]).all()  # no gaps, no duplicates
    first, last = month_number.min(), month_number.max()
    assert (spans["min"] > first).sum() > RESEARCH["n_stocks"]   # many enter after the first month
    assert (spans["max"] < last).sum() > RESEARCH["n_stocks"]    # and many leave before the last
    monthly_exit_rate = (spans["max"] < last).sum() / len(research_panel)
    assert monthly_exit_rate == pytest.approx(panel_demo.EXIT_HAZARD, rel=0.1)


def test_alive_counts_sum_exactly_and_rise_then_fall():
    counts = panel_demo.alive_counts(4000, 1000)
    assert counts.sum() == 4_000_000
    assert 3300 < counts.min() < 3400 < 4300 < counts.max() < 4400
    assert counts[500] > counts[0] and counts[500] > counts[-1]


def test_sectors_are_the_eleven_with_a_little_missing_and_constant_per_stock(research_panel):
    assert set(research_panel["sector"].dropna()) == set(panel_demo.SECTORS)
    missing_share = research_panel.groupby("id")["sector"].first().isna().mean()
    assert missing_share == pytest.approx(panel_demo.MISSING_SECTOR_SHARE, abs=0.01)
    assert (research_panel.groupby("id")["sector"].nunique(dropna=False) == 1).all()


# --- characteristics: missing spells, persistence, tails --------------------------------------

def test_missing_shares_are_near_their_configured_values(research_panel, truth):
    observed = research_panel[list(truth.index)].isna().mean()
    assert (observed - truth["missing_share"]).abs().max() < 0.03, pd.concat([observed, truth["missing_share"]], axis=1)
    assert observed.min() == 0 and observed.max() > 0.4


def test_missing_values_come_in_spells_not_independently(research_panel, truth):
    for characteristic in truth.index[truth["missing_share"] > 0]:
        missing = research_panel[characteristic].isna()
        before = missing.groupby(research_panel["id"]).shift(1)
        still_missing = missing[before == True].mean()  # noqa: E712 (before holds True/False/NaN)
        expected = 1 - 1 / truth.loc[characteristic, "missing_spell_months"]
        assert still_missing == pytest.approx(expected, abs=0.03), characteristic
        assert still_missing > truth.loc[characteristic, "missing_share"] + 0.3, characteristic


def test_rank_autocorrelation_matches_the_configured_persistence(research_panel, truth):
    without_ties = truth.index[truth["marginal"] != "zero_inflated"]
    for characteristic in without_ties:
        lagged = research_panel.assign(previous=research_panel.groupby("id")[characteristic].shift(1))
        observed = monthly_rank_correlations(lagged, characteristic, "previous").mean()
        expected = 6 / math.pi * math.asin(truth.loc[characteristic, "persistence"] / 2)  # Spearman of a normal pair
        assert observed == pytest.approx(expected, abs=0.005), characteristic
    assert truth.loc[without_ties, "persistence"].min() < 0.9 < 0.99 < truth.loc[without_ties, "persistence"].max()


def test_zero_inflated_characteristics_have_their_share_of_exact_zeros(research_panel, truth):
    for characteristic in truth.index[truth["marginal"] == "zero_inflated"]:
        present = research_panel[characteristic].dropna()
        assert (present == 0).mean() == pytest.approx(truth.loc[characteristic, "zero_share"], abs=0.02), characteristic
        assert (present >= 0).all()


def test_heavy_tails_in_characteristics_and_returns(research_panel):
    size = research_panel.groupby("eom")["market_equity"].agg(["min", "max"])
    assert (np.log10(size["max"] / size["min"]) > 4).all()  # market equity spans 4+ orders of magnitude
    returns = research_panel["ret_exc_lead1m"]
    within_month = returns - returns.groupby(research_panel["eom"]).transform("mean")
    assert within_month.kurt() > 5 and within_month.skew() > 0.5
    assert returns.min() > -1
    assert within_month.std() == pytest.approx(0.13, abs=0.01)


# --- the planted truth ----------------------------------------------------------------------

def test_planted_effect_adds_the_documented_terms():
    scores = {effect.characteristic: np.array([1.0, 1.0, -2.0]) for effect in panel_demo.PLANTED_EFFECTS}
    health_care = panel_demo.SECTORS.index("Health Care")
    effect = panel_demo.planted_effect(scores, np.array([health_care, -1, health_care]))
    # be_me + ret_12_1 + niq_su (linear), sale_gr1 (s^2 - 1), gp_at (Health Care only)
    expected = [0.003 + 0.004 + 0.005 + 0.0 + 0.012, 0.003 + 0.004 + 0.005, -2 * 0.012 + 3 * 0.004 - 2 * 0.012]
    np.testing.assert_allclose(effect, expected, atol=1e-15)


def test_score_quintile_moments_are_the_normal_ones():
    means, squares = panel_demo.score_quintile_moments()
    np.testing.assert_allclose(means, [-1.39981, -0.53190, 0.0, 0.53190, 1.39981], atol=1e-5)  # (pdf(a) - pdf(b)) / 0.2
    assert squares.mean() == pytest.approx(1.0)
    assert squares[2] < 0.03 < squares[0] - 2


# Estimates from the 2,000 x 180 panel are compared with the truth within 4 standard errors of
# their monthly series (planted long-short spreads are 11 to 20 standard errors from zero).

@pytest.mark.parametrize("characteristic", ["be_me", "ret_12_1", "niq_su"])
def test_linear_premia_have_the_planted_sign_and_size(research_panel, truth, characteristic):
    spread, standard_error = long_short(research_panel, characteristic)
    assert abs(spread - truth.loc[characteristic, "planted_spread_h1"]) < 4 * standard_error, (spread, standard_error)
    assert spread > 8 * standard_error
    quintiles = monthly_quintile_returns(research_panel, characteristic).mean()
    assert quintiles[1] < quintiles[3] < quintiles[5]
    assert mean_rank_ic(research_panel, characteristic) > 0.02


def test_earnings_surprise_predicts_less_at_longer_horizons_and_value_hardly_decays(research_panel, truth):
    surprise = [mean_rank_ic(research_panel, "niq_su", horizon) for horizon in HORIZONS]
    assert surprise[0] > surprise[1] > surprise[2] > surprise[3] > 0
    assert surprise[3] < surprise[0] / 3
    expected_ratio = truth.loc["niq_su", "planted_spread_h6"] / truth.loc["niq_su", "planted_spread_h1"]
    assert surprise[2] / surprise[0] == pytest.approx(expected_ratio, abs=0.12)
    value = [mean_rank_ic(research_panel, "be_me", horizon) for horizon in HORIZONS]
    assert value[3] > 0.7 * value[0]


def test_u_shaped_sales_growth_shows_in_the_extremes_not_in_the_rank_ic(research_panel, truth):
    quintiles = monthly_quintile_returns(research_panel, "sale_gr1")
    extremes, standard_error = mean_and_standard_error((quintiles[1] + quintiles[5]) / 2 - quintiles[3])
    assert abs(extremes - truth.loc["sale_gr1", "planted_spread_h1"]) < 4 * standard_error, (extremes, standard_error)
    assert extremes > 8 * standard_error
    rank_ic, rank_ic_error = mean_and_standard_error(monthly_rank_correlations(research_panel, "sale_gr1", "ret_h1"))
    assert abs(rank_ic) < 4 * rank_ic_error
    assert abs(long_short(research_panel, "sale_gr1")[0]) < extremes / 3


def test_gross_profitability_works_in_health_care_only(research_panel, truth):
    in_sector = research_panel["sector"] == "Health Care"
    spread, standard_error = long_short(research_panel[in_sector], "gp_at")
    assert abs(spread - truth.loc["gp_at", "planted_spread_h1"]) < 4 * standard_error, (spread, standard_error)
    assert mean_rank_ic(research_panel[in_sector], "gp_at") > 0.07
    outside, outside_error = long_short(research_panel[~in_sector], "gp_at")
    assert abs(outside) < 4 * outside_error and outside_error < spread / 10


@pytest.mark.parametrize("characteristic", NOISE)
def test_noise_characteristics_predict_nothing(research_panel, truth, characteristic):
    assert truth.loc[characteristic, "effect"] == "none"
    rank_ic, rank_ic_error = mean_and_standard_error(monthly_rank_correlations(research_panel, characteristic, "ret_h1"))
    assert abs(rank_ic) < 4 * rank_ic_error and rank_ic_error < 0.003
    spread, standard_error = long_short(research_panel, characteristic)
    assert abs(spread) < 4 * standard_error and standard_error < 0.0015


def test_dividend_yield_is_a_pure_market_loading(research_panel, truth):
    """div12m_me moves the stock's market loading (1 - 0.5 s) and nothing else: its high-minus-low
    quintile return loads negatively on the month's market (the equal-weighted mean return) and its
    intercept, the CAPM alpha, is within 4 standard errors of 0."""
    assert truth.loc["div12m_me", "effect"] == "market_loading" and truth.loc["div12m_me", "slope"] == -0.5
    assert truth.loc["div12m_me", "planted_spread_h1"] < 0
    quintiles = monthly_quintile_returns(research_panel, "div12m_me")
    spread = (quintiles[5] - quintiles[1]).rename("spread")
    market = research_panel.groupby("eom")["ret_exc_lead1m"].mean().rename("market")
    joined = pd.concat([spread, market], axis=1, join="inner")
    fit = sm.OLS(joined["spread"], sm.add_constant(joined["market"])).fit()
    assert fit.params["market"] < -0.5 and fit.tvalues["market"] < -20
    assert abs(fit.tvalues["const"]) < 4
