"""Core marts built by `dbt build`: the real 2018 sample, the demo data, bad input."""

import hashlib

import duckdb
import numpy as np
import pandas as pd
import pytest

from factor_warehouse.cli.build import build
from factor_warehouse.cli.dbt_runner import run_dbt
from tests.conftest import KAGGLE_SAMPLE_DIR
from tests.test_kaggle_loader import CASE_PAIRS, SAMPLE, read_sample, write_csv

# cautious: leave out tests of models downstream of core, which this build does not make
CORE_SELECTION = ["--select", "+path:models/marts/core", "--indirect-selection", "cautious"]
INJECTED_HEADER = 'x"; drop table stock_periods; --'


def table(connection, sql):
    return connection.sql(sql).df()


def pandas_ranks(frame, value, by):
    """The reference: pandas rank(pct=True) (method average) within groups."""
    return frame.groupby(by)[value].rank(pct=True)


def test_real_sample_loads_every_row_and_all_221_factors(kaggle_sample_warehouse):
    assert kaggle_sample_warehouse.sql("select count(*) from stock_periods").fetchone()[0] == 300
    factors = set(table(kaggle_sample_warehouse, "select factor from factors")["factor"])
    assert len(factors) == 221
    for lower, upper in CASE_PAIRS:
        assert {lower, upper} <= factors
    assert kaggle_sample_warehouse.sql("select count(*) from quarantined_inputs").fetchone()[0] == 0


def test_real_sample_values_and_alpha_equal_the_file(kaggle_sample_warehouse):
    frame = pd.read_csv(SAMPLE).rename(columns={"Unnamed: 0": "stock_id"})
    long = frame.melt(id_vars=["stock_id"], value_vars=list(frame.columns[1:-3]), var_name="factor").dropna()
    loaded = table(kaggle_sample_warehouse, "select stock_id, factor, value from factor_values")
    merged = long.merge(loaded, on=["stock_id", "factor"], how="outer", suffixes=("_file", "_warehouse"))
    assert len(merged) == len(long) == len(loaded)
    assert (merged["value_file"] == merged["value_warehouse"]).all()

    years = table(kaggle_sample_warehouse, "select stock_id, return_pct, alpha, class, sector from stock_periods")
    years = years.merge(frame, on="stock_id")
    assert (years["return_pct"] == years["2019 PRICE VAR [%]"]).all()
    assert years["alpha"].to_numpy() == pytest.approx((years["2019 PRICE VAR [%]"] - 28.88).to_numpy(), abs=1e-12)
    assert (years["class"] == years["Class"]).all() and (years["sector"] == years["Sector"]).all()


def test_extreme_market_cap_is_kept_and_ranked_top(kaggle_sample_warehouse):
    value, pct_rank = kaggle_sample_warehouse.sql(
        "select value, pct_rank from factor_values where factor = 'Market Cap' order by value desc limit 1"
    ).fetchone()
    assert value == pytest.approx(4.452e13) and pct_rank == 1.0


@pytest.mark.parametrize("warehouse", ["kaggle_sample_warehouse", "demo_warehouse"])
def test_ranks_equal_pandas_rank_pct_within_each_year(warehouse, request):
    connection = request.getfixturevalue(warehouse)
    values = table(connection, "select period, factor, value, pct_rank from factor_values")
    expected = pandas_ranks(values, "value", ["period", "factor"])
    assert values["pct_rank"].to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-12)

    years = table(connection, "select period, alpha, alpha_rank from stock_periods")
    expected = pandas_ranks(years, "alpha", ["period"])
    assert years["alpha_rank"].to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-12, nan_ok=True)


def test_demo_covers_five_years_in_the_kaggle_layout(demo_warehouse):
    years = table(demo_warehouse, "select fiscal_year, count(*) as n from stock_periods group by 1 order by 1")
    assert years["fiscal_year"].tolist() == [2014, 2015, 2016, 2017, 2018]
    assert (years["n"] > 800).all()
    assert demo_warehouse.sql("select count(*) from factors").fetchone()[0] == 221
    missing_benchmark = demo_warehouse.sql("select count(*) from stock_periods where benchmark_return_pct is null")
    assert missing_benchmark.fetchone()[0] == 0
    # alpha is the return minus the benchmark's, the default where the input has a benchmark
    alphas = table(demo_warehouse, "select alpha_method, alpha, return_pct, benchmark_return_pct from stock_periods")
    assert set(alphas["alpha_method"]) == {"benchmark"}
    assert np.allclose(alphas["alpha"], alphas["return_pct"] - alphas["benchmark_return_pct"], equal_nan=True)


# --- bad input, end to end ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def broken_input(tmp_path_factory):
    """The sample with one instance of each row- and value-level problem, and a hostile header."""
    directory = tmp_path_factory.mktemp("broken_input")
    header, body = read_sample()
    column = {name: i for i, name in enumerate(header)}
    header[column["Revenue"]] = INJECTED_HEADER
    body[0][0] = ""                                   # line 2: missing ticker
    body[2][0] = body[1][0]                           # lines 3 and 4: duplicate ticker
    body[5][column["EPS"]] = "--"                      # line 7: text in a numeric column
    body[6][column["ROE"]] = "inf"                     # line 8: infinity
    body[7][column["ROE"]] = "-inf"                    # line 9: minus infinity
    write_csv(directory / "2018_Financial_Data.csv", header, body)
    return directory, header, body


@pytest.fixture(scope="module")
def broken_warehouse(broken_input, tmp_path_factory):
    database = tmp_path_factory.mktemp("broken_warehouse") / "warehouse.duckdb"
    result = run_dbt(["build", *CORE_SELECTION], database=database, dbt_vars={"kaggle_dir": str(broken_input[0])})
    assert result.success
    connection = duckdb.connect(str(database), read_only=True)
    yield connection
    connection.close()


def test_bad_rows_and_values_are_quarantined_with_their_reason(broken_warehouse, broken_input):
    _, _, body = broken_input
    quarantined = broken_warehouse.sql("select rejected, line_number, stock_id, column_name, cell_text, reason "
                                       "from quarantined_inputs order by line_number").fetchall()
    assert quarantined == [
        ("row", 2, None, None, None, "missing ticker"),
        ("row", 3, body[1][0], None, None, "duplicate ticker in fiscal year (2 rows)"),
        ("row", 4, body[1][0], None, None, "duplicate ticker in fiscal year (2 rows)"),
        ("value", 7, body[5][0], "EPS", "--", "not a number"),
        ("value", 8, body[6][0], "ROE", "inf", "infinite value"),
        ("value", 9, body[7][0], "ROE", "-inf", "infinite value"),
    ]


def test_nothing_else_is_lost(broken_warehouse, broken_input):
    _, header, body = broken_input
    rejected_lines = {2, 3, 4}
    assert broken_warehouse.sql("select count(*) from stock_periods").fetchone()[0] == len(body) - len(rejected_lines)
    indicators = range(1, len(header) - 3)
    kept_cells = sum(1 for line, row in enumerate(body, start=2) if line not in rejected_lines
                     for i in indicators if row[i].strip() != "")
    assert broken_warehouse.sql("select count(*) from factor_values").fetchone()[0] == kept_cells - 3


def test_hostile_header_is_only_a_factor_name(broken_warehouse):
    factor_id, n_values = broken_warehouse.sql(
        "select factor_id, (select count(*) from factor_values where factor = ?) from factors where factor = ?",
        params=[INJECTED_HEADER, INJECTED_HEADER],
    ).fetchone()
    assert factor_id == "x_drop_table_stock_periods" and n_values > 0
    assert broken_warehouse.sql("select count(*) from stock_periods").fetchone()[0] > 0


def test_build_swaps_in_a_working_warehouse_and_a_failed_build_keeps_it(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    assert build(database, {"kaggle_dir": str(KAGGLE_SAMPLE_DIR)}) == 0
    with duckdb.connect(str(database), read_only=True) as connection:
        # views keep catalog-qualified names: they must still resolve after the swap
        assert connection.sql("select count(*) from stg_kaggle__rows").fetchone()[0] == 300
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "2018_Financial_Data.csv").write_text("")

    assert build(database, {"kaggle_dir": str(broken)}) == 1

    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.sql("select count(*) from stock_periods").fetchone()[0] == 300
    result = run_dbt(["build", *CORE_SELECTION], database=tmp_path / "other.duckdb", dbt_vars={"kaggle_dir": str(broken)})
    messages = " ".join(str(node.message) for node in result.result.results) if result.result else str(result.exception)
    assert "2018_Financial_Data.csv: the file is empty" in messages
