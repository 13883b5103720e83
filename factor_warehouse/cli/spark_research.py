"""The research step on the spark target: `.venv/bin/python -m factor_warehouse.cli.spark_research
[--vars YAML]`, after `dbt build --target spark`.

dbt runs no Python model on open-source Spark (dbt-spark#415), so this command runs them: every model
of python_models/, in dependency order, through its own shim (`model(dbt, session)`), with stand-ins
for dbt's objects. `dbt.ref` is the Spark table the model reads, copied into an in-memory DuckDB on
the driver (the shims' filters and the result cache's digests run there, as in the DuckDB build);
`dbt.config` is the model's config as `dbt parse` renders it with the same vars; `dbt.this` is the
model's previous Spark table, the result cache. The frame a shim returns replaces its table in the
Spark catalog. Units the cache cannot reuse whose inputs are arrays (factor_mic's (factor, scope)
pairs) are computed by Spark's executors, `applyInPandas` grouped by the unit's labels; units that
read whole tables (the alpha models, the statistics across factors) run on the driver.
The session is the spark target's of profiles.yml (FACTOR_WAREHOUSE_SPARK_DIR, _SCHEMA, _MEMORY)."""

import argparse
import graphlib
import importlib.util
import os
import pickle
import shutil
import sys
import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from dbt.config.profile import read_profile
from dbt.config.renderer import ProfileRenderer
from dbt_common.context import set_invocation_context

from factor_warehouse.cli.dbt_runner import run_dbt, vars_option
from factor_warehouse.execution.result_cache import UNIT_RUNNER, ArrayInput, Unit
from factor_warehouse.execution.thread_pool import run_in_threads
from factor_warehouse.paths import DEFAULT_DATABASE, PROJECT_DIR
from factor_warehouse.report.queries import REPORT_INTERMEDIATES

PROFILE = "factor_warehouse"
SPARK_TARGET = "spark"
# The target whose parse gives the Python models' configs and refs: they depend on vars only, and
# parsing opens no warehouse file.
PARSE_TARGET = "dev"
COALESCE_PARTITIONS = "spark.sql.adaptive.coalescePartitions.enabled"
INSTALL_HINT = ("install Java 17 or later (java on PATH or JAVA_HOME) and the spark target's packages "
                "(.venv/bin/python -m pip install -r requirements-spark.txt)")


class SparkResearchError(Exception):
    """A failure of the runner, its message saying what to do."""


def spark_target(dbt_vars=None, project_dir=PROJECT_DIR):
    """The spark target of profiles.yml, rendered as dbt renders it (env_var with its defaults)."""
    set_invocation_context(os.environ)
    raw = read_profile(str(project_dir))[PROFILE]["outputs"][SPARK_TARGET]
    return ProfileRenderer(dbt_vars or {}).render_data(raw)


def python_workers_run_this_interpreter():
    """Spark's Python workers (applyInPandas) run this interpreter, with its packages: Spark reads
    PYSPARK_PYTHON when its context starts, so call this before any session of the process."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def spark_session(target):
    """The Spark session of the target, made as dbt-spark's session method makes it (Hive support,
    the target's server_side_parameters); its Python workers run this interpreter."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise SparkResearchError(f"no Java found for the spark target: {INSTALL_HINT}")
    try:
        from pyspark.sql import SparkSession
    except ModuleNotFoundError as error:
        raise SparkResearchError(f"pyspark is not installed: {INSTALL_HINT}") from error
    python_workers_run_this_interpreter()
    builder = SparkSession.builder.appName("factor_warehouse spark_research").enableHiveSupport()
    for key, value in target["server_side_parameters"].items():
        builder = builder.config(key, str(value))
    return builder.getOrCreate()


@dataclass(frozen=True)
class PythonModel:
    """One dbt Python model: its name, its shim file, its config as dbt renders it and the
    models it refs."""

    name: str
    path: str
    config: dict
    refs: tuple

    def shim(self):
        spec = importlib.util.spec_from_file_location(f"python_models.{self.name}", PROJECT_DIR / self.path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.model


def python_models(dbt_vars, project_dir=PROJECT_DIR):
    """The project's Python models in dependency order (`dbt parse` with `dbt_vars`)."""
    result = run_dbt(["parse"], database=DEFAULT_DATABASE, dbt_vars=dbt_vars, target=PARSE_TARGET,
                     project_dir=project_dir)
    if not result.success:
        raise SparkResearchError(f"dbt parse failed, so the Python models' settings are unknown: {result.exception}; "
                                 "run `dbt parse` with the same --vars to see where")
    every = result.result.nodes
    nodes = {uid: node for uid, node in every.items() if node.resource_type == "model" and node.language == "python"}
    graph = {uid: [parent for parent in node.depends_on.nodes if parent in nodes] for uid, node in nodes.items()}
    return [PythonModel(nodes[uid].name, nodes[uid].original_file_path, nodes[uid].config.to_dict(),
                        tuple(every[parent].name for parent in nodes[uid].depends_on.nodes))
            for uid in graphlib.TopologicalSorter(graph).static_order()]


@dataclass(frozen=True)
class DuckDBName:
    """A table's name in the runner's DuckDB, as dbt's `this` gives it to a shim."""

    database: str
    schema: str
    identifier: str

    def __str__(self):
        return ".".join('"' + part.replace('"', '""') + '"' for part in (self.database, self.schema, self.identifier))


class SparkCopies:
    """Tables of one Spark schema copied into an in-memory DuckDB on the driver (schema main; the
    models' previous tables in schema previous), each read from Spark once; results written back."""

    def __init__(self, spark, schema):
        self.spark = spark
        self.schema = schema
        self.connection = duckdb.connect()
        self.connection.execute("create schema previous")
        self.loaded = set()

    def _copy(self, name, into):
        arrow = self.spark.table(f"{self.schema}.{name}").toArrow()
        self.connection.register("spark_copy", arrow)
        self.connection.execute(f"create or replace table {DuckDBName('memory', into, name)} as from spark_copy")
        self.connection.unregister("spark_copy")

    def relation(self, name):
        """The Spark table `name` as a DuckDB relation."""
        if name not in self.loaded:
            if not self.spark.catalog.tableExists(f"{self.schema}.{name}"):
                raise SparkResearchError(f"table {self.schema}.{name} is not in the Spark catalog: build the SQL "
                                         "models on the spark target first (dbt build --target spark)")
            self._copy(name, "main")
            self.loaded.add(name)
        return self.connection.table(str(DuckDBName("memory", "main", name)))

    def previous(self, name):
        """The DuckDBName of the model's previous table (a copy of its Spark table; absent on the first run)."""
        self.connection.execute(f"drop table if exists {DuckDBName('memory', 'previous', name)}")
        if self.spark.catalog.tableExists(f"{self.schema}.{name}"):
            self._copy(name, "previous")
        return DuckDBName("memory", "previous", name)

    def replace(self, name, frame):
        """Write `frame` as the Spark table `name` (replacing it), its columns typed as DuckDB types
        them when dbt-duckdb stores the frame (a column of nulls only: INTEGER; a timestamp without time
        zone stays one); a later ref reads it back."""
        table = self.connection.from_df(frame).fetch_arrow_table()
        naive = [column.name for column in table.schema
                 if pa.types.is_timestamp(column.type) and column.type.tz is None]
        rows = self.spark.createDataFrame(table)
        rows = rows.withColumns({column: rows[column].cast("timestamp_ntz") for column in naive})
        rows.write.mode("overwrite").format("parquet").saveAsTable(f"{self.schema}.{name}")
        self.loaded.discard(name)


class ModelConfig(dict):
    """dbt.config of a shim: `get` gives the rendered config; `dbt.config(...)` sets nothing (tables)."""

    def __call__(self, **settings):
        pass


@dataclass
class ShimContext:
    """The `dbt` object a shim gets: ref, config, this."""

    copies: SparkCopies
    config: ModelConfig
    this: DuckDBName

    def ref(self, name):
        return self.copies.relation(name)


def report_copies(spark, schema):
    """An in-memory DuckDB holding what the report reads of the Spark schema: every table and view but
    the staging and intermediate models, and the intermediate models the report reads."""
    copies = SparkCopies(spark, schema)
    for table in spark.catalog.listTables(schema):
        if not table.name.startswith(("stg_", "int_")) or table.name in REPORT_INTERMEDIATES:
            copies.relation(table.name)
    return copies.connection


def _shippable(unit):
    return bool(unit.inputs) and all(isinstance(lazy, ArrayInput) for lazy in unit.inputs)


def _compute_group(specs):
    """The applyInPandas function of `spark_unit_runner`: one unit's rows (its inputs by position)
    to one row holding its result frame, pickled."""

    def compute(group):
        group = group.sort_values("position")
        index = int(group["unit"].iloc[0])
        function, parameters, description = specs[index]
        inputs = tuple(ArrayInput(np.asarray(values, dtype=np.float64)) for values in group["values"])
        result = Unit(function, inputs, parameters, description=description).compute()
        return pd.DataFrame({"unit": [index], "result": [pickle.dumps(result)]})

    return compute


def spark_unit_runner(spark):
    """A UNIT_RUNNER computing the units whose inputs are all arrays on Spark's executors, one
    applyInPandas group per unit (by its labels: factor and scope for MIC), the others on the
    driver in threads as run_in_threads does."""

    def run(function, units, workers, name, on_done):
        shipped = [index for index, unit in enumerate(units) if _shippable(unit)]
        local = [index for index, unit in enumerate(units) if not _shippable(unit)]
        run_in_threads(function, [units[index] for index in local], workers, name,
                       lambda index, result: on_done(None if index is None else local[index], result))
        if not shipped:
            return
        labels = sorted({label for index in shipped for label in units[index].labels})
        rows = [{"unit": position, "position": place, **units[index].labels,
                 "values": np.ascontiguousarray(lazy.array, dtype=np.float64)}
                for position, index in enumerate(shipped) for place, lazy in enumerate(units[index].inputs)]
        specs = {position: (units[index].function, units[index].parameters, units[index].description)
                 for position, index in enumerate(shipped)}
        frame = pa.Table.from_pylist(rows, pa.schema(
            [("unit", pa.int64()), ("position", pa.int64()), *((label, pa.string()) for label in labels),
             ("values", pa.list_(pa.float64()))]))
        coalescing = spark.conf.get(COALESCE_PARTITIONS)
        spark.conf.set(COALESCE_PARTITIONS, "false")  # a few small rows: coalesced, they would run in one task
        try:
            results = (spark.createDataFrame(frame).groupBy(*labels, "unit")
                       .applyInPandas(_compute_group(specs), "unit long, result binary").collect())
        finally:
            spark.conf.set(COALESCE_PARTITIONS, coalescing)
        for row in results:
            on_done(shipped[row["unit"]], pickle.loads(row["result"]))

    return run


def run_research(spark, dbt_vars=None, project_dir=PROJECT_DIR, report=print):
    """Run every Python model on the Spark tables of the spark target's schema, writing each
    result table back. Returns {model: rows written}."""
    schema = spark_target(dbt_vars, project_dir)["schema"]
    copies = SparkCopies(spark, schema)
    written = {}
    token = UNIT_RUNNER.set(spark_unit_runner(spark))
    try:
        for model in python_models(dbt_vars, project_dir):
            started = time.monotonic()
            context = ShimContext(copies, ModelConfig(model.config), copies.previous(model.name))
            try:
                frame = model.shim()(context, copies.connection)
            except SparkResearchError:
                raise
            except Exception as error:
                raise SparkResearchError(f"model {model.name} ({model.path}) failed: {type(error).__name__}: "
                                         f"{error}") from error
            copies.replace(model.name, frame)
            written[model.name] = len(frame)
            report(f"{model.name}: {len(frame):,} rows written to {schema}.{model.name} "
                   f"in {time.monotonic() - started:.1f} s")
    finally:
        UNIT_RUNNER.reset(token)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m factor_warehouse.cli.spark_research", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vars", metavar="YAML", default="{}",
                        help="dbt vars as a YAML mapping, the same as the dbt build's (the models' settings)")
    dbt_vars = vars_option(parser, parser.parse_args(argv).vars)
    try:
        spark = spark_session(spark_target(dbt_vars))
        try:
            run_research(spark, dbt_vars)
        finally:
            spark.stop()
    except SparkResearchError as error:
        print(f"spark_research: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
