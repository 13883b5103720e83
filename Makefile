# The two commands of the README: `make build` (set up, then build the warehouse
# on the demo data or on KAGGLE_DIR) and `make test` (the whole test suite).
# Each creates the virtual environment on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: build test setup report benchmark benchmark-panel docs

# KAGGLE_DIR or PANEL given, even empty, goes to --kaggle-dir or --panel (empty is an error there);
# neither: --demo. VARS: more dbt vars as YAML, e.g. VARS='{portfolio_count: 5}'. TARGET=spark builds
# the SQL models on Apache Spark (a Parquet PANEL; Java 17+; README "On Apache Spark").
DATA_OPTION = $(if $(filter-out undefined,$(origin PANEL)),--panel "$(PANEL)",$(if $(filter undefined,$(origin KAGGLE_DIR)),--demo,--kaggle-dir "$(KAGGLE_DIR)"))
build: $(STAMP)
	$(PY) -m factor_warehouse.cli.build $(DATA_OPTION) $(if $(VARS),--vars '$(VARS)') $(if $(TARGET),--target $(TARGET))

test: $(STAMP)
	$(PY) -m pytest

setup: $(STAMP)

report: $(STAMP)
	$(PY) -m factor_warehouse.cli.report

# Realistic sizes (Kaggle: 5 years x ~4,400 tickers x 221 factors; panel: 4,000 stocks x 1,000 months x
# 150 characteristics; the spark target against DuckDB on 2,000 x 240 x 100); prints timings and ratios,
# not a test. The full-size panel and the Spark build run for a long while.
benchmark: $(STAMP)
	$(PY) -m benchmarks.sorts
	$(PY) -m benchmarks.mic
	$(PY) -m benchmarks.panel --stocks 4000 --months 1000 --characteristics 150 --pairs 1
	$(PY) -m benchmarks.schemes
	$(PY) -m benchmarks.evaluation
	$(PY) -m benchmarks.spark

# The panel alone, in one run: the warehouse against the polars script on the same Parquet (2,000 stocks
# x 240 months x 100 characteristics), its rebuilds (nothing changed, a month appended) against its cold
# build, then the evaluation tables against alphalens-reloaded per factor.
benchmark-panel: $(STAMP)
	$(PY) -m benchmarks.panel
	$(PY) -m benchmarks.evaluation

docs: $(STAMP)
	$(VENV)/bin/dbt docs generate --static --profiles-dir . --project-dir .

# One idempotent setup step: venv, pinned dependencies (the spark target's too: the tests build on
# it), minepy built from its sdist, then this project's package in editable mode.
$(STAMP): requirements.txt requirements-spark.txt pyproject.toml scripts/build_minepy.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet -r requirements-spark.txt
	$(PY) scripts/build_minepy.py
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)
