"""Builds incremental by period (macros/period_increments.sql): a warehouse built on a panel and
then built again on a changed panel (a month more, its last month changed, a month less, another
setting) holds exactly the tables of a warehouse built cold on the changed panel, and recomputed
only the periods the change reaches (period_build_state.built_at). The Kaggle files likewise:
a yearly file added recomputes its year."""

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.sources import kaggle
from factor_warehouse.sources.demo import write_demo_files
from factor_warehouse.sources.panel_demo import write_panel

MONTHS = 25
DROPPED_MONTH = 15  # 0-based position of the month the shrunk panel lacks


def build(database, dbt_vars):
    result = run_dbt(["build", "--resource-type", "seed", "--resource-type", "model"], database=database,
                     dbt_vars=dbt_vars)
    assert result.success, f"dbt build failed on {dbt_vars}: {result.exception or result.result}"


def panel_vars(path, **settings):
    return {"panel": {"path": str(path), "sector_column": "sector"}, **settings}


def tables_differing(database, reference):
    """{table: why} of the tables that differ between the two warehouses. Every column is compared,
    but when things were built (timestamps) and the Python models' input_fingerprint (a digest of
    the doubles they read): doubles to 1e-9 relative, since DuckDB's parallel sums add in an order
    that a filter on period changes (alpha differs by 1e-15 between an increment and a cold build
    of the same period); everything else exactly."""
    tables = {}
    for name, path in (("built", database), ("cold", reference)):
        with duckdb.connect(str(path), read_only=True) as connection:
            for (table,) in connection.execute(
                    "select table_name from duckdb_tables() where schema_name = 'main' order by 1").fetchall():
                columns = [column for column, data_type in connection.execute(
                    "select column_name, data_type from duckdb_columns() where schema_name = 'main'"
                    " and table_name = ? order by column_index", [table]).fetchall()
                    if not data_type.startswith("TIMESTAMP") and column != "input_fingerprint"]
                frame = connection.execute(
                    f'select {", ".join(f"{chr(34)}{column}{chr(34)}" for column in columns)} from "{table}"').df()
                tables.setdefault(table, {})[name] = frame
    differing = {}
    for table, frames in tables.items():
        if len(frames) < 2:
            differing[table] = f"only in the {next(iter(frames))} warehouse"
            continue
        built, cold = (sorted_rows(frames[name]) for name in ("built", "cold"))
        if list(built.columns) != list(cold.columns) or len(built) != len(cold):
            differing[table] = f"columns or row counts differ: {len(built)} rows, cold {len(cold)}"
            continue
        for column in built.columns:
            if built[column].dtype.kind == "f":
                equal = np.isclose(built[column], cold[column], rtol=1e-9, atol=1e-9, equal_nan=True)
            else:
                equal = np.array(texts(built[column])) == np.array(texts(cold[column]))
            if not equal.all():
                differing[table] = f"column {column} differs on {int((~equal).sum())} rows"
                break
    return differing


def texts(column):
    return [repr(value) for value in column.tolist()]


def sorted_rows(frame):
    """The rows in one order: by their columns' text, doubles rounded to 6 significant digits."""
    keys = pd.DataFrame({column: [f"{value:.6g}" for value in frame[column].tolist()] if frame[column].dtype.kind == "f"
                         else texts(frame[column]) for column in frame.columns})
    return frame.loc[keys.sort_values(list(keys.columns)).index].reset_index(drop=True)


def rebuilt_periods(database, model):
    """The periods of `model` the last dbt command computed, as 'yyyy-mm-dd' texts."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return {row[0] for row in connection.execute(
            "select cast(period as varchar) from period_build_state where model = ?"
            " and built_at = (select max(built_at) from period_build_state)", [model]).fetchall()}


def last_build_time(database):
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute("select max(built_at) from period_build_state").fetchone()[0]


def periods_of(database, model):
    with duckdb.connect(str(database), read_only=True) as connection:
        return {row[0] for row in connection.execute(
            "select cast(period as varchar) from period_build_state where model = ?", [model]).fetchall()}


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    """The full panel's months in order, and a function writing a variant of it."""
    directory = tmp_path_factory.mktemp("incremental_panels")
    full = directory / "full.parquet"
    write_panel(full, n_stocks=80, n_months=MONTHS, n_characteristics=6)
    connection = duckdb.connect()
    dates = [str(row[0]) for row in connection.execute(f"select distinct eom from '{full}' order by eom").fetchall()]

    def write(path, where="true", select="*"):
        connection.execute(f"copy (select {select} from '{full}' where {where} order by eom, id) to '{path}'")
        return path

    yield dates, write
    connection.close()


def test_panel_changes_rebuild_only_their_periods_and_equal_a_cold_build(months, tmp_path):
    dates, write = months
    panel = tmp_path / "panel" / "panel.parquet"  # a directory of its own: input_files lists its entries
    panel.parent.mkdir()
    database = tmp_path / "incremental.duckdb"

    def check_against_cold(dbt_vars_of, label):
        reference = tmp_path / f"cold_{label}.duckdb"
        build(reference, dbt_vars_of(panel))
        assert tables_differing(database, reference) == {}, label

    last, new = dates[-2], dates[-1]
    write(panel, f"eom < date '{new}'")
    build(database, panel_vars(panel))

    # a month more: the new month, and the months whose rank IC reaches it (12 horizons ahead)
    write(panel)
    build(database, panel_vars(panel))
    check_against_cold(panel_vars, "month_added")
    for model in ("quarantined_inputs", "stock_periods", "int_factor_values", "int_factor_sorts__alpha_ranks",
                  "int_factor_sorts__breakpoints", "factor_portfolio_alpha", "factor_median_split_alpha",
                  "factor_fama_macbeth_slopes", "factor_turnover"):
        assert rebuilt_periods(database, model) == {new}, model
    assert rebuilt_periods(database, "factor_ic") == set(dates[-12:])
    assert rebuilt_periods(database, "factor_duplicates") == set(dates)  # across periods: built in full

    # the last month changed: a characteristic of it doubled
    doubled = f"* replace (case when eom = date '{new}' then be_me * 2 else be_me end as be_me)"
    write(panel, select=doubled)
    build(database, panel_vars(panel, values_per_batch=100))  # the increment in factor batches too
    check_against_cold(panel_vars, "month_changed")
    assert rebuilt_periods(database, "int_factor_values") == {new}
    assert rebuilt_periods(database, "stock_periods") == {new}  # its rows are the same, the month's digest is not
    assert rebuilt_periods(database, "factor_ic") == set(dates[-12:])

    # a month less in the middle: it leaves every table; the rows after it move up in the file, so
    # the tables carrying the input's line numbers rebuild those months, the factor tables do not
    dropped = dates[DROPPED_MONTH]
    write(panel, f"eom <> date '{dropped}'", doubled)
    build(database, panel_vars(panel))
    check_against_cold(panel_vars, "month_dropped")
    assert dropped not in periods_of(database, "int_factor_values")
    assert rebuilt_periods(database, "int_factor_values") == set()
    for model in ("quarantined_inputs", "int_factor_cells_rejected"):
        assert rebuilt_periods(database, model) == set(dates[DROPPED_MONTH + 1:]), model
    assert rebuilt_periods(database, "factor_turnover") == {dates[DROPPED_MONTH + 1]}
    assert rebuilt_periods(database, "factor_ic") == set(dates[DROPPED_MONTH - 11:DROPPED_MONTH])

    # nothing changed: no period is recomputed, and no table across periods (factor_duplicates)
    before = last_build_time(database)
    build(database, panel_vars(panel))
    assert last_build_time(database) == before

    # a changed setting: the portfolio tables rebuild every month, the values none
    build(database, panel_vars(panel, portfolio_count=3))
    check_against_cold(lambda path: panel_vars(path, portfolio_count=3), "setting_changed")
    assert rebuilt_periods(database, "int_factor_values") == set()
    assert rebuilt_periods(database, "factor_portfolio_alpha") == periods_of(database, "factor_portfolio_alpha")


@pytest.mark.parametrize("period_written_as", ["year(eom) * 100 + month(eom)", "cast(eom as timestamp) + interval 23 hour"],
                         ids=["yyyymm_numbers", "timestamps_in_the_last_hour"])
def test_a_month_appended_reads_its_rows_whatever_the_period_column_type(months, tmp_path, period_written_as):
    """An increment reads the input through bounds on the period column as the file types it
    (macro panel_source_period_test): numbers, or timestamps up to the month's last hour, still
    reach every row of the month."""
    dates, write = months
    written = f"* replace ({period_written_as} as eom)"
    panel = tmp_path / "panel" / "panel.parquet"
    panel.parent.mkdir()
    database = tmp_path / "incremental.duckdb"
    write(panel, f"eom < date '{dates[-1]}'", written)
    build(database, panel_vars(panel))
    write(panel, select=written)
    build(database, panel_vars(panel))
    assert rebuilt_periods(database, "int_factor_values") == {dates[-1]}
    reference = tmp_path / "cold.duckdb"
    build(reference, panel_vars(panel))
    assert tables_differing(database, reference) == {}


def test_a_kaggle_year_added_rebuilds_its_year(tmp_path):
    files = tmp_path / "kaggle"
    write_demo_files(files, n_tickers=200)
    years = sorted(files.iterdir())
    held_back = tmp_path / years[-1].name
    shutil.move(years[-1], held_back)
    database = tmp_path / "incremental.duckdb"
    build(database, {"kaggle_dir": str(files)})
    shutil.move(held_back, years[-1])
    build(database, {"kaggle_dir": str(files)})
    reference = tmp_path / "cold.duckdb"
    build(reference, {"kaggle_dir": str(files)})
    assert tables_differing(database, reference) == {}
    year = years[-1].name[:4] + "-12-31"
    assert rebuilt_periods(database, "int_factor_values") == {year}
    assert rebuilt_periods(database, "quarantined_inputs") == {year}


def test_unchanged_kaggle_files_are_not_read_again_and_a_change_reads_them_all(tmp_path, monkeypatch):
    files = tmp_path / "kaggle"
    write_demo_files(files, n_tickers=60)
    parsed = []
    parse_file = kaggle.parse_file
    monkeypatch.setattr(kaggle, "parse_file", lambda path, *args: parsed.append(path.name) or parse_file(path, *args))
    database = tmp_path / "warehouse.duckdb"

    def run(*args, **settings):
        parsed.clear()
        result = run_dbt(["run", *(args or ("--select", "+int_factor_values", "+input_files"))], database=database,
                         dbt_vars={"kaggle_dir": str(files), **settings})
        assert result.success, result.exception or result.result
        with duckdb.connect(str(database), read_only=True) as connection:
            return connection.execute("select period, value from stg_input__values where stock_id = ? and factor = "
                                      "'Revenue' order by period", [ticker]).fetchall()

    assert run_dbt(["seed"], database=database, dbt_vars={"kaggle_dir": str(files)}).success
    every_file = sorted(path.name for path in files.iterdir())
    changed = files / every_file[0]
    lines = changed.read_text().splitlines()
    revenue = lines[0].split(",").index("Revenue")
    row = next(index for index, line in enumerate(lines[1:], 1) if line.split(",")[revenue])
    ticker = lines[row].split(",")[0]
    first = run()
    assert sorted(parsed) == every_file
    assert (run(), parsed) == (first, [])
    assert (run(missing_markers=["N/A", "n/a"]), sorted(parsed)) == (first, every_file)
    assert (run(missing_markers=["N/A", "n/a"]), parsed) == (first, [])
    assert (run("--full-refresh"), sorted(parsed)) == (first, every_file)
    fields = lines[row].split(",")
    fields[revenue] = "123456789"
    lines[row] = ",".join(fields)
    changed.write_text("\n".join(lines) + "\n")
    assert run() == [(first[0][0], 123456789.0), *first[1:]] and sorted(parsed) == every_file
    changed.write_text(changed.read_text().replace("123456789", "987"))
    run("--select", "build_facts")  # reads no Kaggle file: the tables of the last load stay, changed or not
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("select count(*) from raw.financial_cells where cell_text = '123456789'").fetchone() == (1,)
    assert parsed == []


def test_portfolio_schemes_with_a_holding_period_rebuild_their_reach_and_equal_a_cold_build(months, tmp_path):
    """A scheme holding 3 months reads the portfolios formed 2 months before: a changed month rebuilds
    the cohort returns of it and the 2 months after; a month appended, of itself only."""
    dates, write = months
    panel = tmp_path / "panel" / "panel.parquet"
    panel.parent.mkdir()
    database = tmp_path / "incremental.duckdb"
    schemes = [{"name": "equal"}, {"name": "capped_jt3", "weights": "capped_value", "size_universe": "all",
                                   "exclude_microcaps": True, "holding_periods": 3}]

    def scheme_vars(path):
        return {"panel": {"path": str(path), "sector_column": "sector", "market_equity_column": "market_equity"},
                "portfolio_schemes": schemes}

    write(panel, f"eom < date '{dates[-1]}'")
    build(database, scheme_vars(panel))
    write(panel)
    build(database, scheme_vars(panel))
    assert rebuilt_periods(database, "int_factor_sorts__cohort_returns") == {dates[-1]}
    assert rebuilt_periods(database, "int_factor_sorts__scheme_stocks") == {dates[-1]}
    changed = dates[10]
    write(panel, select=f"* replace (case when eom = date '{changed}' then be_me * 2 else be_me end as be_me)")
    build(database, scheme_vars(panel))
    assert rebuilt_periods(database, "int_factor_sorts__cohort_returns") == set(dates[10:13])
    reference = tmp_path / "cold.duckdb"
    build(reference, scheme_vars(panel))
    assert tables_differing(database, reference) == {}
