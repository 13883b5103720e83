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


def build_and_export(panel, panel_settings, export_dir):
    """Run in the build's process: the build command on the spark target (dbt, the research runner,
    the report to export_dir/report.html), then every table and view of its schema (the models it
    built, the research tables, model_settings) written to export_dir/models/<name> as Parquet by the
    build's Spark session. Returns the build's exit status."""
    from pyspark.sql import SparkSession

    from factor_warehouse.cli.build import main as build_main

    status = build_main(["--target", "spark", "--panel", panel, "--vars", json.dumps({"panel": panel_settings}),
                         "--report", str(Path(export_dir) / "report.html")])
    spark = SparkSession.builder.getOrCreate()  # the session dbt-spark made, with the profile's settings
    for table in spark.catalog.listTables(SCHEMA):
        spark.table(f"{SCHEMA}.{table.name}").write.parquet(str(Path(export_dir) / "models" / table.name))
    return status


def build_on_spark(scratch, panel, panel_settings):
    """Build `panel` (a Parquet path) with the dbt var panel's other keys `panel_settings` on the spark
    target, its warehouse under `scratch`. Returns {'status': the build's exit status, 'output': its
    console text, 'exported': {name: its Parquet directory} for each table and view of its schema,
    'report': the report's path}."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("the spark target needs Java 17 or later, and no java is on PATH nor JAVA_HOME set: install a "
                    "JDK or JRE 17+ (e.g. apt-get install openjdk-17-jre-headless)")
    if importlib.util.find_spec("pyspark") is None:
        pytest.fail("the spark target's packages are not installed: .venv/bin/python -m pip install -r "
                    "requirements-spark.txt (make's setup step does)")
    export_dir = Path(scratch) / "tables"
    environment = {**os.environ, "FACTOR_WAREHOUSE_SPARK_DIR": str(Path(scratch) / "spark"),
                   "FACTOR_WAREHOUSE_SPARK_SCHEMA": SCHEMA, "DBT_TARGET_PATH": str(Path(scratch) / "target"),
                   "DBT_LOG_PATH": str(Path(scratch) / "logs"), "PYTHONPATH": str(PROJECT_DIR)}
    code = (f"import sys; from tests.spark_build import build_and_export; "
            f"sys.exit(build_and_export({str(panel)!r}, {panel_settings!r}, {str(export_dir)!r}))")
    process = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=environment,
                             capture_output=True, text=True)
    models = export_dir / "models"
    exported = {path.name: path for path in models.iterdir()} if models.exists() else {}
    return {"status": process.returncode, "output": process.stdout + without_spark_logs(process.stderr),
            "exported": exported, "report": export_dir / "report.html"}


def without_spark_logs(text):
    """The lines of `text` (the build's stderr) that are not Spark's own log records: its JSON error
    records (each with a Java stack trace) and its timestamped WARN and INFO lines."""
    spark_line = re.compile(r'\{"ts"|\d\d/\d\d/\d\d \d\d:\d\d:\d\d (WARN|INFO) ')
    return "".join(line for line in text.splitlines(keepends=True) if not spark_line.match(line))
