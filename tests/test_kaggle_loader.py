"""The Kaggle reader on the trimmed real 2018 sample and on broken copies of it; the small cases
of bad input are in tests/input_corpus (tests/test_input_corpus.py)."""

import csv
import re
import shutil
import zipfile

import pandas as pd
import pytest
from pandas._libs.parsers import STR_NA_VALUES

from factor_warehouse.sources.dbt_plugin import log_input
from factor_warehouse.sources.kaggle import (
    KaggleInputError,
    check_kaggle_dir,
    find_files,
    list_directory,
    load_directory,
    near_miss_advice,
    parse_file,
)
from tests.conftest import KAGGLE_SAMPLE_DIR
from tests.project_vars import PROJECT_VARS

MISSING_MARKERS = PROJECT_VARS["missing_markers"]  # the default the build passes the loader

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
    return load_directory(KAGGLE_SAMPLE_DIR, MISSING_MARKERS)


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
    columns, rows, _, _ = parse_file(tmp_path / "2014_Financial_Data.csv", 2014, MISSING_MARKERS)
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


def test_each_cell_carries_its_rows_ticker_and_file(sample_tables):
    cells, rows = sample_tables["cells"], sample_tables["rows"]
    paired = cells.merge(rows, on=["fiscal_year", "line_number"], suffixes=("_cell", "_row"))
    assert len(paired) == len(cells)
    assert (paired["ticker_cell"] == paired["ticker_row"]).all()
    assert (paired["source_file_cell"] == paired["source_file_row"]).all()


def test_sector_and_class_arrive_as_text(sample_tables, sample_frame):
    rows = sample_tables["rows"]
    assert rows["sector"].tolist() == sample_frame["Sector"].tolist()
    assert sorted(rows["class_text"].unique()) == ["0", "1"]


def test_zipped_file_reads_like_the_plain_one(sample_tables, tmp_path):
    with zipfile.ZipFile(tmp_path / "2018_Financial_Data.csv.zip", "w") as archive:
        archive.write(SAMPLE, "2018_Financial_Data.csv")
    zipped = load_directory(tmp_path, MISSING_MARKERS)
    pd.testing.assert_frame_equal(zipped["cells"].drop(columns="source_file"), sample_tables["cells"].drop(columns="source_file"))
    assert zipped["rows"]["source_file"].unique().tolist() == ["2018_Financial_Data.csv.zip"]
    assert zipped["cells"]["source_file"].unique().tolist() == ["2018_Financial_Data.csv.zip"]


def expect_error(tmp_path, pattern):
    with pytest.raises(KaggleInputError, match=pattern):
        load_directory(tmp_path, MISSING_MARKERS)


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
    tables = load_directory(tmp_path, MISSING_MARKERS)
    assert injected in tables["cells"]["factor"].tolist()


# --- issue 12: nothing lost, nothing silent (the small cases are in tests/input_corpus) ----------------

def write_sample_text(directory, edit):
    """The sample's text with `edit(lines)` applied to its list of lines, written as the 2018 file."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    edit(lines)
    path = directory / "2018_Financial_Data.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_stray_quote_in_a_ticker_of_the_real_file_names_the_line_where_it_opens(tmp_path):
    def open_a_quote(lines):
        lines[100] = '"' + lines[100]  # line 101 of the file
    path = write_sample_text(tmp_path, open_a_quote)
    with pytest.raises(KaggleInputError) as error:
        parse_file(path, 2018, MISSING_MARKERS)
    assert str(error.value) == (f"{path}, line 101: the quoted field that opens in column 1 (the ticker column) is not "
                                "closed on that line, so the record runs on to the end of the file: remove the stray "
                                "double quote, or close the field on line 101")


def test_a_cell_over_128_kib_is_read_like_any_other(tmp_path):
    header, body = read_sample()
    body[3][header.index("Revenue")] = "9" * (200 * 1024)
    write_csv(tmp_path / "2018_Financial_Data.csv", header, body)
    _, _, cells, _ = parse_file(tmp_path / "2018_Financial_Data.csv", 2018, MISSING_MARKERS)
    revenue = cells[(cells["line_number"] == 5) & (cells["factor"] == "Revenue")]["cell_text"].tolist()
    assert revenue == ["9" * (200 * 1024)]


def test_missing_markers_are_pandas_default_na_values():
    assert set(MISSING_MARKERS) == STR_NA_VALUES


def test_missing_markers_read_as_missing_in_every_field_but_the_ticker(tmp_path):
    header, body = read_sample()
    column = {name: i for i, name in enumerate(header)}
    body[0][0] = "NA"                                   # a ticker is a name, even 'NA'
    body[1][column["2019 PRICE VAR [%]"]] = "N/A"
    body[2][column["Revenue"]] = "#N/A"
    body[3][column["Class"]] = "null"
    write_csv(tmp_path / "2018_Financial_Data.csv", header, body)
    tables = load_directory(tmp_path, MISSING_MARKERS)
    rows = tables["rows"].set_index("line_number")
    assert rows.loc[2, "ticker"] == "NA"
    assert pd.isna(rows.loc[3, "price_var_text"]) and pd.isna(rows.loc[5, "class_text"])
    cells = tables["cells"]
    assert cells[(cells["line_number"] == 4) & (cells["factor"] == "Revenue")].empty
    assert tables["files"]["missing_markers"].tolist() == [3]


def test_header_cells_are_trimmed_and_kept_as_written(tmp_path):
    header, body = read_sample()
    header = [name + " " if name in ("Gross Profit", "Sector") else name for name in header]
    write_csv(tmp_path / "2018_Financial_Data.csv", header, body)
    columns = load_directory(tmp_path, MISSING_MARKERS)["columns"].set_index("column_name_as_written")
    assert columns.loc["Gross Profit ", "column_name"] == "Gross Profit"
    assert columns.loc["Gross Profit ", "column_role"] == "indicator"
    assert (columns.loc["Sector ", "column_name"], columns.loc["Sector ", "column_role"]) == ("Sector", "sector")


@pytest.mark.parametrize("name, advice", [
    ("Financial_Data_2018.csv", "rename it to 2018_Financial_Data.csv (or 2018_Financial_Data.csv.zip when zipped); "
                                "names are case-sensitive"),
    ("2016-financial-data.csv.zip", "rename it to 2016_Financial_Data.csv (or 2016_Financial_Data.csv.zip when "
                                    "zipped); names are case-sensitive"),
    ("2018_Financial_Data.csv.bz2", "bzip2 archives are not read: decompress it to 2018_Financial_Data.csv, or zip it "
                                    "as 2018_Financial_Data.csv.zip"),
    ("2018_Financial_Data.xlsx", "a spreadsheet is not read: export it as comma-separated CSV named "
                                 "2018_Financial_Data.csv"),
    ("2018_Financial_Data - Copy.csv", "it looks like a copy: keep one file of fiscal year 2018 named "
                                       "2018_Financial_Data.csv and remove the others"),
    ("notes.txt", None),
    ("Financial_Data_notes.txt", None),  # no year: not a Kaggle file, listed as ignored
])
def test_near_miss_names_get_the_expected_name_and_what_to_do(name, advice):
    assert near_miss_advice(name) == advice


def test_every_entry_of_the_directory_is_read_or_listed_with_why(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "2018_Financial_Data.csv")
    (tmp_path / "notes.txt").write_text("downloaded from Kaggle")
    (tmp_path / "old").mkdir()
    files = list_directory(tmp_path)
    assert files.values.tolist() == [
        ["2018_Financial_Data.csv", 2018, "read", "a Kaggle file of fiscal year 2018"],
        ["notes.txt", pd.NA, "ignored", "not named {YEAR}_Financial_Data.csv or {YEAR}_Financial_Data.csv.zip"],
        ["old", pd.NA, "ignored", "a directory: subdirectories are not read"],
    ]


class RecordingLogger:
    def __init__(self):
        self.lines = []

    def info(self, message):
        self.lines.append(("info", message))

    def warning(self, message):
        self.lines.append(("warning", message))


def test_the_plugin_logs_what_it_read_ignored_and_trimmed(tmp_path):
    header, body = read_sample()
    header = [name + " " if name == "Gross Profit" else name for name in header]
    body[0][header.index("EPS")] = "N/A"
    write_csv(tmp_path / "2018_Financial_Data.csv", header, body)
    (tmp_path / "notes.txt").write_text("downloaded from Kaggle")
    logger = RecordingLogger()
    log_input(tmp_path, load_directory(tmp_path, MISSING_MARKERS), logger)
    column = header.index("Gross Profit ") + 1
    assert logger.lines == [
        ("info", f"{tmp_path}: read 2018_Financial_Data.csv (a Kaggle file of fiscal year 2018); 1 field with a "
                 "missing marker such as N/A read as missing"),
        ("warning", f"{tmp_path}: ignored notes.txt: not named {{YEAR}}_Financial_Data.csv or "
                    "{YEAR}_Financial_Data.csv.zip"),
        ("warning", f"2018_Financial_Data.csv, line 1, column {column}: header 'Gross Profit ' trimmed to 'Gross Profit'"),
    ]


@pytest.mark.parametrize("kaggle_dir", ["", "  ", None])
def test_an_empty_kaggle_dir_is_an_error_not_the_demo(kaggle_dir):
    with pytest.raises(KaggleInputError, match="the dbt var kaggle_dir is empty: give the directory of the Kaggle "
                                               r"files .*, or demo for the demo data"):
        check_kaggle_dir(kaggle_dir)


def test_every_near_miss_of_a_directory_is_named_in_one_error(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "2018_Financial_Data.csv")
    shutil.copy(SAMPLE, tmp_path / "2017_financial_data.csv")
    shutil.copy(SAMPLE, tmp_path / "2018_Financial_Data (1).csv")
    expect_error(tmp_path, re.escape(
        f"{tmp_path}: 2 files look like Kaggle files but are not named exactly {{YEAR}}_Financial_Data.csv or "
        "{YEAR}_Financial_Data.csv.zip, so their years would be left out:\n"
        "  2017_financial_data.csv: rename it to 2017_Financial_Data.csv (or 2017_Financial_Data.csv.zip when "
        "zipped); names are case-sensitive\n"
        "  2018_Financial_Data (1).csv: it looks like a copy: keep one file of fiscal year 2018 named "
        "2018_Financial_Data.csv and remove the others"))
