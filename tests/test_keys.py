"""Integer keys inside, names at the edges (macros/dialect/name_key.sql): the stocks and factors dimensions hold
one key per name, the keys are the names' hashes whatever the build, and every table users read
carries the names its keyed table's rows join to."""

import pandas as pd
import pytest


def frame(connection, sql):
    return connection.sql(sql).df()


@pytest.fixture(params=["demo", "kaggle_sample"])
def warehouse(request):
    return request.getfixturevalue(f"{request.param}_warehouse")


def test_stocks_list_each_stock_of_stock_periods_once_with_its_periods(warehouse):
    stocks = frame(warehouse, "select * from stocks order by stock_id")
    expected = (frame(warehouse, "select stock_id, period from stock_periods")
                .groupby("stock_id")["period"].agg(first_period="min", last_period="max", n_periods="count")
                .reset_index())
    assert len(stocks) > 1 and stocks["stock_key"].is_unique
    pd.testing.assert_frame_equal(stocks.drop(columns="stock_key"), expected, check_dtype=False)


def test_keys_are_the_hashes_of_the_names(warehouse):
    # a key depends on its name alone, so a build with other periods or stocks gives the same keys
    for table, key, name in [("stocks", "stock_key", "stock_id"), ("factors", "factor_key", "factor"),
                             ("stock_periods", "stock_key", "stock_id")]:
        mismatched = warehouse.sql(f"select count(*) from {table} where {key} <> hash({name})").fetchone()[0]
        assert mismatched == 0, table


def test_factor_values_names_are_the_keyed_rows_joined_to_the_dimensions(warehouse):
    named = frame(warehouse, "select stock_id, period, factor, value, pct_rank from factor_values")
    keyed = frame(warehouse, """
        select stocks.stock_id, v.period, factors.factor, v.value, v.pct_rank
        from int_factor_values as v
        left join stocks using (stock_key)
        left join factors using (factor_key)""")
    # no keyed row lacks a name, and the view drops none
    assert keyed[["stock_id", "factor"]].notna().all().all()
    key = ["factor", "period", "stock_id"]
    pd.testing.assert_frame_equal(named.sort_values(key).reset_index(drop=True),
                                  keyed.sort_values(key).reset_index(drop=True))


@pytest.mark.parametrize("table", ["factor_median_split_alpha", "factor_portfolio_alpha", "factor_ic",
                                   "factor_turnover",
                                   "int_factor_sorts__breakpoints", "factor_portfolios"])
def test_per_factor_tables_carry_the_key_of_their_factor_name(warehouse, table):
    rows, mismatched = warehouse.sql(f"""
        select count(*), count(*) filter (where factors.factor_key is distinct from t.factor_key)
        from {table} as t left join factors using (factor)""").fetchone()
    assert rows > 0 and mismatched == 0


def test_checked_cells_view_gives_accepted_cells_their_names_and_rows(warehouse):
    # every accepted cell, with its stock row's file and line and its factor's name
    accepted = warehouse.sql("select count(*) from int_factor_cells_accepted").fetchone()[0]
    named = frame(warehouse, """
        select cells.stock_id, cells.period, cells.source_file, cells.line_number, rows.source_file as row_file,
               rows.line_number as row_line
        from int_factor_cells_checked as cells
        left join stock_periods as rows using (stock_id, period)
        where cells.rejection_reason is null""")
    assert len(named) == accepted > 0
    assert (named["source_file"] == named["row_file"]).all() and (named["line_number"] == named["row_line"]).all()
