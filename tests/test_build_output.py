"""What the build command (factor_warehouse.cli.build.main) prints, on real dbt builds of the
300-row 2018 sample: by default a line per model, numbered as they finish, the project's own log
lines (MIC progress, results reused), failures in full and one summary line, with no colour codes
once captured; with --verbose, dbt's own lines; after Ctrl-C, one line. The failing build selects
only what leads to its failing model."""

import re
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb

from factor_warehouse.cli import build as runner
from factor_warehouse.cli.dbt_runner import dbt_output_to, run_dbt
from tests.conftest import KAGGLE_SAMPLE_DIR
from tests.test_build_faults import assert_kept, old, raised_over_ctrl_c  # noqa: F401 (old is a fixture)

ANSI_ESCAPE = "\x1b["
MODEL_LINE = re.compile(r"^\d+/\d+ \w+: [a-z_]+, \d+\.\d s$")  # "12/382 build_facts: table, 0.5 s"


def run_main(argv, capsys):
    status = runner.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def selecting(*selection):
    """run_dbt with the dbt arguments `selection` added: the build runs on that part of the project only."""
    def run(args, **options):
        return run_dbt([*args, *selection], **options)
    return run


def test_the_default_output_is_a_line_per_model_the_projects_own_lines_and_a_summary(tmp_path, monkeypatch, capsys):
    database = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))  # this build's log only, rotated files included

    status, out, err = run_main(["--kaggle-dir", str(KAGGLE_SAMPLE_DIR), "--database", str(database),
                                 "--report", str(tmp_path / "report.html")], capsys)

    assert status == 0, out
    lines = out.splitlines()
    summary = re.fullmatch(r"done in \d+ s\. models and seeds: (\d+) built, 0 failed, 0 skipped; "
                           r"tests: (\d+) passed, \d+ warned, 0 failed, 0 skipped; "
                           rf"warehouse: {re.escape(str(database))}; full dbt log: (.+)", lines[-1])
    assert summary, lines[-1]
    built, passed, log_file = int(summary[1]), int(summary[2]), summary[3]
    assert lines[-3:-1] == [f"warehouse ready: {database}", f"report ready: {tmp_path / 'report.html'}"]
    model_lines = [line for line in lines if MODEL_LINE.match(line)]
    assert len(model_lines) == built
    # numbered in the order they finish, out of the models and seeds dbt found (not its tests)
    assert [line.split(" ")[0] for line in model_lines] == [f"{n}/{built}" for n in range(1, built + 1)]
    assert any(" benchmark_returns: seed, " in line for line in model_lines)
    assert any(" stock_periods: period_table, " in line for line in model_lines)
    assert any(line.startswith("MIC: factor_mic: ") and "pairs computed" in line for line in lines)
    assert any(re.match(r"result_cache: alpha_predictions: \d+ of \d+ refits reused", line) for line in lines)
    assert any(line.startswith("kaggle: ") and "read 2018_Financial_Data.csv" in line for line in lines)
    # the tests ran and passed, silently; dbt's parsing chatter and colours stay out
    assert passed > 100
    assert not [line for line in lines if re.search(r"\b(PASS|START|not_null_|unique_)", line)]
    assert "partial parsing" not in out
    assert ANSI_ESCAPE not in out + err
    # dbt's log file still has everything, a line per test included
    assert Path(log_file).parent == tmp_path / "logs"
    log = "".join(path.read_text(encoding="utf-8") for path in Path(log_file).parent.glob("dbt.log*"))
    assert re.search(r" of \d+ PASS not_null_", log) and "MIC adapter: factor_mic: " in log


def test_a_failing_model_is_shown_in_full_and_the_old_warehouse_kept(old, monkeypatch, capsys):
    monkeypatch.setattr(runner, "run_dbt", selecting("--select", "+factor_mic", "--indirect-selection", "cautious"))

    status, out, err = run_main(["--kaggle-dir", str(KAGGLE_SAMPLE_DIR), "--vars", "{mic_alpha: 2}",
                                 "--database", str(old.database), "--report", str(old.database.parent / "r.html")],
                                capsys)

    assert status == 1
    lines = out.splitlines()
    assert re.fullmatch(r"\d+/\d+ factor_mic: table FAILED \(dbt's error follows at the end\)",
                        next(line for line in lines if " factor_mic: " in line))
    failure = out[out.index("Failure in model factor_mic (python_models/mic/factor_mic.py)"):]
    assert "MIC alpha 2 is out of range; set mic_alpha in (0, 1] or >= 4" in failure
    compiled = re.search(r"compiled code at (\S+factor_mic\.py)", failure)
    assert compiled and "MicParameters" in open(compiled[1], encoding="utf-8").read()
    assert re.fullmatch(r"failed after \d+ s\. models and seeds: \d+ built, 1 failed, 0 skipped; tests: \d+ passed, "
                        r"\d+ warned, 0 failed, \d+ skipped; warehouse: .+; full dbt log: .+dbt\.log", lines[-1])
    assert err.startswith("build failed: dbt build did not pass; fix the errors it printed above")
    assert ANSI_ESCAPE not in out + err
    assert_kept(old)


def test_verbose_prints_dbts_own_line_per_node_and_no_summary(tmp_path, capsys):
    empty = tmp_path / "no_kaggle_files"  # every staging model fails, the rest is skipped: a short build
    empty.mkdir()

    status, out, err = run_main(["--kaggle-dir", str(empty), "--verbose", "--database", str(tmp_path / "w.duckdb"),
                                 "--report", str(tmp_path / "report.html")], capsys)

    assert status == 1
    assert re.search(r"\d+ of \d+ START sql view model main\.stg_kaggle__values", out)
    assert re.search(r"\d+ of \d+ ERROR creating sql view model main\.stg_kaggle__values", out)
    assert re.search(r"\d+ of \d+ PASS ", out)  # a line per test
    assert "Done. PASS=" in out
    assert not re.search(r"^(done in|failed after) \d+ s", out, flags=re.MULTILINE)
    assert ANSI_ESCAPE not in out + err


def test_ctrl_c_prints_one_line_and_keeps_the_old_warehouse(old):
    build = subprocess.Popen(
        [sys.executable, "-m", "factor_warehouse.cli.build", "--kaggle-dir", str(KAGGLE_SAMPLE_DIR),
         "--database", str(old.database), "--report", str(old.database.parent / "report.html")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # a shell's background job ignores it
    for line in build.stdout:
        if " stock_periods: period_table, " in line:  # well inside dbt's run
            build.send_signal(signal.SIGINT)
            break
    out, err = build.communicate()

    assert build.returncode == runner.INTERRUPTED
    assert err.splitlines()[-1] == "interrupted; the previous warehouse is unchanged"
    assert not re.search(r"Traceback|KeyboardInterrupt|CANCEL|Encountered an error", out + err)
    assert sorted(path.name for path in old.building.iterdir()) == [old.lock.name]
    assert_kept(old)


def test_dbts_closing_error_is_left_to_the_build_only_when_ctrl_c_caused_it():
    progress = runner.BuildProgress()
    message = "Encountered an error:\nConnection Error: Connection already closed!"
    event = SimpleNamespace(info=SimpleNamespace(name="MainEncounteredError", level="error", msg=message),
                            data=SimpleNamespace(exc=message.splitlines()[1]))

    assert progress.line_of(event.info.name, event.info.level, event.data, message) == message
    try:
        raise raised_over_ctrl_c()
    except duckdb.ConnectionException:  # dbt fires the event while handling the exception
        assert progress.line_of(event.info.name, event.info.level, event.data, message) is None


def test_a_batched_model_prints_a_line_per_factor_batch(tmp_path, monkeypatch, capsys):
    # the sample's 60,000 or so values, 5,000 a batch: about a dozen batches of int_factor_values
    monkeypatch.setattr(runner, "run_dbt",
                        selecting("--select", "+int_factor_values", "--indirect-selection", "cautious"))

    with dbt_output_to(runner.BuildProgress()):  # the build command's output, without the report
        status = runner.build(tmp_path / "warehouse.duckdb", {"kaggle_dir": str(KAGGLE_SAMPLE_DIR),
                                                              "values_per_batch": 5000})
    out, err = capsys.readouterr()

    assert status == 0, out + err
    batch_lines = [re.fullmatch(r"int_factor_values: batch (\d+) of (\d+) \(factors (\d+)-(\d+) of (\d+)"
                                r"(, and every factor not dealt to a batch)?\) done in \d+\.\d s", line)
                   for line in out.splitlines() if line.startswith("int_factor_values: batch ")]
    assert all(batch_lines) and len(batch_lines) > 1, out
    batches = int(batch_lines[0][2])
    assert [int(line[1]) for line in batch_lines] == list(range(1, batches + 1))
    # the batches deal the factors out in runs, one after the other, the last taking the rest
    assert [int(line[3]) for line in batch_lines] == [1] + [int(line[4]) + 1 for line in batch_lines[:-1]]
    assert int(batch_lines[-1][4]) == int(batch_lines[-1][5]) and batch_lines[-1][6]
    assert f"int_factor_values: built in {batches} factor batches" in out
