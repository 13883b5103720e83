"""The Kaggle reader on the trimmed real 2018 sample and on broken copies of it."""

import csv
import re
import shutil
import zipfile

import pandas as pd
import pytest

from factor_warehouse.sources.kaggle import KaggleInputError, find_files, load_directory, parse_file
from tests.conftest import KAGGLE_SAMPLE_DIR

SAMPLE = KAGGLE_SAMPLE_DIR / "2018_Financial_Data.csv"
CASE_PAIRS = [("niperEBT", "nIperEBT"), ("ebtperEBIT", "eBTperEBIT"), ("ebitperRevenue", "eBITperRevenue")]


def read_sample():
    with SAMPLE.open(newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_csv(path, header, body):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(body)
    return path


@pytest.fixture(scope="module")
def sample_tables():
    return load_directory(KAGGLE_SAMPLE_DIR)


@pytest.fixture(scope="module")
def sample_frame():
    return pd.read_csv(SAMPLE)


def test_ticker_column_has_an_empty_header_that_pandas_calls_unnamed_0(sample_tables, sample_frame):
    header, _ = read_sample()
    assert header[0] == ""
    ticker_column = sample_tables["columns"].query("column_role == 'ticker'")
    assert ticker_column["column_name"].tolist() == [""]
    assert sample_tables["rows"]["ticker"].tolist() == sample_frame["Unnamed: 0"].tolist()


def test_return_column_is_named_after_the_following_year(sample_tables, tmp_path):
    roles = sample_tables["columns"].set_index("column_role")["column_name"]
    assert roles["return"] == "2019 PRICE VAR [%]"
    header, body = read_sample()
    header = [("2015 PRICE VAR [%]" if name == "2019 PRICE VAR [%]" else name) for name in header]
    write_csv(tmp_path / "2014_Financial_Data.csv", header, body)
    columns, rows, _ = parse_file(tmp_path / "2014_Financial_Data.csv", 2014)
    assert columns.query("column_role == 'return'")["column_name"].tolist() == ["2015 PRICE VAR [%]"]
    assert rows["fiscal_year"].unique().tolist() == [2014]


def test_221_indicators_keep_their_exact_names_with_punctuation_and_case_pairs(sample_tables, sample_frame):
    indicators = sample_tables["columns"].query("column_role == 'indicator'")["column_name"].tolist()
    assert len(indicators) == 221
    assert indicators == [c for c in sample_frame.columns[1:] if c not in ("Sector", "2019 PRICE VAR [%]", "Class")]
    assert "Property, Plant & Equipment Net" in indicators
    assert "Net Income - Non-Controlling int" in indicators
    assert "Weighted Average Shs Out (Dil)" in indicators
    assert "Net cash flow / Change in cash" in indicators
    for lower, upper in CASE_PAIRS:
        assert lower in indicators and upper in indicators


def test_cells_hold_every_non_empty_value_of_the_file(sample_tables, sample_frame):
    cells = sample_tables["cells"]
    indicators = sample_frame.columns[1:-3]
    assert len(cells) == int(sample_frame[indicators].notna().sum().sum())
    operating_cycle = cells[cells["factor"] == "operatingCycle"]
    assert len(operating_cycle) == int(sample_frame["operatingCycle"].notna().sum()) > 0
    market_cap = cells[cells["factor"] == "Market Cap"]["cell_text"].astype(float)
    assert market_cap.max() == sample_frame["Market Cap"].max() == pytest.approx(4.452e13)


def test_sector_and_class_arrive_as_text(sample_tables, sample_frame):
    rows = sample_tables["rows"]
    assert rows["sector"].tolist() == sample_frame["Sector"].tolist()
    assert sorted(rows["class_text"].unique()) == ["0", "1"]


def test_zipped_file_reads_like_the_plain_one(sample_tables, tmp_path):
    with zipfile.ZipFile(tmp_path / "2018_Financial_Data.csv.zip", "w") as archive:
        archive.write(SAMPLE, "2018_Financial_Data.csv")
    zipped = load_directory(tmp_path)
    pd.testing.assert_frame_equal(zipped["cells"], sample_tables["cells"])
    assert zipped["rows"]["source_file"].unique().tolist() == ["2018_Financial_Data.csv.zip"]


def expect_error(tmp_path, pattern):
    with pytest.raises(KaggleInputError, match=pattern):
        load_directory(tmp_path)


def test_a_year_present_twice_is_an_error(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "2018_Financial_Data.csv")
    with zipfile.ZipFile(tmp_path / "2018_Financial_Data.csv.zip", "w") as archive:
        archive.write(SAMPLE, "2018_Financial_Data.csv")
    expect_error(tmp_path, re.escape("fiscal year 2018 is present twice (2018_Financial_Data.csv and "
                                     "2018_Financial_Data.csv.zip); keep one of them"))


def test_an_empty_file_is_an_error(tmp_path):
    (tmp_path / "2018_Financial_Data.csv").write_text("")
    expect_error(tmp_path, r"2018_Financial_Data\.csv: the file is empty")


def test_a_header_without_rows_is_an_error(tmp_path):
    header, _ = read_sample()
    write_csv(tmp_path / "2018_Financial_Data.csv", header, [])
    expect_error(tmp_path, r"2018_Financial_Data\.csv: the file has a header but no data rows")


def test_a_ragged_row_is_an_error_naming_its_line(tmp_path):
    header, body = read_sample()
    body[4] = body[4][:15]
    write_csv(tmp_path / "2018_Financial_Data.csv", header, body)
    expect_error(tmp_path, r"2018_Financial_Data\.csv, line 6: 15 fields where the header has 225; the row is ragged")


def test_a_misnamed_return_column_is_an_error(tmp_path):
    header, body = read_sample()
    header = [("2020 PRICE VAR [%]" if name == "2019 PRICE VAR [%]" else name) for name in header]
    write_csv(tmp_path / "2018_Financial_Data.csv", header, body)
    expect_error(tmp_path, re.escape("line 1: the return column of fiscal year 2018 must be named "
                                     "'2019 PRICE VAR [%]'; found '2020 PRICE VAR [%]' instead"))


def test_a_missing_return_column_is_an_error(tmp_path):
    header, body = read_sample()
    keep = [i for i, name in enumerate(header) if name != "2019 PRICE VAR [%]"]
    write_csv(tmp_path / "2018_Financial_Data.csv", [header[i] for i in keep], [[r[i] for i in keep] for r in body])
    expect_error(tmp_path, r"found no '\{YEAR\} PRICE VAR \[%\]' column")


def test_a_directory_without_kaggle_files_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    expect_error(tmp_path, r"no file named \{YEAR\}_Financial_Data\.csv")


def test_a_missing_directory_is_an_error(tmp_path):
    with pytest.raises(KaggleInputError, match="input directory does not exist"):
        find_files(tmp_path / "missing")


def test_a_header_that_looks_like_sql_is_just_a_name(tmp_path):
    header, body = read_sample()
    injected = 'x"; drop table y; --'
    header[header.index("Revenue")] = injected
    write_csv(tmp_path / "2018_Financial_Data.csv", header, body)
    tables = load_directory(tmp_path)
    assert injected in tables["cells"]["factor"].tolist()
