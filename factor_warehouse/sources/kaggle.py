"""Reader for the Kaggle files "200+ Financial Indicators of US stocks (2014-2018)".

A directory holds any subset of `{YEAR}_Financial_Data.csv`, each optionally
zipped as Kaggle serves it (`{YEAR}_Financial_Data.csv.zip`). This module checks
each file's structure and turns it into three long tables of *text*:

- columns: one row per header cell (its exact text and its role),
- rows:    one row per data line (ticker, sector, return and class as text),
- cells:   one row per non-empty indicator cell (the factor's exact header text).

Problems with a whole file (empty, ragged row, missing or misnamed return
column, a year given twice, ...) raise `KaggleInputError` naming the file and,
where it applies, the line. Problems with a single row or value (missing or
duplicate ticker, non-numeric text, infinities) are not decided here: the dbt
staging/intermediate models quarantine them with a reason, so that nothing is
dropped silently and the rules live in SQL with unit tests.

Header names come from user files; they are only ever data (never SQL
identifiers), so a header such as `x"; drop table y; --` is just a factor name.
"""

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

FILE_NAME = re.compile(r"^(?P<year>\d{4})_Financial_Data\.csv(?P<zipped>\.zip)?$")
RETURN_COLUMN = re.compile(r"^\d{4} PRICE VAR \[%\]$", re.IGNORECASE)
TICKER_HEADERS = ("", "Unnamed: 0")
SECTOR, CLASS = "Sector", "Class"


class KaggleInputError(ValueError):
    """An input file cannot be read as a Kaggle financial-data file."""


def return_column_name(fiscal_year):
    """The return column of a fiscal year's file is named after the next year."""
    return f"{fiscal_year + 1} PRICE VAR [%]"


def find_files(directory):
    """The Kaggle files in `directory` as a sorted list of (fiscal_year, path)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise KaggleInputError(f"{directory}: input directory does not exist; set the dbt var kaggle_dir "
                               "to a directory holding {YEAR}_Financial_Data.csv files")
    by_year = {}
    for path in sorted(directory.iterdir()):
        match = FILE_NAME.match(path.name)
        if not match:
            continue
        year = int(match["year"])
        if year in by_year:
            raise KaggleInputError(f"{directory}: fiscal year {year} is present twice ({by_year[year].name} and "
                                   f"{path.name}); keep one of them")
        by_year[year] = path
    if not by_year:
        raise KaggleInputError(f"{directory}: no file named {{YEAR}}_Financial_Data.csv or "
                               "{YEAR}_Financial_Data.csv.zip; point the dbt var kaggle_dir at the Kaggle files")
    return sorted(by_year.items())


def read_text(path):
    """The CSV text of a plain or zipped Kaggle file."""
    path = Path(path)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [name for name in archive.namelist() if not name.endswith("/")]
            expected = path.name[: -len(".zip")]
            if members != [expected]:
                raise KaggleInputError(f"{path}: the archive must hold exactly one file named {expected}; "
                                       f"it holds {members}")
            raw = archive.read(expected)
    else:
        raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise KaggleInputError(f"{path}, line {line}: not UTF-8 text ({error.reason}); re-save the file as UTF-8")


def check_header(path, fiscal_year, header):
    """Raise unless the header has the ticker, Sector, return and Class columns, each once."""
    if not header[0].strip() in TICKER_HEADERS:
        raise KaggleInputError(f"{path}, line 1: the first column must be the ticker column with an empty "
                               f"header; found '{header[0]}'")
    seen = set()
    for name in header:
        if name in seen:
            raise KaggleInputError(f"{path}, line 1: column '{name}' appears twice; rename one of them")
        seen.add(name)
    expected = return_column_name(fiscal_year)
    if expected not in seen:
        found = [name for name in header if RETURN_COLUMN.match(name.strip())]
        hint = (f"found '{found[0]}' instead" if found else "found no '{YEAR} PRICE VAR [%]' column")
        raise KaggleInputError(f"{path}, line 1: the return column of fiscal year {fiscal_year} must be named "
                               f"'{expected}'; {hint}. Check the file's year and its return column")
    for required in (SECTOR, CLASS):
        if required not in seen:
            raise KaggleInputError(f"{path}, line 1: required column '{required}' is missing")


def column_role(position, name, fiscal_year):
    if position == 0:
        return "ticker"
    if name == SECTOR:
        return "sector"
    if name == return_column_name(fiscal_year):
        return "return"
    if name == CLASS:
        return "class"
    return "indicator"


def parse_file(path, fiscal_year):
    """Check one file and return its (columns, rows, cells) tables."""
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        raise KaggleInputError(f"{path}: the file is empty; remove it or replace it with the Kaggle file")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    check_header(path, fiscal_year, header)
    width = len(header)
    records, line_numbers = [], []
    for record in reader:
        if not record:
            continue  # a blank line holds no data
        if len(record) != width:
            raise KaggleInputError(f"{path}, line {reader.line_num}: {len(record)} fields where the header has "
                                   f"{width}; the row is ragged: fix or remove it")
        records.append([field.strip() for field in record])
        line_numbers.append(reader.line_num)
    if not records:
        raise KaggleInputError(f"{path}: the file has a header but no data rows")

    roles = [column_role(position, name, fiscal_year) for position, name in enumerate(header)]
    source_file = path.name
    columns = pd.DataFrame({
        "source_file": source_file,
        "fiscal_year": fiscal_year,
        "column_number": np.arange(1, width + 1, dtype=np.int32),
        "column_name": header,
        "column_role": roles,
    })
    grid = np.array(records, dtype=object)
    line_numbers = np.array(line_numbers, dtype=np.int32)

    def text_column(role):
        values = grid[:, roles.index(role)]
        return pd.array(np.where(values == "", None, values), dtype="string")

    rows = pd.DataFrame({
        "source_file": source_file,
        "fiscal_year": fiscal_year,
        "line_number": line_numbers,
        "ticker": text_column("ticker"),
        "sector": text_column("sector"),
        "price_var_text": text_column("return"),
        "class_text": text_column("class"),
    })
    indicator_positions = np.array([i for i, role in enumerate(roles) if role == "indicator"])
    block = grid[:, indicator_positions]
    row_index, column_index = np.nonzero(block != "")
    cells = pd.DataFrame({
        "fiscal_year": np.full(len(row_index), fiscal_year, dtype=np.int32),
        "line_number": line_numbers[row_index],
        "column_number": (indicator_positions[column_index] + 1).astype(np.int32),
        "factor": pd.array(np.array(header, dtype=object)[indicator_positions][column_index], dtype="string"),
        "cell_text": pd.array(block[row_index, column_index], dtype="string"),
    })
    return columns, rows, cells


def load_directory(directory):
    """All Kaggle files of `directory` as a dict of the three long tables."""
    parts = [parse_file(path, year) for year, path in find_files(directory)]
    return {
        "columns": pd.concat([columns for columns, _, _ in parts], ignore_index=True),
        "rows": pd.concat([rows for _, rows, _ in parts], ignore_index=True),
        "cells": pd.concat([cells for _, _, cells in parts], ignore_index=True),
    }
