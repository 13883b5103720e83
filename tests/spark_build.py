"""A panel built on the spark target by the build command, in a process of its own (its JVM, so
that no Spark session of the tests' process fixes the warehouse's location), then every model it
built written to Parquet, which DuckDB reads: `build_on_spark`. Needs Java 17+ and
requirements-spark.txt; without them it fails the calling test saying what to install."""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from factor_warehouse.paths import PROJECT_DIR

SCHEMA = "factor_warehouse"


def build_and_export(panel, panel_settings, export_dir, other_vars=None):
    """Run in the build's process: the build command on the spark target (dbt vars panel and
    `other_vars`; dbt, the research runner, the report to export_dir/report.html), then every table and
    view of its schema (the models it built, the research tables, model_settings) written to
    export_dir/models/<name> as Parquet by the build's Spark session. Returns the build's exit status."""
    from pyspark.sql import SparkSession

    from factor_warehouse.cli.build import main as build_main

    dbt_vars = {"panel": panel_settings, **(other_vars or {})}
    status = build_main(["--target", "spark", "--panel", panel, "--vars", json.dumps(dbt_vars),
                         "--report", str(Path(export_dir) / "report.html")])
    spark = SparkSession.builder.getOrCreate()  # the session dbt-spark made, with the profile's settings
    for table in spark.catalog.listTables(SCHEMA):
        spark.table(f"{SCHEMA}.{table.name}").write.parquet(str(Path(export_dir) / "models" / table.name))
    return status


def build_on_spark(scratch, panel, panel_settings, other_vars=None):
    """Build `panel` (a Parquet or CSV path) with the dbt var panel's other keys `panel_settings` and
    the dbt vars `other_vars` on the spark target, its warehouse under `scratch`. Returns {'status': the
    build's exit status, 'output': its console text, 'exported': {name: its Parquet directory} for each
    table and view of its schema, 'report': the report's path}."""
    environment = spark_environment(scratch)
    export_dir = Path(scratch) / "tables"
    code = (f"import sys; from tests.spark_build import build_and_export; "
            f"sys.exit(build_and_export({str(panel)!r}, {panel_settings!r}, {str(export_dir)!r}, {other_vars!r}))")
    process = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=environment,
                             capture_output=True, text=True)
    models = export_dir / "models"
    exported = {path.name: path for path in models.iterdir()} if models.exists() else {}
    return {"status": process.returncode, "output": process.stdout + without_spark_logs(process.stderr),
            "exported": exported, "report": export_dir / "report.html"}


def spark_environment(scratch):
    """The environment of a process on the spark target, its warehouse and dbt's files under `scratch`;
    fails the calling test saying what to install when Java 17+ or requirements-spark.txt is missing."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("the spark target needs Java 17 or later, and no java is on PATH nor JAVA_HOME set: install a "
                    "JDK or JRE 17+ (e.g. apt-get install openjdk-17-jre-headless)")
    if importlib.util.find_spec("pyspark") is None:
        pytest.fail("the spark target's packages are not installed: .venv/bin/python -m pip install -r "
                    "requirements-spark.txt (make's setup step does)")
    return {**os.environ, "FACTOR_WAREHOUSE_SPARK_DIR": str(Path(scratch) / "spark"),
            "FACTOR_WAREHOUSE_SPARK_SCHEMA": SCHEMA, "DBT_TARGET_PATH": str(Path(scratch) / "target"),
            "DBT_LOG_PATH": str(Path(scratch) / "logs"), "PYTHONPATH": str(PROJECT_DIR)}


def dbt_on_spark(scratch, arguments, dbt_vars):
    """Run dbt `arguments` (e.g. ["run", "--select", model]) with `dbt_vars` on the spark target in a
    process of its own, its warehouse under `scratch`; returns (exit status, console text)."""
    command = [str(Path(sys.executable).parent / "dbt"), *arguments, "--target", "spark", "--vars", json.dumps(dbt_vars),
               "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR), "--no-use-colors"]
    process = subprocess.run(command, cwd=PROJECT_DIR, env=spark_environment(scratch), capture_output=True, text=True)
    return process.returncode, process.stdout + without_spark_logs(process.stderr)


def without_spark_logs(text):
    """The lines of `text` (the build's stderr) that are not Spark's own log records: its JSON error
    records (each with a Java stack trace) and its timestamped WARN and INFO lines."""
    spark_line = re.compile(r'\{"ts"|\d\d/\d\d/\d\d \d\d:\d\d:\d\d (WARN|INFO) ')
    return "".join(line for line in text.splitlines(keepends=True) if not spark_line.match(line))
