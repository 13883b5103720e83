"""Reader for the Kaggle files "200+ Financial Indicators of US stocks (2014-2018)".

A directory holds any subset of `{YEAR}_Financial_Data.csv`, each optionally
zipped as Kaggle serves it (`{YEAR}_Financial_Data.csv.zip`). This module lists
every entry of the directory and checks each Kaggle file's structure, turning
the directory into four long tables of *text*:

- files:   one row per directory entry: read, or ignored and why,
- columns: one row per header cell (trimmed text, text as written, role),
- rows:    one row per data line (ticker, sector, return and class as text),
- cells:   one row per non-empty indicator cell (the factor's header text).

Nothing is left out silently. A name that looks like a Kaggle file but is not
exactly one (`2018_financial_data.csv`, `.CSV`, `.csv.gz`, `... (1).csv`) is an
error naming the file and the expected name; any other entry is listed as
ignored with the reason. Problems with a whole file (empty, ragged row, stray
quote, wrong delimiter, missing or misnamed return column, a year given twice,
...) raise `KaggleInputError` naming the file, the line where the record starts
and what to do. Problems with a single row or value (missing, duplicate or
case-duplicate ticker, unknown sector, text that is not a number, infinities)
are not decided here: the dbt staging/intermediate models quarantine them with
a reason, so that the rules live in SQL with unit tests.

Missing values, one rule for every field but the ticker (a ticker is a name):
a field that is empty or one of the missing markers the caller passes (the dbt var
`missing_markers`: pandas' default `N/A`, `NA`, `#N/A`, `NULL`, `nan`, ...) after
trimming is missing, exactly like an empty cell; any other text goes to SQL as written. Header cells are trimmed
before they are matched; the text as written is kept as data.

Header names come from user files; they are only ever data (never SQL
identifiers), so a header such as `x"; drop table y; --` is just a factor name.
"""

import csv
import hashlib
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

DEMO = "demo"  # the value of the dbt var kaggle_dir that selects the embedded demo data
FILE_NAME = re.compile(r"^(?P<year>\d{4})_Financial_Data\.csv(?P<zipped>\.zip)?$")
RETURN_COLUMN = re.compile(r"^\d{4} PRICE VAR \[%\]$", re.IGNORECASE)
TICKER_HEADERS = ("", "Unnamed: 0")
SECTOR, CLASS = "Sector", "Class"
TABLES = ("files", "columns", "rows", "cells")

# A near miss of the Kaggle name: letters and digits only, it holds "financialdata", and the
# name holds a year. Spreadsheets and archives other than zip get their own advice.
NEAR_MISS_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)")
COPY_MARKER = re.compile(r"\(\d+\)|\bcopy\b", re.IGNORECASE)
OTHER_ARCHIVES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd", ".7z": "7-Zip",
                  ".rar": "RAR", ".tar": "tar", ".tgz": "tar.gz"}
SPREADSHEETS = (".xlsx", ".xls", ".xlsm", ".ods", ".numbers")
OTHER_DELIMITERS = {";": "semicolons (';')", "\t": "tabs", "|": "pipes ('|')"}
LINE_BREAK = re.compile(r"\r\n|\r|\n")


class KaggleInputError(ValueError):
    """An input file cannot be read as a Kaggle financial-data file."""


def return_column_name(fiscal_year):
    """The return column of a fiscal year's file is named after the next year."""
    return f"{fiscal_year + 1} PRICE VAR [%]"


def expected_file_name(fiscal_year):
    return f"{fiscal_year}_Financial_Data.csv"


def check_kaggle_dir(kaggle_dir):
    """The dbt var kaggle_dir, trimmed: a directory, or DEMO. Empty is an error, never the demo."""
    setting = "" if kaggle_dir is None else str(kaggle_dir).strip()
    if not setting:
        raise KaggleInputError("the dbt var kaggle_dir is empty: give the directory of the Kaggle files "
                               f"({{YEAR}}_Financial_Data.csv[.zip]), or {DEMO} for the demo data, e.g. "
                               f"--vars '{{kaggle_dir: /path/to/kaggle/files}}' or --vars '{{kaggle_dir: {DEMO}}}'")
    return setting


def near_miss_advice(name):
    """What to do about `name` when it looks like a Kaggle file but is not named like one;
    None when it does not look like one."""
    letters = re.sub(r"[^a-z0-9]", "", name.lower())
    year = NEAR_MISS_YEAR.search(name)
    if "financialdata" not in letters or year is None:
        return None
    expected = expected_file_name(int(year["year"]))
    lowered = name.lower()
    archive = next((kind for suffix, kind in OTHER_ARCHIVES.items() if lowered.endswith(suffix)), None)
    if archive:
        return (f"{archive} archives are not read: decompress it to {expected}, "
                f"or zip it as {expected}.zip")
    if lowered.endswith(SPREADSHEETS):
        return f"a spreadsheet is not read: export it as comma-separated CSV named {expected}"
    if COPY_MARKER.search(name):
        return (f"it looks like a copy: keep one file of fiscal year {year['year']} named {expected} "
                "and remove the others")
    return f"rename it to {expected} (or {expected}.zip when zipped); names are case-sensitive"


def list_directory(directory):
    """Every entry of `directory` as a DataFrame (source_file, fiscal_year, status, reason),
    status 'read' or 'ignored'. Raises when `directory` is missing or a file, when a name is a
    near miss of a Kaggle file name, when a year is present twice or when no Kaggle file is present."""
    directory = Path(directory)
    if directory.is_file():
        raise KaggleInputError(f"{directory}: kaggle_dir is a file, not a directory; set the dbt var kaggle_dir "
                               f"to the directory that holds it: {directory.parent}")
    if not directory.is_dir():
        raise KaggleInputError(f"{directory}: input directory does not exist; set the dbt var kaggle_dir "
                               "to a directory holding {YEAR}_Financial_Data.csv files")
    entries, near_misses, by_year = [], [], {}
    for path in sorted(directory.iterdir()):
        match = FILE_NAME.match(path.name)
        if path.is_dir():
            entries.append((path.name, None, "ignored", "a directory: subdirectories are not read"))
        elif match:
            year = int(match["year"])
            if year in by_year:
                raise KaggleInputError(f"{directory}: fiscal year {year} is present twice ({by_year[year]} and "
                                       f"{path.name}); keep one of them")
            by_year[year] = path.name
            entries.append((path.name, year, "read", f"a Kaggle file of fiscal year {year}"))
        elif (advice := near_miss_advice(path.name)) is not None:
            near_misses.append(f"  {path.name}: {advice}")
        else:
            entries.append((path.name, None, "ignored",
                            "not named {YEAR}_Financial_Data.csv or {YEAR}_Financial_Data.csv.zip"))
    if near_misses:
        subject = ("1 file looks like a Kaggle file but is" if len(near_misses) == 1
                   else f"{len(near_misses)} files look like Kaggle files but are")
        years = "its year" if len(near_misses) == 1 else "their years"
        raise KaggleInputError(f"{directory}: {subject} not named exactly {{YEAR}}_Financial_Data.csv or "
                               f"{{YEAR}}_Financial_Data.csv.zip, so {years} would be left out:\n"
                               + "\n".join(near_misses))
    if not by_year:
        raise KaggleInputError(f"{directory}: no file named {{YEAR}}_Financial_Data.csv or "
                               "{YEAR}_Financial_Data.csv.zip; point the dbt var kaggle_dir at the Kaggle files")
    return pd.DataFrame(entries, columns=["source_file", "fiscal_year", "status", "reason"]).astype(
        {"source_file": "string", "fiscal_year": "Int32", "status": "string", "reason": "string"})


def directory_contents(directory):
    """sha256 (hex) of what `load_directory` reads of `directory`: every entry's name and kind, and
    the bytes of every file named like a Kaggle file; "missing" when it is not a directory (the
    load says why)."""
    directory = Path(directory)
    if not directory.is_dir():
        return "missing"
    digest = hashlib.sha256()
    for path in sorted(directory.iterdir()):
        kind = "directory" if path.is_dir() else "file"
        digest.update(f"{path.name}\0{kind}\0".encode())
        if kind == "file" and FILE_NAME.match(path.name):
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def find_files(directory):
    """The Kaggle files in `directory` as a sorted list of (fiscal_year, path)."""
    files = list_directory(directory).query("status == 'read'")
    return sorted((int(year), Path(directory) / name) for name, year in zip(files["source_file"], files["fiscal_year"]))


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


def quote_problem(line):
    """The first quoting problem on one physical line, as (column, kind): kind 'unclosed' when
    a quoted field opens and does not close on the line, 'text after quote' when a quoted field
    goes on after its closing quote. None when the line's quoting is sound."""
    column, at_field_start, quoted, closed = 1, True, False, False
    position = 0
    while position < len(line):
        character = line[position]
        if quoted and character == '"' and line[position + 1: position + 2] == '"':
            position += 1  # an escaped quote inside the field
        elif quoted and character == '"':
            quoted, closed = False, True
        elif not quoted and character == ",":
            column, at_field_start, closed = column + 1, True, False
            position += 1
            continue
        elif not quoted and closed:
            return column, "text after quote"
        elif not quoted and character == '"' and at_field_start:
            quoted = True
        at_field_start = False
        position += 1
    return (column, "unclosed") if quoted else None


def quote_error(path, lines, start, end, header):
    """The message for a record starting on line `start` whose quoting is broken on that line
    (and which may run on to line `end`); None when that line's quoting is sound."""
    problem = quote_problem(lines[start - 1]) if start <= len(lines) else None
    if problem is None:
        return None
    column, kind = problem
    name = f" ('{header[column - 1]}')" if header and column <= len(header) else ""
    if column == 1 and header:
        name = " (the ticker column)"
    if kind == "text after quote":
        return (f"{path}, line {start}: the quoted field in column {column}{name} goes on after its closing "
                "double quote: quote the whole field (doubling any quote inside it), or remove the quotes")
    last_line = len(lines) - (lines[-1] == "")
    where = "the end of the file" if end >= last_line else f"line {end}"
    return (f"{path}, line {start}: the quoted field that opens in column {column}{name} is not closed on "
            f"that line, so the record runs on to {where}: remove the stray double quote, "
            f"or close the field on line {start}")


def read_records(path, text):
    """The CSV records of `text` as a list of (line where the record starts, fields).

    Fields may be of any size (csv.field_size_limit is raised to the text's length), and a
    record must lie on one line: a field holding a line break means a quote opened and did
    not close, which is reported at the line where the quote opens."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    lines = LINE_BREAK.split(text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, start, header = [], 1, None
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return records
        except csv.Error as error:
            raise KaggleInputError(
                quote_error(path, lines, start, reader.line_num, header)
                or f"{path}, line {start}: the record starting on this line is not valid CSV ({error}); "
                   "a field that starts with a double quote must end with one: fix the quoting") from None
        if reader.line_num > start:  # a field holds a line break
            raise KaggleInputError(
                quote_error(path, lines, start, reader.line_num, header)
                or f"{path}, line {start}: a quoted field of the record starting on this line holds a line break; "
                   "join the field onto one line")
        if record:
            records.append((start, record))
            header = header or [field.strip() for field in record]
        start = reader.line_num + 1


def check_delimiter(path, header_line):
    """Raise when the header line is separated by something other than commas."""
    for delimiter, name in OTHER_DELIMITERS.items():
        if header_line.count(delimiter) > header_line.count(","):
            raise KaggleInputError(f"{path}, line 1: the fields are separated by {name}, not commas; re-save the "
                                   "file as comma-separated CSV (a spreadsheet in a locale with decimal commas "
                                   "writes semicolons: choose 'CSV (comma delimited)', or in pandas to_csv(sep=','))")


def check_header(path, fiscal_year, header):
    """Raise unless the (trimmed) header has the ticker, Sector, return and Class columns, each once."""
    if header[0] not in TICKER_HEADERS:
        raise KaggleInputError(f"{path}, line 1: the first column must be the ticker column with an empty "
                               f"header; found '{header[0]}'")
    seen = {}
    for number, name in enumerate(header, start=1):
        if name in seen:
            raise KaggleInputError(f"{path}, line 1: column '{name}' appears twice (columns {seen[name]} and "
                                   f"{number}, after trimming spaces); rename one of them")
        seen[name] = number
    expected = return_column_name(fiscal_year)
    if expected not in seen:
        found = [name for name in header if RETURN_COLUMN.match(name)]
        hint = (f"found '{found[0]}' instead" if found else "found no '{YEAR} PRICE VAR [%]' column")
        raise KaggleInputError(f"{path}, line 1: the return column of fiscal year {fiscal_year} must be named "
                               f"'{expected}'; {hint}. Check the file's year and its return column")
    for required in (SECTOR, CLASS):
        if required not in seen:
            found = [name for name in header if name.lower() == required.lower()]
            hint = f" (found '{found[0]}': names are case-sensitive)" if found else ""
            raise KaggleInputError(f"{path}, line 1: required column '{required}' is missing{hint}")


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


def parse_file(path, fiscal_year, missing_markers):
    """Check one file and return its (columns, rows, cells) tables and how many fields held one of
    `missing_markers` other than the empty text."""
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        raise KaggleInputError(f"{path}: the file is empty; remove it or replace it with the Kaggle file")
    check_delimiter(path, text.split("\n", 1)[0])
    (_, header_as_written), *body = read_records(path, text)
    header = [name.strip() for name in header_as_written]
    check_header(path, fiscal_year, header)
    width = len(header)
    records, line_numbers, markers = [], [], 0
    for line, record in body:
        if len(record) != width:
            raise KaggleInputError(f"{path}, line {line}: {len(record)} fields where the header has "
                                   f"{width}; the row is ragged: fix or remove it")
        fields = [field.strip() for field in record]
        missing = [position for position in range(1, width) if fields[position] in missing_markers]
        markers += sum(1 for position in missing if fields[position])
        for position in missing:
            fields[position] = ""
        records.append(fields)
        line_numbers.append(line)
    if not records:
        raise KaggleInputError(f"{path}: the file has a header but no data rows")

    roles = [column_role(position, name, fiscal_year) for position, name in enumerate(header)]
    source_file = path.name
    columns = pd.DataFrame({
        "source_file": source_file,
        "fiscal_year": fiscal_year,
        "column_number": np.arange(1, width + 1, dtype=np.int32),
        "column_name": header,
        "column_name_as_written": header_as_written,
        "column_role": roles,
    })
    grid = np.array(records, dtype=object)
    line_numbers = np.array(line_numbers, dtype=np.int32)

    def text_column(role):
        values = grid[:, roles.index(role)]
        return pd.array(np.where(values == "", None, values), dtype="string")

    tickers = text_column("ticker")
    rows = pd.DataFrame({
        "source_file": source_file,
        "fiscal_year": fiscal_year,
        "line_number": line_numbers,
        "ticker": tickers,
        "sector": text_column("sector"),
        "price_var_text": text_column("return"),
        "class_text": text_column("class"),
    })
    indicator_positions = np.array([i for i, role in enumerate(roles) if role == "indicator"], dtype=np.int64)
    block = grid[:, indicator_positions]
    row_index, column_index = np.nonzero(block != "")
    cells = pd.DataFrame({
        "source_file": source_file,
        "fiscal_year": np.full(len(row_index), fiscal_year, dtype=np.int32),
        "line_number": line_numbers[row_index],
        "ticker": tickers[row_index],
        "column_number": (indicator_positions[column_index] + 1).astype(np.int32),
        "factor": pd.array(np.array(header, dtype=object)[indicator_positions][column_index], dtype="string"),
        "cell_text": pd.array(block[row_index, column_index], dtype="string"),
    })
    return columns, rows, cells, markers


def load_directory(directory, missing_markers):
    """Every entry of `directory` and its Kaggle files' contents, as a dict of the four long tables;
    a field that is empty or one of `missing_markers` (trimmed) is missing."""
    missing_markers = frozenset(missing_markers) | {""}
    files = list_directory(directory)
    read = files["status"] == "read"
    parts = [parse_file(Path(directory) / name, int(year), missing_markers)
             for name, year in zip(files.loc[read, "source_file"], files.loc[read, "fiscal_year"])]
    files["missing_markers"] = pd.array([None] * len(files), dtype="Int64")
    files.loc[read, "missing_markers"] = [markers for *_, markers in parts]
    return {
        "files": files,
        "columns": pd.concat([columns for columns, _, _, _ in parts], ignore_index=True),
        "rows": pd.concat([rows for _, rows, _, _ in parts], ignore_index=True),
        "cells": pd.concat([cells for _, _, cells, _ in parts], ignore_index=True),
    }
