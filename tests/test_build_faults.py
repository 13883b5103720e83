"""Fault injection into the build runner (factor_warehouse.cli.build): full disk, no permission,
read-only file system, a new warehouse whose data is only in its write-ahead log, a model dbt
reports built but missing or changed, a second runner, an interrupted build's leftovers, Ctrl-C, a
failed build's quarantine and data loss kept next to the warehouse, an empty --kaggle-dir. Each
failing case checks the exit status, the one-line message (what, path, reason, what to do), that
the old warehouse is byte-identical and queryable read-only, and that nothing is called ready. dbt is replaced by `FakeDbt`, which writes tables with duckdb and returns dbt's
result shape; the last test runs the real `dbt build` on the 300-row 2018 sample."""

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from factor_warehouse.cli import build as runner
from factor_warehouse.cli import build_lock as lock_module
from factor_warehouse.cli.build_check import prove_whole
from factor_warehouse.paths import PROJECT_DIR
from tests.conftest import KAGGLE_SAMPLE_DIR

OLD_ROWS = 2                                    # stock_periods in the old warehouse
MODELS = {"stock_periods": 3, "factor_values": 5}  # what the fake dbt builds: name -> rows
REAL_CONNECT = duckdb.connect
TABLE = SimpleNamespace(materialized="table")

WRITE_TABLES = """
import duckdb, json, os, sys
connection = duckdb.connect(sys.argv[1])
if sys.argv[3] == "wal only":
    connection.execute("pragma disable_checkpoint_on_shutdown")
for name, rows in json.loads(sys.argv[2]).items():
    connection.execute(f"create or replace table {name} as select range as id from range({rows})")
if sys.argv[3] == "wal only":
    os._exit(0)  # like a kill, or a close whose checkpoint hit a full disk
connection.close()
"""

HOLD_LOCK = """
import sys
from pathlib import Path
from factor_warehouse.cli.build_lock import build_lock
with build_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def write_tables(database, tables, wal_only=False):
    """Create `tables` ({name: rows}) in `database` from another process; with `wal_only`
    that process exits without a checkpoint, leaving the tables only in `database`.wal."""
    mode = "wal only" if wal_only else "checkpoint"
    subprocess.run([sys.executable, "-c", WRITE_TABLES, str(database), json.dumps(tables), mode], check=True)


def table_names(database):
    with REAL_CONNECT(str(database), read_only=True) as connection:
        return {name for (name,) in connection.sql("show tables").fetchall()}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


class FakeDbt:
    """Stands in for run_dbt: writes MODELS into the database and reports `reported` built,
    shaped like dbt's result (result.result.results, each with .node and .status)."""

    def __init__(self):
        self.calls, self.success, self.wal_only, self.reported = [], True, False, list(MODELS)
        self.models, self.exception = dict(MODELS), None

    def __call__(self, args, database, dbt_vars=None, target="test"):
        self.calls.append(dbt_vars)
        write_tables(database, self.models, self.wal_only)
        built = [SimpleNamespace(node=SimpleNamespace(name=name, resource_type="model", config=TABLE,
                                                      relation_name=f'"warehouse"."main"."{name}"'), status="success")
                 for name in self.reported]
        a_test = SimpleNamespace(node=SimpleNamespace(name="not_null_stock_periods_id", resource_type="test",
                                                      relation_name=None), status="pass")
        return SimpleNamespace(success=self.success, exception=self.exception,
                               result=SimpleNamespace(results=[*built, a_test]))


@pytest.fixture
def fake_dbt(monkeypatch):
    fake = FakeDbt()
    monkeypatch.setattr(runner, "run_dbt", fake)
    return fake


@pytest.fixture
def old(tmp_path):
    """The paths of a build of tmp_path/warehouse.duckdb, an old warehouse there, and its digest."""
    database = tmp_path / "warehouse.duckdb"
    write_tables(database, {"stock_periods": OLD_ROWS})
    working = tmp_path / ".building" / "warehouse.duckdb"
    return SimpleNamespace(database=database, digest=digest(database), working=working, building=working.parent,
                           wal=Path(f"{working}.wal"), lock=Path(f"{working}.lock"))


def run_build(old, capsys):
    status = runner.build(old.database, {})
    out, err = capsys.readouterr()
    return status, out, err


def assert_kept(old):
    assert digest(old.database) == old.digest
    assert not Path(f"{old.database}.wal").exists()
    with REAL_CONNECT(str(old.database), read_only=True) as connection:
        assert connection.sql("select count(*) from stock_periods").fetchone()[0] == OLD_ROWS


# --- faults: each arranges one, the build must fail in one line and keep the old warehouse ------------

def os_error(code):
    return OSError(code, os.strerror(code))


def raising(code):
    def fault(*args, **kwargs):
        raise os_error(code)
    return fault


def copy_fails(code):
    def copy(source, target):
        Path(target).write_bytes(Path(source).read_bytes()[: Path(source).stat().st_size // 2])
        raise os_error(code)  # after half the file, as a full disk does
    return lambda monkeypatch, fake, old: monkeypatch.setattr(shutil, "copyfile", copy)


def swap_fails(code):
    return lambda monkeypatch, fake, old: monkeypatch.setattr(os, "replace", raising(code))


def lock_fails(code):
    return lambda monkeypatch, fake, old: monkeypatch.setattr(lock_module, "open", raising(code), raising=False)


class Intercepted:
    """A DuckDB connection whose CHECKPOINT runs `on_checkpoint(connection)` instead."""

    def __init__(self, connection, on_checkpoint):
        self.connection, self.on_checkpoint = connection, on_checkpoint

    def __getattr__(self, name):
        return getattr(self.connection, name)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.connection.close()

    def execute(self, sql, *args):
        if sql.strip().lower() == "checkpoint":
            return self.on_checkpoint(self.connection)
        return self.connection.execute(sql, *args)


def intercept_connect(monkeypatch, database, opener):
    """duckdb.connect(database, read_only) returns opener(read_only); other files connect as usual."""
    def connect(path, read_only=False, **kwargs):
        if Path(path) == database:
            return opener(read_only)
        return REAL_CONNECT(path, read_only=read_only, **kwargs)
    monkeypatch.setattr(duckdb, "connect", connect)


def checkpoint_does(on_checkpoint):
    """dbt's close left the tables only in the log (as on a full disk); our CHECKPOINT runs `on_checkpoint`."""
    def arrange(monkeypatch, fake, old):
        def opener(read_only):
            connection = REAL_CONNECT(str(old.working), read_only=read_only)
            return connection if read_only else Intercepted(connection, on_checkpoint)
        fake.wal_only = True
        intercept_connect(monkeypatch, old.working, opener)
    return arrange


def disk_full(exception_type):
    def raise_(connection):
        raise exception_type('FATAL Error: Failed to create checkpoint because of error: Could not write file '
                             '"warehouse.duckdb": No space left on device\n\nStack Trace:\n...')
    return raise_


def skipped(connection):
    connection.execute("pragma disable_checkpoint_on_shutdown")  # neither this CHECKPOINT nor the close writes


def ghost_model(monkeypatch, fake, old):
    fake.reported.append("ghost")


def rows_change_on_reopen(monkeypatch, fake, old):
    def opener(read_only):
        if read_only:  # something else writes to the file between the checkpoint and the reopen
            with REAL_CONNECT(str(old.working)) as writer:
                writer.execute("delete from stock_periods where id = 0")
        return REAL_CONNECT(str(old.working), read_only=read_only)
    intercept_connect(monkeypatch, old.working, opener)


def dbt_fails(monkeypatch, fake, old):
    fake.success = False


def nothing_reported(monkeypatch, fake, old):
    fake.reported.clear()


FULL_DISK = ("No space left on device", "free space on that disk, then build again")
FAULTS = {  # name: (arrange, parts of the message, dbt runs)
    "full disk during the copy": (copy_fails(errno.ENOSPC), ["could not copy {database} to {working}", *FULL_DISK], False),
    "read-only file system at the copy": (copy_fails(errno.EROFS), ["could not copy {database} to {working}",
                                          "Read-only file system", "use a folder on a writable file system"], False),
    "no permission for the lock": (lock_fails(errno.EACCES), ["could not create the build lock {lock}",
                                   "Permission denied", "make {building} writable or use another folder"], False),
    "read-only file system at the lock": (lock_fails(errno.EROFS), ["could not create the build lock {lock}",
                                          "Read-only file system"], False),
    "no permission at the swap": (swap_fails(errno.EACCES), ["could not move {working} over {database}",
                                  "Permission denied", "make {database.parent} writable"], True),
    "read-only file system at the swap": (swap_fails(errno.EROFS), ["could not move {working} over {database}",
                                          "Read-only file system"], True),
    "full disk at the checkpoint (FatalException)": (checkpoint_does(disk_full(duckdb.FatalException)),
                                                     ["could not check and checkpoint the new warehouse {working}",
                                                      *FULL_DISK], True),
    "full disk at the checkpoint (IOException)": (checkpoint_does(disk_full(duckdb.IOException)),
                                                  ["could not check and checkpoint the new warehouse {working}",
                                                   *FULL_DISK], True),
    "data left only in the WAL": (checkpoint_does(skipped), ["{working} still has its write-ahead log {wal}"], True),
    "model reported built but missing": (ghost_model, ["model ghost, which dbt reported built, cannot be read from "
                                                       "{working}", "ghost does not exist"], True),
    "model's row count changes": (rows_change_on_reopen, ["model stock_periods has 2 rows in {working} after a "
                                                          "checkpoint and a read-only reopen, 3 before"], True),
    "dbt reports no model": (nothing_reported, ["dbt reported no model built in {working}"], True),
    "dbt fails": (dbt_fails, ["dbt build did not pass"], True),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_fails_in_one_line_and_keeps_the_old_warehouse(fault, old, fake_dbt, monkeypatch, capsys):
    arrange, parts, dbt_runs = FAULTS[fault]
    arrange(monkeypatch, fake_dbt, old)

    status, out, err = run_build(old, capsys)

    assert status == 1
    assert err.startswith("build failed: ") and err.endswith(f". {old.database} was left as it was.\n")
    assert err.count("\n") == 1
    for part in parts:
        assert part.format(**vars(old)) in err
    assert "ready" not in out + err
    assert len(fake_dbt.calls) == dbt_runs
    assert_kept(old)
    assert not old.working.exists() and not old.wal.exists()


# --- the write-ahead log, the lock, leftovers ---------------------------------------------------------

def test_premise_a_wal_only_file_has_no_tables_and_its_log_replays_onto_any_file(tmp_path):
    killed = tmp_path / "killed.duckdb"
    write_tables(killed, {"only_in_the_log": 1}, wal_only=True)
    assert Path(f"{killed}.wal").exists()
    shutil.copyfile(killed, tmp_path / "main_file_alone.duckdb")
    assert table_names(tmp_path / "main_file_alone.duckdb") == set()  # what the old runner swapped in
    write_tables(tmp_path / "other.duckdb", {"other": 1})
    shutil.copyfile(tmp_path / "other.duckdb", killed)  # the old runner copied over a killed build's file
    assert table_names(killed) == {"other", "only_in_the_log"}


def test_a_build_whose_data_is_only_in_the_wal_is_checkpointed_then_swapped_whole(old, fake_dbt, capsys):
    fake_dbt.wal_only = True

    status, out, err = run_build(old, capsys)

    assert (status, out, err) == (0, f"warehouse ready: {old.database}\n", "")
    with REAL_CONNECT(str(old.database), read_only=True) as connection:
        for name, rows in MODELS.items():
            assert connection.sql(f"select count(*) from {name}").fetchone()[0] == rows
    assert not Path(f"{old.database}.wal").exists()
    assert sorted(path.name for path in old.building.iterdir()) == [old.lock.name]


def test_a_second_runner_stops_before_touching_any_file_and_a_killed_holder_leaves_no_lock(old, fake_dbt, capsys):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(old.lock)], cwd=PROJECT_DIR,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        old.working.write_bytes(b"the first runner's working copy")
        old.wal.write_bytes(b"and its log")

        status, out, err = run_build(old, capsys)

        assert status == 1
        assert err == (f"build failed: another build (pid {holder.pid}) holds the build lock {old.lock}; wait for it "
                       f"to finish or stop it, then build again. {old.database} was left as it was.\n")
        assert "ready" not in out
        assert old.working.read_bytes() == b"the first runner's working copy"
        assert old.wal.read_bytes() == b"and its log"
        assert fake_dbt.calls == []
        assert_kept(old)
    finally:
        holder.kill()
        holder.wait()

    status, out, _ = run_build(old, capsys)

    assert status == 0
    assert out.splitlines()[0] == f"removed the working copy of an interrupted build: {old.working}, {old.wal}"
    assert old.lock.read_text() == f"{os.getpid()}\n"


def test_an_interrupted_builds_working_copy_and_wal_are_removed_not_replayed(old, fake_dbt, capsys):
    old.building.mkdir()
    write_tables(old.working, {"only_in_the_stale_log": 1}, wal_only=True)
    assert old.wal.exists()

    status, out, err = run_build(old, capsys)

    assert (status, err) == (0, "")
    assert out.splitlines() == [f"removed the working copy of an interrupted build: {old.working}, {old.wal}",
                                f"warehouse ready: {old.database}"]
    assert table_names(old.database) == set(MODELS)


def test_a_warehouse_with_a_wal_of_its_own_is_not_replaced(old, fake_dbt, capsys):
    write_tables(old.database, {"only_in_its_log": 1}, wal_only=True)  # closed uncleanly: that log would replay
    old_wal = Path(f"{old.database}.wal")                                # onto whatever file takes its place
    before = digest(old.database), digest(old_wal)

    status, out, err = run_build(old, capsys)

    assert status == 1
    assert err.startswith(f"build failed: {old_wal} exists: {old.database} is open in another program or was not "
                          "closed cleanly, and that log would replay onto the new warehouse; close that program")
    assert "ready" not in out + err and fake_dbt.calls == []
    assert (digest(old.database), digest(old_wal)) == before
    assert table_names(old.database) == {"stock_periods", "only_in_its_log"}


def raised_over_ctrl_c():
    """What dbtRunner can return after Ctrl-C: dbt-duckdb's cancel of a connection a worker had just
    closed raises a ConnectionException while dbt handles the KeyboardInterrupt."""
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise duckdb.ConnectionException("Connection Error: Connection already closed!")
    except duckdb.ConnectionException as error:
        return error


@pytest.mark.parametrize("exception", [KeyboardInterrupt(), raised_over_ctrl_c()], ids=["itself", "raised_over"])
def test_ctrl_c_inside_dbt_says_only_that_and_keeps_the_old_warehouse(old, fake_dbt, capsys, exception):
    fake_dbt.success, fake_dbt.exception = False, exception  # what dbtRunner returns after Ctrl-C

    status, out, err = run_build(old, capsys)

    assert (status, err) == (runner.INTERRUPTED, "interrupted; the previous warehouse is unchanged\n")
    assert "ready" not in out
    assert sorted(path.name for path in old.building.iterdir()) == [old.lock.name]
    assert_kept(old)


def test_ctrl_c_outside_dbt_says_the_same(old, fake_dbt, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(shutil, "copyfile", interrupted)

    status, _, err = run_build(old, capsys)

    assert (status, fake_dbt.calls) == (runner.INTERRUPTED, [])
    assert err == "interrupted; the previous warehouse is unchanged\n"
    assert_kept(old)


def test_a_failed_build_leaves_its_quarantine_and_data_loss_next_to_the_warehouse_until_the_next_build(
        old, fake_dbt, capsys):
    fake_dbt.models = {**MODELS, "quarantined_inputs": 4, "data_loss": 2}
    fake_dbt.reported, fake_dbt.success = list(fake_dbt.models), False
    quarantine = old.database.with_name("warehouse.quarantined_inputs.csv")
    data_loss = old.database.with_name("warehouse.data_loss.csv")

    status, out, err = run_build(old, capsys)

    assert status == 1
    assert err == (f"build failed: dbt build did not pass; fix the errors it printed above (the failed build's "
                   f"quarantined_inputs rows are in {quarantine} and data_loss rows are in {data_loss}), then build "
                   f"again. {old.database} was left as it was.\n")
    assert quarantine.read_text().splitlines() == ["id", "0", "1", "2", "3"]
    assert data_loss.read_text().splitlines() == ["id", "0", "1"]
    assert_kept(old)

    fake_dbt.success = True
    assert run_build(old, capsys)[0] == 0
    assert not quarantine.exists() and not data_loss.exists()


# --- which data: demo only when asked ---------------------------------------------------------------------

@pytest.mark.parametrize("kaggle_dir", ["", "  "])
def test_an_empty_kaggle_dir_is_an_error_that_touches_nothing(kaggle_dir, old, fake_dbt, capsys):
    with pytest.raises(SystemExit) as exit_:
        runner.main(["--kaggle-dir", kaggle_dir, "--database", str(old.database),
                     "--report", str(old.database.parent / "report.html")])

    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--kaggle-dir is empty" in err and "ask for the demo data with --demo" in err
    assert fake_dbt.calls == []
    assert sorted(path.name for path in old.database.parent.iterdir()) == [old.database.name]
    assert_kept(old)


@pytest.mark.parametrize("argv, dbt_vars", [
    ([], {}),
    (["--demo"], {}),
    (["--kaggle-dir", "data/kaggle_2018_sample"], {"kaggle_dir": str(KAGGLE_SAMPLE_DIR)}),
    (["--panel", "data/panel.parquet"], {"panel": {"path": str(PROJECT_DIR / "data" / "panel.parquet")}}),
    (["--panel", "data/panel/*.parquet", "--vars", "{panel: {id_column: permno}, portfolio_count: 5}"],
     {"panel": {"id_column": "permno", "path": str(PROJECT_DIR / "data" / "panel" / "*.parquet")}, "portfolio_count": 5}),
    (["--vars", "{sort_grouping: sector}"], {"sort_grouping": "sector"}),
])
def test_the_demo_is_built_only_without_a_kaggle_dir_or_panel(argv, dbt_vars, monkeypatch):
    monkeypatch.chdir(PROJECT_DIR)
    calls = []
    monkeypatch.setattr(runner, "build", lambda database, dbt_vars, report: calls.append(dbt_vars) or 0)
    assert runner.main(argv) == 0
    assert calls == [dbt_vars]


@pytest.mark.parametrize("argv, message", [
    (["--panel", " "], "--panel is empty (with make: PANEL is set but empty)"),
    (["--vars", "{portfolio_count: [5"], "--vars is not YAML"),
    (["--vars", "[5]"], "--vars must be a YAML mapping"),
])
def test_an_empty_panel_or_vars_that_are_not_a_mapping_are_usage_errors(argv, message, fake_dbt, capsys):
    with pytest.raises(SystemExit) as exit_:
        runner.main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert fake_dbt.calls == []


def test_make_build_with_kaggle_dir_given_empty_reaches_that_error_and_without_it_asks_for_the_demo():
    make = ["make", "--no-print-directory", "-o", ".venv/.installed", "build"]  # -o: never run the setup step here
    given_empty = subprocess.run([*make, "KAGGLE_DIR="], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert given_empty.returncode != 0
    assert "--kaggle-dir is empty" in given_empty.stderr
    not_given = subprocess.run([*make, "-n"], cwd=PROJECT_DIR, capture_output=True, text=True,
                               env={key: value for key, value in os.environ.items() if key != "KAGGLE_DIR"})
    assert not_given.stdout.strip().endswith("-m factor_warehouse.cli.build --demo")


# --- the real dbt build ---------------------------------------------------------------------------------

def test_a_real_build_is_proven_whole_then_swapped(tmp_path, monkeypatch, capsys):
    checked = {}

    def record(database, relations):
        checked.update(relations)
        prove_whole(database, relations)
    monkeypatch.setattr(runner, "prove_whole", record)
    database = tmp_path / "warehouse.duckdb"

    assert runner.build(database, {"kaggle_dir": str(KAGGLE_SAMPLE_DIR)}) == 0

    assert capsys.readouterr().out.endswith(f"warehouse ready: {database}\n")
    # a table, a view, a Python model and a seed are among what dbt reported and the check counted
    assert {"stock_periods", "factor_portfolios", "factor_mic", "benchmark_returns"} <= set(checked)
    # views are only bound (counting one re-runs it); tables are counted
    assert checked["factor_portfolios"][1] and not checked["stock_periods"][1] and not checked["factor_mic"][1]
    with REAL_CONNECT(str(database), read_only=True) as connection:
        for relation, _ in checked.values():
            connection.sql(f"select count(*) from {relation}").fetchone()
        assert connection.sql("select count(*) from stock_periods").fetchone()[0] == 300
    assert sorted(path.name for path in (tmp_path / ".building").iterdir()) == ["warehouse.duckdb.lock"]
