"""dbt-duckdb plugin that serves the Kaggle files as the `kaggle` source.

profiles.yml registers it (alias `kaggle`); models/staging/_sources.yml points
each source table at it. The source's `kaggle_dir` (the dbt var of that name)
selects the input directory; empty means the embedded demo data set, generated
deterministically into a temporary directory in the same Kaggle file format and
read by the same loader. The three tables of one directory are parsed once per
dbt invocation.
"""

import tempfile
import threading

from dbt.adapters.duckdb.plugins import BasePlugin

from factor_warehouse.sources import demo, kaggle


# The schema of the `kaggle` source in models/staging/_sources.yml. Created when
# the connection opens: dbt loads source tables from parallel threads, and two
# concurrent CREATE SCHEMA statements conflict in DuckDB.
SOURCE_SCHEMA = "raw"


class Plugin(BasePlugin):
    def configure_connection(self, conn):
        conn.execute(f"create schema if not exists {SOURCE_SCHEMA}")

    def initialize(self, plugin_config):
        self._lock = threading.Lock()
        self._loaded = {}
        self._demo_dir = None

    def input_directory(self, kaggle_dir):
        if kaggle_dir:
            return kaggle_dir
        if self._demo_dir is None:
            self._demo_dir = tempfile.mkdtemp(prefix="factor_warehouse_demo_")
            demo.write_demo_files(self._demo_dir)
        return self._demo_dir

    def load(self, source_config):
        table = source_config.get("kaggle_table")
        if table not in ("columns", "rows", "cells"):
            raise ValueError(f"source {source_config.name}.{source_config.identifier}: config kaggle_table must be "
                             f"columns, rows or cells; got {table!r}")
        with self._lock:
            directory = self.input_directory(source_config.get("kaggle_dir"))
            if directory not in self._loaded:
                self._loaded[directory] = kaggle.load_directory(directory)
            return self._loaded[directory][table]
