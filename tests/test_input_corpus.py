"""The corpus of bad input files (tests/input_corpus, see its README): each file-level problem
fails in the loader with the exact message written next to it; the quarantine cases, built
together by one dbt build, quarantine what their expected.json says, lose nothing, and hold the
data-loss budget: the two cases above it fail the build with the numbers, and raising the budget
turns that into a warning."""

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.csv
import pyarrow.parquet
import pytest
from dbt.adapters.duckdb.utils import SourceConfig

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.sources.dbt_plugin import Plugin
from factor_warehouse.sources.kaggle import KaggleInputError
from tests.project_vars import PROJECT_VARS
from tests.test_core_marts import CORE_SELECTION

CORPUS = Path(__file__).resolve().parent / "input_corpus"
FILE_ERROR_CASES = sorted(path for path in (CORPUS / "file_errors").iterdir() if path.is_dir())
QUARANTINE_CASES = sorted(path for path in (CORPUS / "quarantine").iterdir() if path.is_dir())
BUDGET_TEST = "core_data_loss_within_budget"
# the seed has benchmark returns for 2015-2019 only; the corpus years are 2005-2013
CORPUS_VARS = {"alpha_method": "market_mean"}
RAISED_BUDGET = {"max_quarantined_row_share": 1, "max_quarantined_value_share": 1}
OVER_BUDGET_MESSAGE = (
    "data loss above the budget: "
    "2011_Financial_Data.csv (fiscal year 2011): 6 of 20 rows (30.0%) and 30 of 100 values (30.0%) quarantined, "
    "0 rows kept without a return; "
    "2012_Financial_Data.csv (fiscal year 2012): 3 of 3 rows (100.0%) and 15 of 15 values (100.0%) quarantined, "
    "0 rows kept without a return. "
    "The budget allows 10.0% of a fiscal year's rows (dbt var max_quarantined_row_share) and 10.0% of its values "
    "(dbt var max_quarantined_value_share). See why in this build's quarantined_inputs (the build command writes "
    "them to a CSV file next to the warehouse and names it) and fix the files, or raise the "
    "budget: --vars '{max_quarantined_row_share: 1.0, max_quarantined_value_share: 1.0}'"
)


def kaggle_dir_of(case):
    """The dbt var kaggle_dir of a file-error case: kaggle_dir.txt (relative to the case) or input/."""
    setting = case / "kaggle_dir.txt"
    value = setting.read_text(encoding="utf-8").rstrip("\n") if setting.exists() else "input"
    return str(case / value) if value.strip() else value


def plugin_load(kaggle_dir, table="rows"):
    """What dbt does when a model compiles source('kaggle', ...): the plugin's load."""
    config = SourceConfig(name="kaggle", identifier=f"financial_{table}", schema="raw", database=None,
                          meta={"kaggle_table": table, "kaggle_dir": kaggle_dir,
                                "missing_markers": json.dumps(PROJECT_VARS["missing_markers"])}, tags=[])
    return Plugin("kaggle", {}).load(config)


@pytest.mark.parametrize("case", FILE_ERROR_CASES, ids=lambda case: case.name)
def test_file_level_problem_fails_with_the_message_written_next_to_it(case):
    expected = (case / "expected_error.txt").read_text(encoding="utf-8").rstrip("\n").replace("{case}", str(case))
    with pytest.raises(KaggleInputError) as error:
        plugin_load(kaggle_dir_of(case))
    assert str(error.value) == expected


def shown(text):
    """A quarantined cell text as expected.json writes it (long texts by start and length)."""
    return text if text is None or len(text) <= 80 else f"{text[:8]}... ({len(text)} characters)"


def expected_of(case):
    return json.loads((case / "expected.json").read_text(encoding="utf-8"))


def fiscal_year_of(case):
    return expected_of(case)["fiscal_year"]


def quarantine_cases_together(directory):
    """`directory` filled with every quarantine case's input files: one Kaggle directory, a fiscal
    year per case."""
    years = [fiscal_year_of(case) for case in QUARANTINE_CASES]
    assert len(set(years)) == len(years), "each quarantine case needs a fiscal year of its own"
    for case in QUARANTINE_CASES:
        for entry in (case / "input").iterdir():
            assert not (directory / entry.name).exists(), f"{entry.name} is in two quarantine cases"
            (shutil.copytree if entry.is_dir() else shutil.copy)(entry, directory / entry.name)
    return directory


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory):
    """Every quarantine case's input in one directory, built once (core models and their tests)
    with the default budget, then the budget test alone again with the budget raised."""
    directory = quarantine_cases_together(tmp_path_factory.mktemp("corpus_input"))
    database = tmp_path_factory.mktemp("corpus_warehouse") / "warehouse.duckdb"
    dbt_vars = {"kaggle_dir": str(directory), **CORPUS_VARS}
    built = run_dbt(["build", *CORE_SELECTION], database=database, dbt_vars=dbt_vars)
    raised = run_dbt(["test", "--select", BUDGET_TEST], database=database, dbt_vars={**dbt_vars, **RAISED_BUDGET})
    connection = duckdb.connect(str(database), read_only=True)
    yield connection, results_by_name(built), results_by_name(raised)
    connection.close()


def results_by_name(result):
    assert result.result is not None, f"dbt did not run: {result.exception}"
    return {node.node.name: node for node in result.result.results}


@pytest.mark.parametrize("case", QUARANTINE_CASES, ids=lambda case: case.name)
def test_quarantine_case_is_quarantined_listed_and_counted_as_written_next_to_it(case, corpus_build):
    connection, _, _ = corpus_build
    expected, year = expected_of(case), fiscal_year_of(case)
    names = [entry["source_file"] for entry in expected["input_files"]]
    columns = ["source_file", "status", "reason", "missing_markers", "trimmed_headers"]
    files = connection.execute(f"select {', '.join(columns)} from input_files where list_contains(?, source_file) "
                               "order by source_file", [names]).fetchall()
    assert [dict(zip(columns, row)) for row in files] == expected["input_files"]

    quarantined = connection.execute(
        "select rejected, line_number, stock_id, column_name, cell_text, reason from quarantined_inputs "
        "where year(period) = ? order by line_number, column_name", [year]).fetchall()
    columns = ["rejected", "line_number", "stock_id", "column_name", "cell_text", "reason"]
    assert [dict(zip(columns, (*row[:4], shown(row[4]), row[5]))) for row in quarantined] == expected["quarantined"]

    loss = connection.execute(
        "select input_rows, quarantined_rows, input_values, quarantined_values, rows_without_return "
        "from data_loss where year(period) = ?", [year]).fetchone()
    assert dict(zip(expected["data_loss"], loss)) == expected["data_loss"]


def test_every_case_reconciles_and_only_the_budget_fails(corpus_build):
    _, built, _ = corpus_build
    assert built["core_input_rows_reconcile"].status == "pass"
    assert built["core_input_files_accounted"].status == "pass"
    failed = {name: str(node.status) for name, node in built.items() if str(node.status) not in ("pass", "success")}
    assert failed == {BUDGET_TEST: "error"}


def test_above_the_budget_the_build_fails_with_the_numbers_and_how_to_raise_it(corpus_build):
    _, built, _ = corpus_build
    over_budget = [case.name for case in QUARANTINE_CASES if expected_of(case)["over_budget"]]
    assert over_budget == ["all_rows_quarantined", "over_budget"]
    message = built[BUDGET_TEST].message
    assert OVER_BUDGET_MESSAGE in message, message


def test_within_a_raised_budget_the_build_warns_for_every_year_that_lost_anything(corpus_build):
    _, _, raised = corpus_build
    years_with_losses = [case.name for case in QUARANTINE_CASES
                         if expected_of(case)["data_loss"]["quarantined_rows"]
                         or expected_of(case)["data_loss"]["quarantined_values"]]
    assert len(years_with_losses) == 7
    assert str(raised[BUDGET_TEST].status) == "warn"
    assert raised[BUDGET_TEST].failures == len(years_with_losses)


def test_trimmed_headers_name_one_factor_and_the_sector_column(corpus_build):
    connection, _, _ = corpus_build
    factors = [row[0] for row in connection.execute("select factor_id from factors order by column_number").fetchall()]
    assert factors == ["revenue", "eps", "gross_profit", "roe", "market_cap"]
    year = fiscal_year_of(CORPUS / "quarantine" / "header_trailing_spaces")
    n_rows, n_sectors = connection.execute(
        "select count(*), count(sector) from stock_periods where fiscal_year = ?", [year]).fetchone()
    assert n_rows == n_sectors == 20


def test_dbt_refuses_an_empty_kaggle_dir_with_the_same_message_before_running_anything(tmp_path):
    expected = (CORPUS / "file_errors" / "empty_kaggle_dir" / "expected_error.txt").read_text(encoding="utf-8")
    result = run_dbt(["build", "--select", "build_facts"], database=tmp_path / "warehouse.duckdb",
                     dbt_vars={"kaggle_dir": " "})
    assert not result.success and result.result is None
    assert expected.rstrip("\n") in str(result.exception)


def test_a_budget_that_is_not_a_share_is_refused_with_how_to_set_it(tmp_path):
    result = run_dbt(["build", "--select", "data_loss"], database=tmp_path / "warehouse.duckdb",
                     dbt_vars={"max_quarantined_row_share": "10%"})
    assert not result.success
    assert ("dbt var max_quarantined_row_share must be a share from 0 to 1 (got '10%'); "
            "set it with --vars '{max_quarantined_row_share: 0.2}' for 20%") in str(result.exception)


# --- the panel part: tests/input_corpus/panel (CSV, and the same values in a typed Parquet) ---------

PANEL_CASES = sorted(path for path in (CORPUS / "panel").iterdir() if path.is_dir())
PANEL_SELECTION = ["--select", "+path:models/marts/core", "--indirect-selection", "cautious"]
PLAUSIBILITY_TEST = "stg_panel__rows_returns_plausible_for_unit"


def panel_runs():
    return [pytest.param(case, file_format, id=f"{case.name}-{file_format}") for case in PANEL_CASES
            for file_format in expected_of(case).get("formats", ["csv", "parquet"])]


def typed_parquet(csv_path, parquet_path):
    """The CSV as a typed Parquet, headers exactly as written: each column typed as pyarrow infers it
    (so `NaN` is a DOUBLE NaN, `n/a` makes a text column), only the empty field null."""
    table = pyarrow.csv.read_csv(csv_path, convert_options=pyarrow.csv.ConvertOptions(
        null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False))
    pyarrow.parquet.write_table(table, parquet_path)


@pytest.fixture(scope="module")
def panel_builds(tmp_path_factory):
    """Each panel case built once per format (core models and their tests), on demand."""
    built = {}

    def build(case, file_format):
        if (case, file_format) not in built:
            directory = tmp_path_factory.mktemp(f"{case.name}_{file_format}")
            input_file = directory / f"panel.{file_format}"
            if (case / "input.csv").exists():
                (shutil.copy if file_format == "csv" else typed_parquet)(case / "input.csv", input_file)
            if "truncated_copy" in expected_of(case):  # the file cut short, beside it
                whole = input_file.read_bytes()
                (directory / expected_of(case)["truncated_copy"]).write_bytes(whole[:len(whole) // 2])
            panel = {**expected_of(case)["panel"]}
            panel["path"] = str(directory / panel["path"].format(format=file_format)) if "path" in panel \
                else str(input_file)
            database = directory / "warehouse.duckdb"
            result = run_dbt(["build", *PANEL_SELECTION], database=database, dbt_vars={"panel": panel})
            built[case, file_format] = database, result, input_file, panel["path"]
        return built[case, file_format]

    return build


def error_messages(result):
    if result.result is None:
        return str(result.exception)
    return "\n".join(str(node.message) for node in result.result.results if str(node.status) in ("error", "fail"))


@pytest.mark.parametrize("case, file_format", panel_runs())
def test_panel_case_behaves_as_written_next_to_it_in_csv_and_parquet(case, file_format, panel_builds):
    expected = expected_of(case)
    database, result, input_file, path = panel_builds(case, file_format)
    if "error" in expected:
        assert not result.success
        assert expected["error"].format(file=input_file, path=path, format=file_format) in error_messages(result)
        return
    assert result.success, error_messages(result)
    with duckdb.connect(str(database), read_only=True) as connection:
        quarantined = connection.execute(
            "select rejected, stock_id, period_text, column_name, reason from quarantined_inputs "
            "order by period_text, stock_id, column_name").fetchall()
        columns = ["rejected", "stock_id", "period_text", "column_name", "reason"]
        assert [dict(zip(columns, row)) for row in quarantined] == expected["quarantined"]
        loss = connection.execute(
            "select sum(input_rows), sum(quarantined_rows), sum(input_values), sum(quarantined_values), "
            "sum(rows_without_return) from data_loss").fetchone()
        assert dict(zip(expected["data_loss"], loss)) == expected["data_loss"]
        # the reconciliation: every input row is loaded (with or without a return) or quarantined
        loaded, without_return, stocks = connection.execute(
            "select count(*), count(*) filter (where return_pct is null), count(distinct stock_id) "
            "from stock_periods").fetchone()
        assert loaded + expected["data_loss"]["quarantined_rows"] == expected["data_loss"]["input_rows"]
        assert without_return == expected["data_loss"]["rows_without_return"]
        assert stocks == expected["stocks"]
        files = connection.execute("select source_file, status, missing_markers from input_files").fetchall()
        assert files == [(str(input_file), "read", expected["missing_markers"])]
        factors = connection.execute("select factor from factors order by column_number, factor").fetchall()
        assert [factor for factor, in factors] == expected["factors"]
        statuses = {node.node.name: node for node in result.result.results}
        warning = statuses[PLAUSIBILITY_TEST]
        messages = [message for message, in connection.execute(
            f"select message from ({warning.node.compiled_code})").fetchall()]
    assert messages == [expected["warning"].format(file=input_file)] if "warning" in expected else messages == []
    assert str(warning.status) == ("warn" if "warning" in expected else "pass")
