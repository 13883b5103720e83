"""The result cache (factor_warehouse.execution.result_cache) on small inputs in an in-memory
DuckDB: digests in DuckDB, the code version of a package, and reuse or recomputation of
units against a previous table, down to the per-year refits of alpha_predictions."""

import importlib
import importlib.metadata
import sys

import duckdb
import pandas as pd
import pytest

from factor_warehouse.execution.model_units import cached_alpha_predictions, design_input
from factor_warehouse.execution.result_cache import (
    FINGERPRINT_COLUMN, LazyInput, ResultCache, code_version, relation_digests,
)
from factor_warehouse.research.walk_forward import alpha_predictions
from tests.test_alpha_models import SETTINGS, synthetic_panel

PERIODS = [pd.Timestamp(f"{year}-12-31").date() for year in (2015, 2016, 2017)]


@pytest.fixture
def connection():
    with duckdb.connect() as connection:
        yield connection


def store(connection, name, frame):
    """Write `frame` as table `name`, as dbt does with a Python model's result."""
    connection.register("frame_to_store", frame)
    connection.execute(f"create or replace table {name} as select * from frame_to_store")
    connection.unregister("frame_to_store")
    return connection.table(name)


def table_or_none(connection, name):
    """The previous table of a model, as ResultCache takes it: None before the first build."""
    names = {row[0] for row in connection.sql("select table_name from information_schema.tables").fetchall()}
    return connection.table(name) if name in names else None


def values_frame():
    return pd.DataFrame({
        "period": PERIODS * 2,
        "stock_id": ["A", "A", "A", "B", "B", "B"],
        "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    })


def reversed_rows(frame):
    """The rows in reverse order (copied: DuckDB does not scan a frame of negative strides)."""
    return frame.iloc[::-1].reset_index(drop=True).copy()


def scaled_sums(values, factor):
    """A small computation of one input and one setting: per period, the sum of value x factor."""
    sums = values.groupby("period", as_index=False)["value"].sum()
    return sums.assign(scaled=sums["value"] * factor, period=sums["period"].astype("date32[pyarrow]"))


class Run:
    """One build of a cached model: the table it returns, the line it logged, the units it computed."""

    def __init__(self, connection, values, factor, function=scaled_sums, name="sums"):
        self.lines, self.calls = [], []

        def counted(*arguments, **parameters):
            self.calls.append(parameters)
            return function(*arguments, **parameters)

        counted.__module__, counted.__qualname__ = function.__module__, function.__qualname__
        cache = ResultCache(name, table_or_none(connection, name), self.lines.append)
        self.table = cache.table(counted, LazyInput.of(values), factor=factor)
        self.stored = store(connection, name, self.table)


def rows(relation):
    return relation.order("all").fetchall()


def test_digest_ignores_row_order_and_sees_every_value_and_every_duplicate(connection):
    frame = values_frame()
    digest = relation_digests(connection.from_df(frame))
    assert relation_digests(connection.from_df(reversed_rows(frame))) == digest
    changed = frame.assign(value=frame["value"].where(frame.index != 4, 5.000000000001))
    assert relation_digests(connection.from_df(changed)) != digest
    assert relation_digests(connection.from_df(pd.concat([frame, frame.iloc[[0]]], ignore_index=True))) != digest
    assert relation_digests(connection.from_df(frame.rename(columns={"value": "other"}))) != digest


def test_digest_ignores_the_last_bits_of_a_float_that_summing_in_another_order_changes(connection):
    frame = pd.DataFrame({"value": [0.1 + 0.2, 1e-300, 123456.789]})
    rounded_differently = pd.DataFrame({"value": [0.3, 1e-300, 123456.789]})
    assert frame["value"][0] != rounded_differently["value"][0]
    assert relation_digests(connection.from_df(frame)) == relation_digests(connection.from_df(rounded_differently))
    changed_in_the_14th_digit = pd.DataFrame({"value": [0.3, 1e-300, 123456.78900001]})
    assert relation_digests(connection.from_df(changed_in_the_14th_digit)) != relation_digests(connection.from_df(frame))


def test_an_exact_column_is_digested_bit_for_bit_and_the_others_still_by_14_digits(connection):
    frame = pd.DataFrame({"pct_rank": [0.1 + 0.2, 0.5], "value": [0.1 + 0.2, 1.0]})
    last_bit = frame.assign(pct_rank=[0.3, 0.5])
    value_last_bit = frame.assign(value=[0.3, 1.0])
    exact = ("pct_rank",)
    digest = relation_digests(connection.from_df(frame), exact=exact)
    assert relation_digests(connection.from_df(last_bit), exact=exact) != digest
    assert relation_digests(connection.from_df(value_last_bit), exact=exact) == digest
    assert relation_digests(connection.from_df(last_bit)) == relation_digests(connection.from_df(frame)) != digest


def test_grouped_digests_change_only_in_the_changed_group(connection):
    frame = values_frame()
    before = relation_digests(connection.from_df(frame), by="year(period)")
    after = relation_digests(connection.from_df(frame.assign(value=frame["value"].where(frame.index != 5, 0.0))),
                             by="year(period)")
    assert set(before) == {2015, 2016, 2017}
    assert [year for year in before if before[year] != after[year]] == [2017]


def write_package(root, name, modules):
    package = root / name
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text('"""A package for the test."""\n')
    for module, source in modules.items():
        (package / f"{module}.py").write_text(source)
    importlib.invalidate_caches()


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A throwaway package on sys.path: its name, and a writer of its modules."""
    name = f"cache_test_package_{tmp_path.name}"
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, lambda modules: write_package(tmp_path, name, modules)
    for module in [module for module in sys.modules if module.split(".")[0] == name]:
        del sys.modules[module]


def test_code_version_covers_the_modules_a_function_imports_and_only_those(package):
    name, write = package
    write({
        "compute": f"import numpy\nfrom {name}.helper import double\n\n\ndef run(frame):\n    return double(frame)\n",
        "helper": "def double(frame):\n    return frame * 2\n",
        "unrelated": "VALUE = 1\n",
    })
    run = importlib.import_module(f"{name}.compute").run
    version = code_version(run)
    write({"unrelated": "VALUE = 2\n"})
    assert code_version(run) == version
    write({"helper": "def double(frame):\n    return frame * 3\n"})
    assert code_version(run) != version


def test_code_version_covers_the_installed_version_of_a_library_imported_where_it_is_used(package, monkeypatch):
    name, write = package
    write({"compute": "def run(frame):\n    from sklearn.linear_model import Ridge\n    return Ridge\n"})
    run = importlib.import_module(f"{name}.compute").run
    version = code_version(run)
    installed = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda distribution: "0.0" if distribution == "scikit-learn" else installed(distribution))
    assert code_version(run) != version


def test_a_first_build_without_a_previous_table_computes(connection):
    first = Run(connection, connection.from_df(values_frame()), factor=2.0)
    assert len(first.calls) == 1
    assert first.lines == ["sums: 0 of 1 tables reused from the previous table, 1 computed"]
    assert rows(first.stored.project("period, scaled")) == [(PERIODS[0], 10.0), (PERIODS[1], 14.0), (PERIODS[2], 18.0)]
    assert first.stored.filter(f"{FINGERPRINT_COLUMN} is null").fetchall() == []


def test_same_data_and_setting_reuse_the_rows_without_computing(connection):
    first = Run(connection, connection.from_df(values_frame()), factor=2.0)
    # the same rows in another order: the same content
    second = Run(connection, connection.from_df(reversed_rows(values_frame())), factor=2.0)
    assert second.calls == []
    assert second.lines == ["sums: 1 of 1 tables reused from the previous table, 0 computed"]
    assert rows(second.stored) == rows(first.stored)
    assert second.stored.types == first.stored.types  # the period stays a DATE


@pytest.mark.parametrize("change", ["data", "setting"])
def test_changed_data_or_setting_recomputes(connection, change):
    frame = values_frame()
    Run(connection, connection.from_df(frame), factor=2.0)
    if change == "data":
        frame.loc[0, "value"] = 1.5
    second = Run(connection, connection.from_df(frame), factor=3.0 if change == "setting" else 2.0)
    assert len(second.calls) == 1
    expected = 3 * 5.0 if change == "setting" else 2 * 5.5
    assert second.stored.filter(f"period = DATE '{PERIODS[0]}'").project("scaled").fetchall() == [(expected,)]


def test_changed_code_recomputes(connection, package):
    name, write = package
    source = "def scaled(values, factor):\n    return values.assign(scaled=values['value'] * factor{})\n"
    write({"compute": source.format("")})
    module = importlib.import_module(f"{name}.compute")
    values = connection.from_df(values_frame().drop(columns="period"))
    Run(connection, values, factor=2.0, function=module.scaled)
    write({"compute": source.format(" + 1")})
    changed = importlib.reload(module)
    second = Run(connection, values, factor=2.0, function=changed.scaled)
    assert len(second.calls) == 1
    assert rows(second.stored.project("scaled")) == [(3.0,), (5.0,), (7.0,), (9.0,), (11.0,), (13.0,)]


def test_a_previous_table_without_fingerprints_is_not_reused(connection):
    store(connection, "sums", scaled_sums(values_frame(), 2.0))  # as an older version of the model wrote it
    run = Run(connection, connection.from_df(values_frame()), factor=2.0)
    assert len(run.calls) == 1


def test_walk_forward_refits_reuse_per_year(connection):
    """Three years: the in-sample fit reads all of them, the refit predicting 2016 reads 2015-2016,
    the one predicting 2017 reads all three. A change in 2017 recomputes only the fits that read it."""
    ranks, targets = synthetic_panel(periods=tuple(pd.Timestamp(period) for period in PERIODS))
    ranks["period"], targets["period"] = ranks["period"].dt.date, targets["period"].dt.date
    store(connection, "stock_periods", targets)
    models = ("linear_topk", "ridge")

    def build(factor_ranks):
        store(connection, "int_research__design_ranks", factor_ranks)
        lines = []
        cache = ResultCache("alpha_predictions", table_or_none(connection, "alpha_predictions"), lines.append)
        design = design_input(connection.table("int_research__design_ranks"), connection.table("stock_periods"))
        table = cached_alpha_predictions(cache, design, SETTINGS, models=models)
        expected = alpha_predictions(design.value, SETTINGS, models=models)
        pd.testing.assert_frame_equal(table.drop(columns=FINGERPRINT_COLUMN).astype(object), expected.astype(object))
        store(connection, "alpha_predictions", table)
        return lines[0], table

    cold_line, cold = build(ranks)
    warm_line, warm = build(ranks)
    changed = ranks.copy()
    last_year = changed["period"] == PERIODS[2]
    changed.loc[last_year, "pct_rank"] = 1 - changed.loc[last_year, "pct_rank"]
    changed_line, after_change = build(changed)

    assert cold_line == "alpha_predictions: 0 of 6 refits reused from the previous table, 6 computed"
    assert warm_line == "alpha_predictions: 6 of 6 refits reused from the previous table, 0 computed"
    assert changed_line == "alpha_predictions: 2 of 6 refits reused from the previous table, 4 computed"
    cold, warm, after_change = (frame.groupby(["model", "evaluation", "train_last_year"])[FINGERPRINT_COLUMN].first()
                                .to_dict() for frame in (cold, warm, after_change))
    assert warm == cold
    kept = sorted(fit for fit in cold if after_change[fit] == cold[fit])
    assert kept == [(model, "walk_forward", 2015) for model in models]


def test_walk_forward_without_a_known_alpha_says_so(connection):
    targets = pd.DataFrame({"stock_id": ["A"], "period": PERIODS[:1], "alpha": [float("nan")], "alpha_rank": [0.5]})
    store(connection, "stock_periods", targets)
    store(connection, "int_research__design_ranks", targets[["stock_id", "period"]].assign(factor="x", pct_rank=0.5))
    design = design_input(connection.table("int_research__design_ranks"), connection.table("stock_periods"))
    with pytest.raises(ValueError, match="no stock-period has a known alpha"):
        cached_alpha_predictions(ResultCache("alpha_predictions", None, print), design, SETTINGS)
