"""Reuse of a dbt Python model's results across builds, by content fingerprint.

While a Python model runs, the table its last build wrote is still in place (dbt replaces
it with what the model returns): that table is the cache. Every row carries the
`input_fingerprint` of the unit of work that produced it (the whole table, one refit of a
model, one MIC pair), a sha256 of everything the unit's result depends on:

- the input data: the DuckDB relations the unit reads, digested where they are (DuckDB
  sums a 64-bit hash of every row, `relation_digests`), so an unchanged input is never
  loaded into Python; a unit that reads only some groups of rows (a walk-forward refit
  reads the years up to the one it predicts, a MIC pair one factor's rows) takes the
  digests of those groups only; an array already in memory (`ArrayInput`) is digested by
  its bytes; floating-point values by their first 14 significant digits, but for the
  columns a LazyInput names `exact` (values computed the same way in every build);
- every parameter passed to the computation (settings as their JSON);
- the code: `code_version` hashes the source of the computation's module and of every
  project module it imports, transitively (and of the module that loads its inputs), with
  the versions of the libraries those modules import. A changed computation, or a changed
  library, cannot reuse a result; an edit that changes nothing (a comment) costs one
  recomputation.

A unit whose fingerprint is in the previous table gets those rows back unchanged; the
others are computed, each distinct fingerprint once, in a pool of threads (largest cost
first, with progress lines when asked). A unit may carry labels: columns that name it in
the table without entering its fingerprint (MIC's factor and scope), so units of equal
content share one result. `ResultCache.rows` assembles the table in the order of the units
and logs one line: how many units were reused and how many computed.
"""

import ast
import contextvars
import dataclasses
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from factor_warehouse.execution.thread_pool import ProgressReport, run_in_threads

FINGERPRINT_COLUMN = "input_fingerprint"
COMPUTED_AT_COLUMN = "computed_at"
# How `ResultCache.rows` computes its pending units, called as run_in_threads is: threads by
# default; the Spark runner (cli/spark_research.py) sets its fan-out for the units it can ship.
UNIT_RUNNER = contextvars.ContextVar("unit_runner", default=run_in_threads)
# The distributions of the libraries whose import name is not their distribution's name.
DISTRIBUTION_NAMES = {"sklearn": "scikit-learn", "yaml": "PyYAML"}


def previous_table(session, this):
    """The model's table as the last build left it, as a DuckDB relation; None on the first
    build. dbt replaces the table only once the model has returned, so it is still there."""
    exists = session.execute(
        "select count(*) from information_schema.tables"
        " where table_catalog = ? and table_schema = ? and table_name = ?",
        [this.database, this.schema, this.identifier],
    ).fetchone()[0]
    return session.sql(f"select * from {this}") if exists else None


def _json_default(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"a fingerprint part must be JSON data or a dataclass instance, not {type(value).__name__}")


def fingerprint(*parts):
    """sha256 (hex) of the parts as canonical JSON (keys sorted; a dataclass as its fields)."""
    text = json.dumps(parts, sort_keys=True, default=_json_default)
    return hashlib.sha256(text.encode()).hexdigest()


def _quoted(name):
    return '"' + name.replace('"', '""') + '"'


def _digested(name, column_type, exact):
    """A column as its digest reads it: a floating-point value by its first 14 significant digits,
    unless its name is in `exact`. DuckDB's parallel sums and correlations can differ in the last
    bits from one build to the next (they add in another order); a digest of every bit would then
    recompute unchanged work. The rounding is most of a digest's cost."""
    if column_type in ("DOUBLE", "FLOAT") and name not in exact:
        return f"printf('%.14g', {_quoted(name)})"
    return _quoted(name)


def relation_hash_sums(relation, by=None, hashed=None, exact=()):
    """The row count and the sum of DuckDB's hash of every row of a DuckDB relation, computed in
    DuckDB (floating-point values by their first 14 significant digits, those of the columns named
    in `exact` bit for bit), over its `hashed` columns (default every column). `by`: SQL
    expressions, comma-separated; one sum per value of them. Returns (header, rows): the header
    names the DuckDB version (its hash function is not promised to stay the same across versions)
    and the hashed columns' names and types (and the exact ones, if any); rows are (*group values,
    count, hash sum), one row with no group value when `by` is None. Counts and sums of disjoint
    groups add up to those of their union; `digest_of` fingerprints them."""
    types = dict(zip(relation.columns, map(str, relation.types)))
    hashed = list(hashed or relation.columns)
    header = [duckdb.__version__, hashed, [types[column] for column in hashed]]
    exact = sorted(set(exact) & set(hashed))
    if exact:
        header.append(exact)
    row_hash = f"count(*), sum(hash({', '.join(_digested(column, types[column], exact) for column in hashed)}))"
    if by is None:
        return header, [relation.aggregate(row_hash).fetchone()]
    return header, relation.aggregate(f"{by}, {row_hash}", by).fetchall()


def digest_of(header, count, hash_sum):
    """The digest of rows hashed as relation_hash_sums says: order does not matter, duplicates do."""
    return fingerprint(header, count, str(hash_sum))


def relation_digests(relation, by=None, exact=()):
    """Digest of a DuckDB relation's rows (`relation_hash_sums` over every column, `digest_of`).
    `by`: a SQL expression; one digest per value of it. Returns {group: digest}, the only group
    None when `by` is None."""
    header, rows = relation_hash_sums(relation, by, exact=exact)
    if by is None:
        return {None: digest_of(header, *rows[0])}
    return {group: digest_of(header, count, hash_sum) for group, count, hash_sum in rows}


@functools.lru_cache(maxsize=None)
def _imports(source):
    """The names a module's source imports: modules, and module.name for `from module import name`."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def _library_version(name):
    """The installed version of the library imported as `name`, read from its distribution's metadata,
    not from the library: importing scikit-learn to read its __version__ takes 0.7 s."""
    try:
        return importlib.metadata.version(DISTRIBUTION_NAMES.get(name, name))
    except importlib.metadata.PackageNotFoundError:  # reading every distribution's files takes 0.5 s
        distributions = importlib.metadata.packages_distributions().get(name)
        if not distributions:
            raise LookupError(f"no installed distribution provides the library {name!r} a research module imports: "
                              f"install it, or add its distribution to DISTRIBUTION_NAMES in {__file__}") from None
        return ",".join(map(importlib.metadata.version, distributions))


def _is_module(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a name inside a module, not a module
        return False


def code_version(*functions):
    """sha256 of the source of the modules defining `functions` and of every module of the
    same package they import, transitively, plus the versions of the other (not standard
    library) packages those modules import."""
    pending = {function.__module__ for function in functions}
    packages = {name.split(".")[0] for name in pending}
    sources, libraries = {}, set()
    while pending:
        name = pending.pop()
        sources[name] = Path(importlib.util.find_spec(name).origin).read_text(encoding="utf-8")
        for imported in _imports(sources[name]):
            top = imported.split(".")[0]
            if top not in packages:
                if top not in sys.stdlib_module_names:
                    libraries.add(top)
            elif imported not in sources and _is_module(imported):
                pending.add(imported)  # `from package.module import name` lists package.module.name too
    return fingerprint(sorted(sources.items()), sorted((name, _library_version(name)) for name in libraries))


def relation_frame(relation):
    """The relation's rows as a pandas DataFrame (the plain way to load an input)."""
    return relation.df()


@dataclass(eq=False)
class LazyInput:
    """An input of a computation: DuckDB relations, digested where they are and loaded into
    Python (`value`, by `load(*relations)`) only when a result has to be computed. `exact`:
    floating-point columns digested bit for bit, as every build computes them the same way."""

    relations: tuple
    load: Callable = relation_frame
    exact: tuple = ()
    _digests: dict = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def of(cls, relation):
        """One relation, loaded as a pandas DataFrame."""
        return cls((relation,))

    def digest(self, by=None):
        """{group: [digest of each relation's rows in the group]} (see relation_digests);
        a group some relation lacks has None in its place."""
        if by not in self._digests:
            per_relation = [relation_digests(relation, by, self.exact) for relation in self.relations]
            groups = set().union(*per_relation)
            self._digests[by] = {group: [digests.get(group) for digests in per_relation] for group in groups}
        return self._digests[by]

    @functools.cached_property
    def value(self):
        return self.load(*self.relations)


@dataclass(eq=False)
class ArrayInput:
    """A numeric array input, digested by its values as float64 in order. `source` is the array, or
    a function returning it, called once, when the array is first needed: a unit given its
    digests as `data` and reused from the cache never loads it."""

    source: object
    load = None  # no loading code in the fingerprint: the unit's data or the array's values cover it

    @functools.cached_property
    def array(self):
        return self.source() if callable(self.source) else self.source

    def digest(self, by=None):
        values = np.ascontiguousarray(self.array, dtype="<f8")
        return {None: hashlib.sha256(values.tobytes()).hexdigest()}

    @property
    def value(self):
        return self.array


@dataclass(eq=False)
class Unit:
    """One unit of work: function(*the inputs' values, **parameters). `data` is what the unit
    reads of its inputs, as JSON data (digests); default every row of every input. `labels`
    are columns naming the unit in the table, outside its fingerprint; `cost` orders the
    computation (largest first) and weighs the progress; `description` names the unit in
    the note of an error it raises."""

    function: Callable
    inputs: tuple
    parameters: dict = field(default_factory=dict)
    data: object = None
    labels: dict = field(default_factory=dict)
    cost: float = 1.0
    description: str = ""

    def fingerprint(self, versions=code_version):
        """The unit's input_fingerprint, its code versioned by `versions` (code_version or a memo of it)."""
        data = self.data if self.data is not None else [lazy.digest()[None] for lazy in self.inputs]
        code = versions(self.function, *(lazy.load for lazy in self.inputs if lazy.load is not None))
        return fingerprint(f"{self.function.__module__}.{self.function.__qualname__}", code, self.parameters, data)

    def compute(self):
        try:
            return self.function(*(lazy.value for lazy in self.inputs), **self.parameters)
        except Exception as error:
            error.add_note(f"while computing {self.description or self.function.__qualname__}")
            raise


def _labelled(rows, labels):
    """`rows` with the unit's labels as their first columns."""
    for position, (name, value) in enumerate(labels.items()):
        rows = rows.add_column(position, name, pa.array([value] * len(rows), pa.string()))
    return rows


def _one_unit_rows(rows, labels):
    """Of the stored rows of one fingerprint (every unit of that content wrote them, under its
    own labels), those of the first unit, without its labels."""
    if not labels:
        return rows
    if len(rows) == 1:
        return rows.drop_columns(list(labels))
    first = rows.slice(0, 1).to_pylist()[0]
    same = functools.reduce(pc.and_, [pc.equal(rows[name], first[name]) for name in labels])
    return rows.filter(same).drop_columns(list(labels))


class ResultCache:
    """The previous table of one model (a DuckDB relation, or None on the first build) seen as
    a cache of units keyed by input_fingerprint; `report` takes the lines each model logs.
    After `rows`, `reused` and `computed` count its units reused and its fingerprints computed."""

    def __init__(self, name, previous, report):
        self.name = name
        self.previous = previous
        self.report = report
        self.reused = self.computed = 0

    @classmethod
    def of_model(cls, session, this, report):
        """The cache of the dbt model `this` (dbt's `dbt.this`), read through `session`."""
        return cls(this.identifier, previous_table(session, this), report)

    def stored_rows(self, fingerprints, columns=(FINGERPRINT_COLUMN,)):
        """{fingerprint: its rows in the previous table (a pyarrow Table)} for the given ones
        found; nothing when the previous table lacks one of `columns` (an older shape)."""
        if not fingerprints or self.previous is None or not set(columns) <= set(self.previous.columns):
            return {}
        listed = ", ".join(f"'{value}'" for value in sorted(fingerprints))  # hex digests: no quoting needed
        stored = self.previous.filter(f"{_quoted(FINGERPRINT_COLUMN)} in ({listed})").fetch_arrow_table()
        encoded = stored[FINGERPRINT_COLUMN].combine_chunks().dictionary_encode()
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        counts = np.bincount(codes, minlength=len(encoded.dictionary))
        grouped = stored.take(np.argsort(codes, kind="stable"))  # each fingerprint's rows together, in their order
        return {value: grouped.slice(end - count, count)
                for value, end, count in zip(encoded.dictionary.to_pylist(), np.cumsum(counts), counts)}

    def rows(self, units, noun, workers=1, progress_interval=None, computed_at=None):
        """The table of `units` (in their order): each unit's rows from the previous table when
        its fingerprint is there, else computed (once per fingerprint, in `workers` threads),
        after its labels and followed by the fingerprint (and `computed_at`, when given: the
        time computed rows get; reused rows keep theirs). Logs progress every
        `progress_interval` seconds when given, and at the end
        '<model>: R of N <noun> reused from the previous table, C computed'."""
        required = (FINGERPRINT_COLUMN,) if computed_at is None else (FINGERPRINT_COLUMN, COMPUTED_AT_COLUMN)
        versions = functools.cache(code_version)  # a model's code does not change while it runs
        keys = {unit: unit.fingerprint(versions) for unit in units}
        stored = self.stored_rows(set(keys.values()), required)
        results = {keys[unit]: _one_unit_rows(stored[keys[unit]], unit.labels)
                   for unit in units if keys[unit] in stored}
        pending = {keys[unit]: unit for unit in units if keys[unit] not in results}
        to_compute = sorted(pending.values(), key=lambda unit: -unit.cost)
        self.reused = sum(keys[unit] in results for unit in units)
        self.computed = len(to_compute)
        progress = ProgressReport([unit.cost for unit in to_compute], self.report, progress_interval,
                                  f"{self.name}: ", noun) if progress_interval is not None and to_compute else None

        def done(index, result):
            if index is not None:
                unit = to_compute[index]
                results[keys[unit]] = self._with_fingerprint(result, keys[unit], computed_at)
                if progress is not None:
                    progress.advance(unit.cost)
            if progress is not None:
                progress.maybe_report()

        UNIT_RUNNER.get()(Unit.compute, to_compute, workers, f"{self.name}-unit", done)
        if progress is not None:
            progress.maybe_report(force=True)
        shared = len(units) - self.reused - self.computed
        self.report(f"{self.name}: {self.reused} of {len(units)} {noun} reused from the previous table, "
                    f"{self.computed} computed" + (f", {shared} more share an identical input" if shared else ""))
        parts = [_labelled(results[keys[unit]], unit.labels) for unit in units]
        if not parts:
            return pd.DataFrame()
        return pa.concat_tables(parts, promote_options="permissive").to_pandas(types_mapper=pd.ArrowDtype)

    @staticmethod
    def _with_fingerprint(frame, value, computed_at):
        """A computed result as stored: the frame's columns (text as DuckDB returns it, so reused
        and computed rows have one type), then the fingerprint (and computed_at)."""
        computed = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
        computed = computed.cast(pa.schema([column.with_type(pa.string()) if pa.types.is_large_string(column.type)
                                            else column for column in computed.schema]))
        computed = computed.append_column(FINGERPRINT_COLUMN, pa.array([value] * len(computed), pa.string()))
        if computed_at is not None:
            times = pa.array([computed_at] * len(computed), pa.timestamp("us"))
            computed = computed.append_column(COMPUTED_AT_COLUMN, times)
        return computed

    def table(self, function, *inputs, **parameters):
        """function(*the inputs' values, **parameters) as one unit: the whole table reused or computed."""
        return self.rows([Unit(function, inputs, parameters)], "tables")
