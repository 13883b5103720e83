"""What the build command prints for every case of the input corpus (tests/input_corpus): each case
folder found, Kaggle or panel, is built by factor_warehouse.cli.build.main and its whole output is
scanned for internal names, which must never reach the user: dbt test names (not_null_...,
unique_..., accepted_values_...), DuckDB's "Binder Error" and "Catalog Error", Python tracebacks;
nor may a warning be dbt's bare "Got N results" (a warn test logs its lines: log_warning_lines).
A case's own message (a file error's expected_error.txt, or the `output` lines of a messages/
case's expected.json) is printed exactly once. The quarantine cases, which print no message of their
own, are built together as the corpus tests build them: once failing the data-loss budget, once
within a raised budget.

Case folders: `input/` (or `kaggle_dir.txt`) is a Kaggle directory; an expected.json with a
`panel` mapping is a panel, its `input.csv` unless the mapping gives a `path` ({format}: csv). The
builds select the core marts and their tests, as the corpus tests do, where every input problem
surfaces; a case whose expected.json says `full_build` runs the whole project."""

import json
import re
from contextlib import suppress

import pytest

from factor_warehouse.cli import build as runner
from tests.test_build_output import selecting
from tests.test_core_marts import CORE_SELECTION
from tests.test_input_corpus import (CORPUS, CORPUS_VARS, QUARANTINE_CASES, RAISED_BUDGET, kaggle_dir_of,
                                     quarantine_cases_together)

INTERNAL_NAMES = re.compile(r"\b(?:not_null|unique|unique_combination|accepted_values|relationships|expression_is_true)"
                            r"_\w+|Binder Error|Catalog Error|Traceback \(most recent call last\)")
# dbt's words for a warning whose test logged no lines (macro log_warning_lines): it says nothing
SILENT_WARNING = re.compile(r"Got \d+ results?, configured to warn")


def spec_of(case):
    expected = case / "expected.json"
    return json.loads(expected.read_text(encoding="utf-8")) if expected.exists() else {}


def is_case(folder):
    return (folder / "input").is_dir() or (folder / "kaggle_dir.txt").exists() or "panel" in spec_of(folder)


CASES = sorted(folder for folder in CORPUS.glob("*/*")
               if folder.is_dir() and is_case(folder) and folder not in QUARANTINE_CASES)


def data_options(case):
    """The build command's data options for a case: (arguments, the input path its messages name)."""
    spec = spec_of(case)
    if "panel" in spec:
        panel = dict(spec["panel"])
        path = str(case / panel.pop("path", "input.csv").format(format="csv"))
        return ["--panel", path, "--vars", json.dumps({"panel": panel, **spec.get("vars", {})})], path
    return ["--kaggle-dir", kaggle_dir_of(case), "--vars", json.dumps(spec.get("vars", CORPUS_VARS))], None


def expected_lines(case, input_path, database):
    """The lines a case must print exactly once."""
    if (case / "expected_error.txt").exists():
        return [(case / "expected_error.txt").read_text(encoding="utf-8").rstrip("\n").replace("{case}", str(case))]
    return [line.replace("{input}", str(input_path)).replace("{database_dir}", str(database.parent))
            for line in spec_of(case).get("output", [])]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.name}")
def test_no_internal_name_reaches_the_user_and_the_cases_message_is_printed_once(case, tmp_path, monkeypatch,
                                                                                  capsys):
    if not spec_of(case).get("full_build"):
        monkeypatch.setattr(runner, "run_dbt", selecting(*CORE_SELECTION))
    options, input_path = data_options(case)
    database = tmp_path / "warehouse.duckdb"

    status = None
    with suppress(SystemExit):  # a usage error (an empty kaggle_dir) exits from argparse
        status = runner.main([*options, "--database", str(database), "--report", str(tmp_path / "report.html")])
    out, err = capsys.readouterr()

    output = out + err
    assert_says_nothing_internal(output)
    if status is None:  # refused before any build: the usage message alone
        assert err.startswith("usage: ") and out == ""
        return
    assert status == spec_of(case).get("status", status)
    printed = unindented(output)  # dbt indents each line of a message under its header
    for line in expected_lines(case, input_path, database):
        assert printed.count(unindented(line)) == 1, f"{line!r} not printed exactly once in:\n{output}"


@pytest.mark.parametrize("budget, status", [({}, 1), (RAISED_BUDGET, 0)], ids=["over_budget", "raised_budget"])
def test_the_quarantine_cases_built_together_print_no_internal_name(budget, status, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(runner, "run_dbt", selecting(*CORE_SELECTION))
    (tmp_path / "input").mkdir()
    kaggle_dir = quarantine_cases_together(tmp_path / "input")

    assert runner.main(["--kaggle-dir", str(kaggle_dir), "--vars", json.dumps({**CORPUS_VARS, **budget}),
                        "--database", str(tmp_path / "warehouse.duckdb"),
                        "--report", str(tmp_path / "report.html")]) == status
    out, err = capsys.readouterr()

    assert_says_nothing_internal(out + err)
    assert ("data loss above the budget" if status else "data loss within the budget") in out + err


def assert_says_nothing_internal(output):
    assert not INTERNAL_NAMES.findall(output), output
    assert not SILENT_WARNING.findall(output), output


def unindented(text):
    return "\n".join(line.strip() for line in text.splitlines())
