"""The main job: `dbt build` into a working copy of the warehouse, swapped in only once the copy
is proven whole, then the HTML research report rendered from it.

    .venv/bin/python -m factor_warehouse.cli.build [--kaggle-dir DIR | --panel PATH | --demo] [--vars YAML]
        [--database FILE] [--report FILE] [--verbose] [--target {dev,spark}]

One build at a time per warehouse (`build_lock`). A failed, refused or interrupted build leaves
the previous warehouse file byte for byte as it was and says in one line what failed, where,
why and what to do (`build_failure`); Ctrl-C says only that. `warehouse ready` is printed only
after the swap of a copy that `build_check` proved whole.

While dbt runs, the command prints one line per model or seed built, the lines the project's
own code logs (the Kaggle files read, MIC progress, results reused), failing tests and every
error and warning (each error once, without Python's traceback), then one summary line
(`BuildProgress`); --verbose prints dbt's own output instead. dbt's log file (logs/dbt.log) has
everything either way.

--target spark builds the SQL models on the spark target of profiles.yml (a Parquet or CSV panel;
tables in its schema under FACTOR_WAREHOUSE_SPARK_DIR) with `dbt build` in place: no copy and swap there,
so a failed build leaves the tables it rebuilt before the failure new and the others as they were. dbt
runs no Python model on Spark: the research runner (`spark_research`) then computes the research
tables on the same session, and the report is drawn from the tables copied to the driver.
"""

import argparse
import os
import re
import shutil
import sys
import threading
import time
from collections import Counter
from contextlib import suppress
from functools import partial
from pathlib import Path

import duckdb

from factor_warehouse.cli.build_check import built_relations, prove_whole, wal_of
from factor_warehouse.cli.build_failure import AGAIN, BuildFailed, failing_as
from factor_warehouse.cli.build_lock import build_lock
from factor_warehouse.cli.dbt_runner import dbt_output_to, run_dbt, vars_option
from factor_warehouse.paths import DEFAULT_DATABASE, DEFAULT_REPORT
from factor_warehouse.cli.spark_research import (SparkResearchError, python_workers_run_this_interpreter,
                                                 report_copies, run_research, spark_session, spark_target)
from factor_warehouse.report.document import render, write_report

EVIDENCE_TABLES = ("quarantined_inputs", "data_loss")  # kept next to the warehouse by a failed build
INTERRUPTED = 130  # the shell's status for a command stopped by Ctrl-C (128 + SIGINT)


def caused_by_ctrl_c(exception):
    """Whether `exception` is Ctrl-C's KeyboardInterrupt or was raised while handling one: dbt-duckdb,
    cancelling the open connections after Ctrl-C, can raise "Connection already closed" over it."""
    while exception is not None:
        if isinstance(exception, KeyboardInterrupt):
            return True
        exception = exception.__context__
    return False


def build(database, dbt_vars, report=None):
    """Build `database` (see `build_warehouse`), then render the report to `report`
    (skipped when None). Returns the exit status."""
    started = time.monotonic()
    database = Path(database)
    try:
        build_warehouse(database, dbt_vars)
    except BuildFailed as failure:
        kept = "was left as it was" if database.exists() else "was not created"
        print(f"build failed: {failure}. {database} {kept}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        kept = "the previous warehouse is unchanged" if database.exists() else f"{database} was not created"
        print(f"interrupted; {kept}", file=sys.stderr)
        return INTERRUPTED
    print(f"warehouse ready: {database}")
    if report is None:
        return 0
    try:
        with failing_as("write the report", report, then="then render it again with `make report`"):
            render(database, report, build_seconds=time.monotonic() - started)
    except BuildFailed as failure:
        print(f"report failed: {failure}. The warehouse is ready.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"interrupted while writing the report {report}; the warehouse is ready", file=sys.stderr)
        return INTERRUPTED
    print(f"report ready: {report}")
    return 0


def build_spark(dbt_vars, report):
    """`dbt build` on the spark target, in place (the unit tests run on DuckDB: they check the
    models' logic, which dialect macros only spell), then the research runner on the same Spark
    session, then the report on the tables copied to the driver; returns the exit status."""
    started = time.monotonic()
    python_workers_run_this_interpreter()  # dbt-spark starts the session the runner then uses
    result = run_dbt(["build", "--exclude", "resource_type:unit_test"], database=None, dbt_vars=dbt_vars,
                     target="spark")
    if caused_by_ctrl_c(result.exception):
        print("interrupted; the Spark tables rebuilt so far are new, the others as they were", file=sys.stderr)
        return INTERRUPTED
    if not result.success:
        print("build failed: dbt build on the spark target did not pass; fix the errors it printed above and run "
              "the build again. Nothing is swapped on Spark: the tables rebuilt before the failure are new, the "
              "others as they were", file=sys.stderr)
        return 1
    try:
        spark = spark_session(spark_target(dbt_vars))  # dbt-spark's session, still open in this process
        run_research(spark, dbt_vars)
        schema = spark_target(dbt_vars)["schema"]
        print(f"Spark tables ready: schema {schema}")
        if report is not None:
            with failing_as("write the report", report, then="then build again"):
                write_report(report_copies(spark, schema), f"Spark schema {schema}", report,
                             build_seconds=time.monotonic() - started)
            print(f"report ready: {report}")
    except (SparkResearchError, BuildFailed) as failure:
        print(f"build failed: {failure}. The SQL models' Spark tables are built; the research tables not "
              "rewritten are as they were", file=sys.stderr)
        return 1
    return 0


def working_copy(database):
    """`<dir>/.building/<same file name>`: dbt-duckdb names the catalog after the file and
    views keep fully qualified names, so the file name must not change between build and swap."""
    return database.parent / ".building" / database.name


def build_warehouse(database, dbt_vars):
    """Under the build lock: clear an interrupted build's leftovers, refuse while `database` has a
    write-ahead log (it would replay onto the new file), copy `database` to the working copy,
    `dbt build` it, prove it whole and atomically replace `database` with it. Raises BuildFailed,
    leaving `database` untouched and no working copy behind."""
    working = working_copy(database)
    with build_lock(working.with_name(f"{working.name}.lock")):
        with failing_as("remove the working copy of an interrupted build", working):
            stale = remove_working_copy(working)
        with failing_as("remove the losses an earlier failed build left next to", database):
            for path in evidence_files(database).values():
                path.unlink(missing_ok=True)
        if stale:
            print(f"removed the working copy of an interrupted build: {', '.join(map(str, stale))}")
        if wal_of(database).exists():
            raise BuildFailed(f"{wal_of(database)} exists: {database} is open in another program or was not closed "
                              f"cleanly, and that log would replay onto the new warehouse; close that program, or fold "
                              f"the log in by opening the warehouse once read-write (`.venv/bin/python -c \"import "
                              f"duckdb; duckdb.connect('{database}').close()\"`), {AGAIN}")
        try:
            if database.exists():
                with failing_as(f"copy {database} to", working):
                    shutil.copyfile(database, working)  # keeps caches (e.g. MIC results) warm
            result = run_dbt(["build"], database=working, dbt_vars=dbt_vars, target="dev")
            if caused_by_ctrl_c(result.exception):
                raise KeyboardInterrupt  # dbt caught Ctrl-C and stopped its run
            if not result.success:
                with failing_as("write the failed build's losses next to", database):
                    evidence = keep_evidence(working, database, built_relations(result) if result.result else {})
                kept = " and ".join(f"{table} rows are in {path}" for table, path in evidence.items())
                raise BuildFailed("dbt build did not pass; fix the errors it printed above"
                                  + (f" (the failed build's {kept})" if kept else "") + f", {AGAIN}")
            with failing_as("check and checkpoint the new warehouse", working):
                prove_whole(working, built_relations(result))
            with failing_as(f"move {working} over", database):
                os.replace(working, database)
        finally:
            with suppress(OSError):  # best effort: the next build removes what is left
                remove_working_copy(working)


def evidence_files(database):
    """{table: CSV file} where a failed build leaves what it quarantined and lost, next to the
    warehouse: data/warehouse.quarantined_inputs.csv and data/warehouse.data_loss.csv."""
    return {table: database.with_name(f"{database.stem}.{table}.csv") for table in EVIDENCE_TABLES}


def keep_evidence(working, database, relations):
    """Copy the tables of EVIDENCE_TABLES that the failed build in `working` built (`relations`, as
    `built_relations` gives them) to their `evidence_files`, which the swap would otherwise drop
    with the working copy; returns {table: file written}."""
    written = {table: path for table, path in evidence_files(database).items() if table in relations}
    if not written:
        return written
    with duckdb.connect(str(working), read_only=True) as connection:
        for table, path in written.items():
            target = str(path).replace("'", "''")
            connection.execute(f"copy (select * from {relations[table][0]} order by all) to '{target}' (header)")
    return written


def remove_working_copy(working):
    """Delete the working copy and its write-ahead log, never to be replayed; returns what was there."""
    present = [path for path in (working, wal_of(working)) if path.exists()]
    for path in present:
        path.unlink()
    return present


class BuildProgress:
    """A `dbt_output_to` listener printing what the researcher follows: one line per model or seed
    built, numbered in the order they finish out of the models and seeds dbt found, every line the
    project's own code logs (through dbt's AdapterLogger: the Kaggle files read, MIC progress,
    results reused; or a macro's `log(..., info=True)`), failing tests, and every warning and error
    as dbt words them (closing a failed run: the failing node, its message, the path of its compiled
    code). An error that several models share (one bad input file fails every staging model that
    reads it) is printed in full once, then named; Python's tracebacks and dbt's own (Ctrl-C,
    internal errors) stay in dbt's log file, with passing tests, parsing and timing lines. A test
    that warns shows the lines it logged while it ran (the budget test's losses) in place of dbt's
    "Got N results". `summary` is the closing line."""

    BUILT = ("LogModelResult", "LogSeedResult", "LogSnapshotResult")
    BUILT_TYPES = ("model", "seed", "snapshot")
    FAILURE_HEADERS = ("RunResultFailure", "RunResultWarning")  # "Failure in model x (path)", set apart
    INFO_LINES = ("SQLCompiledPath", "CheckNodeTestFailure",  # of dbt's failure report
                  "JinjaLogInfo", "PrintEvent")  # a macro's log(..., info=True) or print()
    SILENCED = ("MainStackTrace", "LogCancelLine")  # a traceback; "CANCEL query x" after Ctrl-C
    TEST_OUTCOMES = {"pass": "passed", "warn": "warned", "fail": "failed", "error": "failed", "skipped": "skipped"}
    TALLIES = {"models and seeds": ("built", "failed", "skipped"), "tests": ("passed", "warned", "failed", "skipped")}
    BUILT_COUNTS = re.compile(r"(\d+) (?:models?|seeds?|snapshots?)\b")  # "Found 48 models, 280 data tests, 3 seeds"

    def __init__(self):
        self.started = time.monotonic()
        self.log_file = None
        self.outcomes = Counter()  # ("models and seeds" or "tests", outcome) -> nodes
        self.lock = threading.Lock()  # dbt calls from its worker threads
        self.total = None  # models and seeds dbt found
        self.finished = 0
        self.test_lines = {}  # test -> lines it logged, shown if it warns
        self.errors = {}  # an error's text -> the model that printed it in full
        self.header = None  # the "Failure in model x" line of the failure being reported
        self.repeated = False  # that failure is an error printed in full before

    def __call__(self, event):
        name, level, data = event.info.name, event.info.level, event.data
        with self.lock:
            line = self.line_of(name, level, data, event.info.msg)
            if line is not None:
                print(line, flush=True)

    def line_of(self, name, level, data, message):
        """The line to print for one dbt event, or None."""
        if name == "MainReportArgs" and "log_path" in data.args:
            self.log_file = Path(data.args["log_path"]) / "dbt.log"
        elif name == "FoundStats":
            self.total = sum(map(int, self.BUILT_COUNTS.findall(data.stat_line)))
            return f"dbt found {data.stat_line}"
        elif name in self.BUILT:
            node, failed = data.node_info, level == "error"
            self.outcomes["models and seeds", "failed" if failed else "built"] += 1
            self.finished += 1
            done = f"{self.finished}/{self.total}"
            return (f"{done} {node.node_name}: {node.materialized} FAILED (dbt's error follows at the end)" if failed
                    else f"{done} {node.node_name}: {node.materialized}, {data.execution_time:.1f} s")
        elif name == "LogTestResult":
            self.outcomes["tests", self.TEST_OUTCOMES[data.status]] += 1
            if data.status != "pass":
                return f"test {data.name}: {data.status.upper()}"
        elif name == "SkippingDetails":
            kind = "tests" if data.resource_type in ("test", "unit_test") else "models and seeds"
            self.outcomes[kind, "skipped"] += 1
        elif name.startswith("AdapterEvent") and level != "debug":
            return f"{data.name}: {message.removeprefix(f'{data.name} adapter: ')}"
        elif name == "JinjaLogInfo" and data.node_info.resource_type == "test":
            self.test_lines.setdefault(data.node_info.node_name, []).append(message)
        elif name == "RunResultWarningMessage" and self.test_lines.get(data.node_info.node_name):
            return "\n".join(f"  {line}" for line in self.test_lines[data.node_info.node_name])
        elif name == "RunResultFailure" and data.resource_type in self.BUILT_TYPES:
            self.header, self.repeated = message, False  # printed with its error, in `failure`
        elif name == "RunResultError" and self.header is not None:
            return self.failure(data.node_info.node_name, without_traceback(message))
        elif name == "SQLCompiledPath" and self.repeated:
            return None
        elif name == "MainEncounteredError" and caused_by_ctrl_c(sys.exc_info()[1]):  # dbt fires it while
            return None                                                         # handling; build() says so
        elif name in self.SILENCED:
            return None
        elif name in self.INFO_LINES or level in ("warn", "error"):
            return f"\n{message}" if name in self.FAILURE_HEADERS else message
        return None

    def failure(self, node, message):
        """The closing report of a failed model: its header and error, or, for an error an earlier
        model printed, a line naming that model."""
        header, self.header = self.header, None
        # the error without its first line, which names the model, nor a Python model's "while computing x"
        error = "\n".join(line.strip() for line in message.splitlines()[1:]
                          if line.strip() and not line.strip().startswith("while computing "))
        if error in self.errors:
            self.repeated = True
            return f"\n{header}: the same error as model {self.errors[error]} above"
        self.errors[error] = node
        return f"\n{header}\n{message}"

    def summary(self, succeeded, database):
        """The closing line: done or failed, the time since this listener was made, models and
        seeds and tests by outcome, the warehouse and dbt's log file; None when dbt never ran."""
        if self.log_file is None:
            return None
        seconds = time.monotonic() - self.started
        verdict = f"done in {seconds:.0f} s" if succeeded else f"failed after {seconds:.0f} s"
        tallies = "; ".join(f"{kind}: " + ", ".join(f"{self.outcomes[kind, outcome]} {outcome}" for outcome in outcomes)
                            for kind, outcomes in self.TALLIES.items())
        return f"{verdict}. {tallies}; warehouse: {database}; full dbt log: {self.log_file}"


def without_traceback(message):
    """dbt's message of a failed Python model without the Python traceback it quotes: each
    "Traceback (most recent call last):" line and the deeper-indented frame lines under it go,
    the exception's own lines stay."""
    kept, frames_below = [], None
    for line in message.splitlines():
        indent = len(line) - len(line.lstrip())
        if line.strip() == "Traceback (most recent call last):":
            frames_below = indent
        elif frames_below is None or indent <= frames_below:
            frames_below = None
            kept.append(line)
    return "\n".join(kept)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    data = parser.add_mutually_exclusive_group()
    data.add_argument("--kaggle-dir", help="directory with {YEAR}_Financial_Data.csv[.zip]")
    data.add_argument("--panel", metavar="PATH",
                      help="a stock panel: a Parquet or CSV file, a directory or a glob (dbt var panel.path; "
                           "its other keys, e.g. id_column, through --vars '{panel: {...}}')")
    data.add_argument("--demo", action="store_true", help="build on the demo data (the default without a data option)")
    parser.add_argument("--vars", metavar="YAML", default="{}",
                        help="more dbt vars as a YAML mapping, e.g. '{portfolio_count: 5, sort_grouping: sector}'")
    parser.add_argument("--database", default=str(DEFAULT_DATABASE), help="warehouse file to build")
    parser.add_argument("--report", default=str(DEFAULT_REPORT), help="HTML report to write")
    parser.add_argument("--target", choices=("dev", "spark"), default="dev",
                        help="dev: DuckDB (the default); spark: the SQL models on Apache Spark (profiles.yml, a "
                             "Parquet or CSV panel, Java 17+ and requirements-spark.txt; --database unused)")
    parser.add_argument("--verbose", action="store_true",
                        help="print dbt's own output (a line per node and test) instead of the progress and summary")
    options = parser.parse_args(argv)
    for option, value, make_name in (("--kaggle-dir", options.kaggle_dir, "KAGGLE_DIR"), ("--panel", options.panel, "PANEL")):
        if value is not None and not value.strip():
            parser.error(f"{option} is empty (with make: {make_name} is set but empty): give the path of your data, or "
                         "ask for the demo data with --demo (with make: `make build` without KAGGLE_DIR or PANEL)")
    dbt_vars = vars_option(parser, options.vars)
    if options.kaggle_dir is not None:
        dbt_vars["kaggle_dir"] = str(Path(options.kaggle_dir).resolve())
    if options.panel is not None:
        panel = dbt_vars.get("panel") or {}
        dbt_vars["panel"] = {**panel, "path": os.path.abspath(options.panel)}  # a glob too
    run = (partial(build_spark, dbt_vars, report=options.report) if options.target == "spark"
           else partial(build, options.database, dbt_vars, report=options.report))
    if options.verbose:
        return run()
    with dbt_output_to(BuildProgress()) as progress:
        status = run()
    summary = progress.summary(status == 0, "the spark target's schema" if options.target == "spark" else options.database)
    if summary is not None:
        print(summary)
    return status


if __name__ == "__main__":
    sys.exit(main())
