"""dbt-duckdb plugin that serves the Kaggle files as the `kaggle` source, and gives the panel
source's file check (`panel_files`) to DuckDB as the function panel_parquet_problem.

profiles.yml registers it (alias `kaggle`); models/staging/_sources.yml points
each source table at it. The source's `kaggle_dir` (the dbt var of that name)
selects the input directory and its `missing_markers` (the dbt var, as JSON) the
texts read as missing; `demo` means the embedded demo data set, generated
deterministically into a temporary directory in the same Kaggle file format and
read by the same loader; empty is an error. The four tables of one directory are
parsed once per dbt invocation and handed to DuckDB as Arrow tables (which it copies
faster than pandas frames), and what the loader did with each entry of the directory
(read, ignored and why, header cells trimmed, missing markers) goes to dbt's log as
well as into the tables.

The input's fingerprint (`input_fingerprint`: the directory's contents, the missing
markers, the loader's code) goes into each table, and to SQL as the function
kaggle_input_fingerprint: the on-run-start hook kaggle_keep_unchanged_input
(macros/kaggle.sql) keeps the raw tables of an unchanged input, which dbt-duckdb then
does not load again (save_mode ignore).
"""

import functools
import hashlib
import json
import sys
import tempfile
import threading
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.events.logging import AdapterLogger

from factor_warehouse.sources import panel_files

# The schema of the `kaggle` source in models/staging/_sources.yml. Created when
# the connection opens: dbt loads source tables from parallel threads, and two
# concurrent CREATE SCHEMA statements conflict in DuckDB.
SOURCE_SCHEMA = "raw"

LOGGER = AdapterLogger("kaggle")


def log_input(directory, tables, logger=None):
    """Say what was read from `directory`, what was ignored and why, and which header cells
    were trimmed: the same facts the files and columns tables hold."""
    logger = logger or LOGGER
    files = tables["files"]
    for entry in files.itertuples(index=False):
        if entry.status == "read":
            count = entry.missing_markers
            markers = "" if not count else (
                f"; {count} field{'s' if count > 1 else ''} with a missing marker such as N/A read as missing")
            logger.info(f"{directory}: read {entry.source_file} ({entry.reason}){markers}")
        else:
            logger.warning(f"{directory}: ignored {entry.source_file}: {entry.reason}")
    columns = tables["columns"]
    trimmed = columns[columns["column_name"] != columns["column_name_as_written"]]
    for column in trimmed.itertuples(index=False):
        logger.warning(f"{column.source_file}, line 1, column {column.column_number}: header "
                       f"'{column.column_name_as_written}' trimmed to '{column.column_name}'")


@functools.cache
def loader_version():
    """sha256 (hex) of the loader's code: the source of the modules that read the Kaggle files (or
    write the demo data) into this plugin's tables, and the pandas and pyarrow that hold them."""
    import pandas as pd
    import pyarrow as pa

    from factor_warehouse.sources import demo, kaggle

    digest = hashlib.sha256(f"{pd.__version__} {pa.__version__}".encode())
    for module in (kaggle, demo, sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def with_fingerprint(table, value):
    """`table` with the column input_fingerprint, `value` on every row (one dictionary entry)."""
    import numpy as np
    import pyarrow as pa

    indices = pa.array(np.zeros(len(table), dtype=np.int32))
    return table.append_column("input_fingerprint", pa.DictionaryArray.from_arrays(indices, pa.array([value])))


class Plugin(BasePlugin):
    def configure_connection(self, conn):
        conn.execute(f"create schema if not exists {SOURCE_SCHEMA}")
        # for macro panel_columns: the panel source's Parquet files checked before DuckDB reads them
        conn.create_function("panel_parquet_problem", panel_files.parquet_problem, ["VARCHAR"], "VARCHAR",
                             null_handling="special")
        # for macro kaggle_keep_unchanged_input, with the source's kaggle_dir and missing_markers
        conn.create_function("kaggle_input_fingerprint", self.input_fingerprint, ["VARCHAR", "VARCHAR"], "VARCHAR")

    def initialize(self, plugin_config):
        self._lock = threading.Lock()
        self._loaded = {}
        self._demo_dir = None

    def input_fingerprint(self, kaggle_dir, missing_markers):
        """sha256 of what `load` reads with the source's kaggle_dir and missing_markers (JSON):
        the directory's contents (the demo data: its generator's code), the markers and the
        loader's code."""
        from factor_warehouse.sources import kaggle

        setting = str(kaggle_dir).strip()
        contents = kaggle.DEMO if setting == kaggle.DEMO else kaggle.directory_contents(setting)
        parts = [loader_version(), setting, contents, sorted(json.loads(missing_markers))]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def input_directory(self, kaggle_dir):
        from factor_warehouse.sources import demo, kaggle

        setting = kaggle.check_kaggle_dir(kaggle_dir)
        if setting != kaggle.DEMO:
            return setting
        if self._demo_dir is None:
            self._demo_dir = tempfile.mkdtemp(prefix="factor_warehouse_demo_")
            demo.write_demo_files(self._demo_dir)
        return self._demo_dir

    def load(self, source_config):
        import pyarrow as pa

        from factor_warehouse.sources import kaggle

        table = source_config.get("kaggle_table")
        if table not in kaggle.TABLES:
            raise ValueError(f"source {source_config.name}.{source_config.identifier}: config kaggle_table must be "
                             f"one of {', '.join(kaggle.TABLES)}; got {table!r}")
        missing_markers = tuple(json.loads(source_config.get("missing_markers")))
        with self._lock:
            directory = self.input_directory(source_config.get("kaggle_dir"))
            key = (directory, missing_markers)
            if key not in self._loaded:
                read = self.input_fingerprint(source_config.get("kaggle_dir"), source_config.get("missing_markers"))
                try:
                    tables = kaggle.load_directory(directory, missing_markers)
                except kaggle.KaggleInputError as error:
                    self._loaded[key] = error  # every source table fails alike, without parsing again
                else:
                    log_input(directory, tables)
                    self._loaded[key] = {name: with_fingerprint(pa.Table.from_pandas(frame, preserve_index=False), read)
                                         for name, frame in tables.items()}
            loaded = self._loaded[key]
            if isinstance(loaded, Exception):
                raise loaded
            return loaded[table]
