"""The embedded demo data set (factor_warehouse.demo): the exact Kaggle file format,
determinism, realistic margins, and the planted truth documented in docs/demo_data.md,
checked on the default demo (1,000 tickers x 2014-2018, seed 0) as written to disk."""

import csv
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from minepy import MINE
from scipy import stats
from sklearn.feature_selection import f_regression

from factor_warehouse.sources import demo

PROJECT_DIR = Path(__file__).resolve().parents[1]
REAL_SAMPLE = PROJECT_DIR / "data" / "kaggle_2018_sample" / "2018_Financial_Data.csv"
CATEGORY_SEED = PROJECT_DIR / "data" / "seeds" / "factor_categories.csv"
YEARS = range(2014, 2019)
CATEGORIES = {"income statement", "balance sheet", "cash flow", "valuation", "profitability/efficiency",
              "growth", "per-share", "other"}


@pytest.fixture(scope="module")
def demo_directory(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo")
    demo.write_demo_files(directory)
    return directory


@pytest.fixture(scope="module")
def profile():
    return pd.read_csv(demo.PROFILE_PATH, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def stock_years(demo_directory):
    """All five demo files as one frame: the indicators, ticker, fiscal_year, price_var_pct, class
    and alpha by the warehouse's default `benchmark` method."""
    benchmark = demo.read_benchmark_returns()
    frames = []
    for year in YEARS:
        frame = pd.read_csv(demo_directory / demo.file_name(year), keep_default_na=False, na_values=[""])
        frame = frame.rename(columns={"Unnamed: 0": "ticker", demo.return_column(year): "price_var_pct"})
        derived = pd.DataFrame({"fiscal_year": year, "alpha": frame["price_var_pct"] - benchmark[year + 1]})
        frames.append(pd.concat([frame, derived], axis=1))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def factors(profile):
    return list(profile["header"])


@pytest.fixture(scope="module")
def pct_ranks(stock_years, factors):
    """pandas rank(pct=True) of every factor within its fiscal year (NaN stays NaN)."""
    return stock_years.groupby("fiscal_year")[factors].rank(pct=True)


def file_hashes(directory):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(Path(directory).iterdir())}


# --- the file format --------------------------------------------------------------------------

def test_header_line_is_the_real_header_byte_for_byte(demo_directory):
    real_header = REAL_SAMPLE.read_bytes().split(b"\n", 1)[0]
    assert b'"Property, Plant & Equipment Net"' in real_header
    for year in YEARS:
        header = (demo_directory / demo.file_name(year)).read_bytes().split(b"\n", 1)[0]
        expected = real_header.replace(b"2019 PRICE VAR [%]", demo.return_column(year).encode())
        assert header == expected, f"{demo.file_name(year)}: header differs from the real file's"


def test_pandas_sees_the_real_225_column_names(demo_directory):
    real_columns = list(pd.read_csv(REAL_SAMPLE, nrows=0).columns)
    for year in YEARS:
        columns = list(pd.read_csv(demo_directory / demo.file_name(year), nrows=0).columns)
        assert len(columns) == 225
        assert columns == [demo.return_column(year) if name == "2019 PRICE VAR [%]" else name for name in real_columns]
    assert {"niperEBT", "nIperEBT", "ebtperEBIT", "eBTperEBIT", "ebitperRevenue", "eBITperRevenue"} <= set(columns)


def test_every_row_has_as_many_fields_as_the_header(demo_directory):
    for year in YEARS:
        with open(demo_directory / demo.file_name(year), newline="") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) == 1001
        assert {len(row) for row in rows} == {225}


def test_data_lines_are_written_exactly_as_pandas_to_csv_writes_them():
    files, _ = demo.generate_demo(n_tickers=30, years=[2018])
    frame = files[2018]
    frame.loc[0, "Sector"] = 'Odd, "quoted" sector'  # needs quoting; demo sectors never do
    expected = frame.to_csv(header=False, index=False, lineterminator="\n")
    assert demo._csv_body(frame) == expected


def test_same_arguments_give_identical_bytes_and_another_seed_does_not(demo_directory, tmp_path):
    demo.write_demo_files(tmp_path / "again")
    assert file_hashes(tmp_path / "again") == file_hashes(demo_directory)
    demo.write_demo_files(tmp_path / "other_seed", n_tickers=50, years=[2018], seed=1)
    demo.write_demo_files(tmp_path / "small", n_tickers=50, years=[2018], seed=0)
    assert file_hashes(tmp_path / "other_seed") != file_hashes(tmp_path / "small")


def test_returns_the_written_paths_and_honours_n_tickers_and_years(tmp_path):
    paths = demo.write_demo_files(tmp_path, n_tickers=40, years=[2016, 2017])
    assert [path.name for path in paths] == ["2016_Financial_Data.csv", "2017_Financial_Data.csv"]
    assert [len(pd.read_csv(path)) for path in paths] == [40, 40]


def test_rejects_years_without_a_benchmark_return_and_tiny_universes(tmp_path):
    with pytest.raises(ValueError, match=r"benchmark_returns\.csv: no S&P 500 return for return_year \[2014\]"):
        demo.write_demo_files(tmp_path, years=[2013])
    with pytest.raises(ValueError, match="n_tickers=5; use at least 10"):
        demo.write_demo_files(tmp_path, n_tickers=5)


# --- tickers, sectors, class ------------------------------------------------------------------

def test_tickers_are_unique_real_looking_and_churn_across_years(stock_years):
    assert stock_years["ticker"].str.fullmatch(r"[A-Z]{1,5}").all()
    assert not stock_years.duplicated(["ticker", "fiscal_year"]).any()
    assert (stock_years.groupby("fiscal_year").size() == 1000).all()
    by_year = stock_years.groupby("fiscal_year")["ticker"].agg(set)
    for year in YEARS[1:]:
        assert len(by_year[year] - by_year[year - 1]) == 50, f"{year}: 5% of the tickers are new"
        assert len(by_year[year - 1] - by_year[year]) == 50, f"{year}: 5% of the tickers left"
    assert stock_years["ticker"].nunique() == 1200


def test_sectors_are_the_real_eleven_with_real_shares_and_fixed_per_ticker(stock_years):
    real_shares = pd.read_csv(REAL_SAMPLE)["Sector"].value_counts(normalize=True)
    demo_shares = stock_years.drop_duplicates("ticker")["Sector"].value_counts(normalize=True)
    assert set(demo_shares.index) == set(real_shares.index) and len(demo_shares) == 11
    committed = pd.read_csv(demo.SHARES_PATH).query("attribute == 'sector'").set_index("value")["share"]
    assert (demo_shares - committed).abs().max() < 0.03
    assert (stock_years.groupby("ticker")["Sector"].nunique() == 1).all()


def test_class_follows_the_real_files_rule_zero_return_is_class_1(stock_years):
    real = pd.read_csv(REAL_SAMPLE)
    assert ((real["2019 PRICE VAR [%]"] >= 0).astype(int) == real["Class"]).all()
    assert ((stock_years["price_var_pct"] >= 0).astype(int) == stock_years["Class"]).all()
    assert set(stock_years["Class"]) == {0, 1}


def test_benchmark_alpha_recovers_the_planted_alpha(stock_years):
    truth = demo.demo_truth()
    merged = stock_years.merge(truth, on=["ticker", "fiscal_year"], validate="one_to_one")
    assert len(merged) == len(truth) == 5000
    np.testing.assert_allclose(merged["alpha_x"], merged["alpha_y"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(merged["alpha_y"], demo.planted_alpha(merged["u_market_cap"], merged["u_pe_ratio"],
                                                                     merged["u_revenue_growth"], merged["noise"]),
                               rtol=0, atol=1e-12)
    assert (merged["price_var_pct_x"] > -100).all()


# --- realistic margins ------------------------------------------------------------------------

def test_missing_rates_and_zero_shares_follow_the_profile(stock_years, profile):
    indicators = stock_years[profile["header"]]
    missing = indicators.isna().mean().to_numpy()
    assert np.abs(missing - profile["missing_rate"].to_numpy()).max() < 0.03
    assert indicators["operatingCycle"].isna().mean() > 0.99
    zero_share = (indicators == 0).sum() / indicators.notna().sum()
    present = indicators.notna().sum().to_numpy() > 500
    assert np.abs(zero_share.to_numpy() - profile["share_zero"].to_numpy())[present].max() < 0.04


def test_values_lie_within_the_real_0_1_to_99_9_percentiles_except_the_planted_extremes(stock_years, profile):
    planted = {(factor, extreme) for factor, _, extreme in demo.MISTYPED_EXTREMES}
    for row in profile.itertuples(index=False):
        low, high = row[profile.columns.get_loc("quantile_0.001")], row[profile.columns.get_loc("quantile_0.999")]
        if row.share_zero > 0:  # the zero atom is kept exactly, even where it lies beyond those quantiles
            low, high = min(low, 0.0), max(high, 0.0)
        values = stock_years[row.header].dropna()
        values = values[[(row.header, value) not in planted for value in values]]
        tolerance = 1e-5 * max(abs(low), abs(high), 1e-300)  # values are rounded to 6 significant digits
        assert values.between(low - tolerance, high + tolerance).all(), row.header


def test_each_year_has_the_planted_mistyped_extremes_on_the_extreme_draw(stock_years, pct_ranks):
    for factor, which, extreme in demo.MISTYPED_EXTREMES:
        for year, group in stock_years.groupby("fiscal_year"):
            hits = group.index[group[factor] == extreme]
            assert len(hits) == 1, f"{factor} {year}"
            expected_rank = 1.0 if which == "largest" else 1 / group[factor].notna().sum()
            assert pct_ranks.loc[hits[0], factor] == expected_rank
    assert stock_years["Market Cap"].max() == 4.452e13


# --- the planted truth, as the warehouse will measure it -----------------------------------------

def test_f_regression_ranks_market_cap_and_pe_ratio_top_two(stock_years, pct_ranks):
    filled = pct_ranks.fillna(pct_ranks.mean())  # the article's treatment of missing ranks
    filled = filled.loc[:, filled.notna().all() & (filled.std() > 0)]
    scores, _ = f_regression(filled, stock_years["alpha"])
    top_two = pd.Series(scores, index=filled.columns).nlargest(2)
    assert set(top_two.index) == {"Market Cap", "PE ratio"}


def test_linear_fit_misses_the_u_shaped_revenue_growth(stock_years, pct_ranks):
    present = pct_ranks["Revenue Growth"].notna()
    fit = stats.linregress(pct_ranks.loc[present, "Revenue Growth"], stock_years.loc[present, "alpha"])
    assert abs(fit.slope / fit.stderr) < 2


def test_mic_of_revenue_growth_beats_the_linear_factors_and_noise(stock_years, pct_ranks, profile):
    # A fixed spread of well-covered noise factors (MIC at n=5,000 for all 221 is too slow for a test).
    covered = profile.loc[profile["missing_rate"] < 0.5, "header"]
    noise = [factor for factor in covered if factor not in demo.PLANTED_FACTORS][::9][:20]
    assert len(noise) == 20
    mic = {}
    for factor in [*demo.PLANTED_FACTORS, *noise]:
        present = pct_ranks[factor].notna()
        mine = MINE(alpha=0.6, c=15, est="mic_e")
        mine.compute_score(pct_ranks.loc[present, factor].to_numpy(), stock_years.loc[present, "alpha"].to_numpy())
        mic[factor] = mine.mic()
    others = {factor: value for factor, value in mic.items() if factor != "Revenue Growth"}
    assert mic["Revenue Growth"] > max(others.values()), mic


@pytest.mark.parametrize("factor, sign", [("Market Cap", 1), ("PE ratio", -1)])
def test_median_split_spread_has_the_planted_sign_every_year(stock_years, factor, sign):
    for year, group in stock_years.groupby("fiscal_year"):
        median = group[factor].median()
        spread = group.loc[group[factor] > median, "alpha"].mean() - group.loc[group[factor] < median, "alpha"].mean()
        assert np.sign(spread) == sign, f"{factor} {year}: spread {spread:.2f}"


# --- the committed profile and the category seed ------------------------------------------------

def test_profile_function_reproduces_numpy_quantiles_on_the_real_sample():
    columns, shares = demo.profile_kaggle_file(REAL_SAMPLE)
    real = pd.read_csv(REAL_SAMPLE)
    assert list(columns["header"]) == list(real.columns[1:222])
    assert list(columns["header"]) == list(pd.read_csv(demo.PROFILE_PATH)["header"])
    for header in ("Market Cap", "Revenue Growth", "niperEBT", "nIperEBT"):
        values = real[header].dropna()
        row = columns.set_index("header").loc[header]
        assert row["missing_rate"] == pytest.approx(real[header].isna().mean(), abs=1e-12)
        assert row["share_zero"] == pytest.approx((values == 0).mean(), abs=1e-12)
        np.testing.assert_allclose([row[f"quantile_{p}"] for p in demo.QUANTILE_PROBABILITIES],
                                   np.quantile(values, demo.QUANTILE_PROBABILITIES), rtol=1e-12)
    for attribute in ("sector", "ticker_length"):
        assert shares.query("attribute == @attribute")["share"].sum() == pytest.approx(1.0)


def test_quantile_function_keeps_the_zero_atom_and_is_monotone():
    loaded = demo.load_profile()
    pe_ratio = loaded.knots[loaded.headers.index("PE ratio")]
    u = np.linspace(0, 1, 10_001)
    values = demo.quantile_function(pe_ratio, u)
    assert (np.diff(values) >= 0).all()
    share_zero = pd.read_csv(demo.PROFILE_PATH).set_index("header").loc["PE ratio", "share_zero"]
    assert (values == 0).mean() == pytest.approx(share_zero, abs=1e-3)


def test_round_significant_keeps_six_digits_without_float_noise():
    rounded = demo.round_significant(np.array([498264123.7, 0.07491234, -19201885.0, 0.0, 4.452e13]))
    assert [repr(float(value)) for value in rounded] == ["498264000.0", "0.0749123", "-19201900.0", "0.0", "44520000000000.0"]


def test_factor_categories_seed_has_each_real_header_once_with_a_known_category():
    with open(CATEGORY_SEED, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["factor"] for row in rows] == list(pd.read_csv(demo.PROFILE_PATH)["header"])
    assert len(rows) == 221
    assert {row["category"] for row in rows} == CATEGORIES
    category = {row["factor"]: row["category"] for row in rows}
    assert category["Market Cap"] == category["PE ratio"] == "valuation"
    assert category["Revenue Growth"] == "growth"
    assert category["niperEBT"] == category["nIperEBT"] == "profitability/efficiency"
    growth_named = [factor for factor in category if re.search(r"growth( \(per share\))?$", factor, re.IGNORECASE)]
    assert len(growth_named) == 34
    assert {category[factor] for factor in growth_named} == {"growth"}
