"""A build that reuses every result never imports scikit-learn, scipy's statistics, optimizers and
clustering, or numba: the dbt Python models' imports and the result cache's fingerprints stay clear of
them (they take about 2 s to import, in every dbt process). A build of a panel's SQL models never
imports pandas or pyarrow for the Kaggle plugin dbt-duckdb loads (0.3 to 0.6 s). Checked in fresh
interpreters."""

import json
import subprocess
import sys

from factor_warehouse.paths import PROJECT_DIR

NUMERICAL_LIBRARIES = ("sklearn", "scipy.stats", "scipy.optimize", "scipy.cluster", "scipy.spatial", "numba")

# every shim executed; the research functions they and execution/model_units name (the units' computations)
# fingerprinted, as a build that reuses every result does
CHECK = """
import json, sys
from pathlib import Path
from factor_warehouse.execution import model_units
from factor_warehouse.execution.result_cache import code_version
namespaces = [vars(model_units)]
for path in sorted(Path("python_models").rglob("*.py")):
    namespaces.append({})
    exec(compile(path.read_text(), str(path), "exec"), namespaces[-1])
functions = [value for namespace in namespaces for value in namespace.values()
             if callable(value) and (getattr(value, "__module__", None) or "").startswith("factor_warehouse.research")]
code_version(*functions)
print(json.dumps({"functions": len(functions), "modules": sorted(sys.modules)}))
"""

# the plugin as dbt-duckdb loads it (profiles.yml) and configures each connection, its check of a
# panel's Parquet file called (argv[1]: a directory for the file)
PLUGIN_CHECK = """
import json, sys, duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
plugin = BasePlugin.create("factor_warehouse.sources.dbt_plugin", config={}, alias="kaggle")
connection = duckdb.connect()
plugin.configure_connection(connection)
panel = sys.argv[1] + "/panel.parquet"
connection.execute(f"copy (select 'A' as stock_id, 1.5 as value) to '{panel}' (format parquet)")
# the path in the SQL text, as macro panel_columns has it: binding a parameter imports pandas in DuckDB's client
problem = connection.execute(f"select panel_parquet_problem('{panel}')").fetchone()[0]
print(json.dumps({"problem": problem, "modules": sorted(sys.modules)}))
"""


def test_the_python_models_and_their_fingerprints_import_no_numerical_library():
    completed = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, cwd=PROJECT_DIR, check=True)
    loaded = json.loads(completed.stdout.strip().splitlines()[-1])
    assert loaded["functions"] >= 10  # the shims' research functions, every module of their code versioned
    assert "factor_warehouse.execution.model_units" in loaded["modules"]
    imported = [module for module in loaded["modules"]
                if any(module == library or module.startswith(library + ".") for library in NUMERICAL_LIBRARIES)]
    assert imported == []


def test_the_kaggle_plugin_imports_no_data_frame_library_until_it_reads_kaggle_files(tmp_path):
    completed = subprocess.run([sys.executable, "-c", PLUGIN_CHECK, str(tmp_path)], capture_output=True, text=True,
                               cwd=PROJECT_DIR, check=True)
    loaded = json.loads(completed.stdout.strip().splitlines()[-1])
    assert loaded["problem"] is None
    assert "factor_warehouse.sources.dbt_plugin" in loaded["modules"]
    assert [module for module in ("pandas", "pyarrow", "factor_warehouse.sources.kaggle")
            if module in loaded["modules"]] == []
