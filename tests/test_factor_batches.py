"""The factor-batched materialization (macros/factor_batches.sql): the per-factor models built a
group of factors at a time give the tables the single-pass build gives, stored in (factor_key,
period) order, a factor the batches were not dealt from (a user factor) is built by the last batch, and a
bad batch size is refused with the var's name."""

import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from tests.conftest import KAGGLE_SAMPLE_DIR
from tests.test_user_factors import COMPOSITE, EXAMPLE_MODELS, PE_NONZERO

# model -> its key; every model materialized as factor_batched_table (int_factor_values through its
# view factor_values, with the factor's name), and what is built from them
BATCHED_TABLES = {
    "factor_values": ["factor", "period", "stock_id"],
    "int_factor_sorts__breakpoints": ["factor", "period", "sort_group"],
    "factor_median_split_alpha": ["factor", "period", "side"],
    "factor_portfolio_alpha": ["factor", "period", "portfolio"],
    "factor_ic": ["factor", "period", "horizon"],
    "factor_turnover": ["factor", "period", "portfolio"],
    "factor_long_short_returns": ["factor", "period"],
}
SAMPLE_VARS = {"kaggle_dir": str(KAGGLE_SAMPLE_DIR)}
USER_FACTORS = (PE_NONZERO, COMPOSITE)
SQL_MODELS = ["--select", "path:models", "resource_type:seed", "--exclude", "test_type:unit",
              "--indirect-selection", "cautious"]


def compiled_run_sql(model_path):
    """The SQL dbt ran as a model's 'main' statement (its first batch), from this session's target/."""
    return (Path(os.environ["DBT_TARGET_PATH"]) / "run" / "factor_warehouse" / model_path).read_text()


@pytest.fixture(scope="module")
def batched_database(tmp_path_factory):
    database = tmp_path_factory.mktemp("batched") / "warehouse.duckdb"
    # the sample holds about 60,000 values: 5,000 per batch makes about a dozen batches
    # with the example user factors, which the batches are not dealt from (they are not input cells)
    dbt_vars = {**SAMPLE_VARS, "values_per_batch": 5000, "user_factors": EXAMPLE_MODELS}
    result = run_dbt(["build", *SQL_MODELS], database=database, dbt_vars=dbt_vars)
    assert result.success, f"batched build failed: {result.exception or result.result}"
    return database


def test_batched_build_runs_in_batches(batched_database):
    with duckdb.connect(str(batched_database), read_only=True) as connection:
        # the larger set of values upstream of int_factor_values: the input's values, accepted or not
        largest_upstream = connection.sql("select sum(n_values) from int_input_period_digests").fetchone()[0]
        # factor_ic's is factor_values, which holds the user factors too
        values, factors = connection.sql("select count(*), count(distinct factor) from factor_values").fetchone()
    batch_count = -(-largest_upstream // 5000)
    assert batch_count > 1
    first_batch = compiled_run_sql("models/intermediate/int_factor_values.sql")
    # a list of factor keys, which DuckDB filters inside the scan
    assert "factor_key in (" in first_batch and f"factor batch 1 of {batch_count} */" in first_batch
    # factor_ic holds a pair per value and horizon (4 at most with the default ic_horizons): a batch
    # of 5,000 / 4 values
    ic_batch_count = min(-(-values // (5000 // 4)), factors)
    assert ic_batch_count > batch_count
    assert f"factor batch 1 of {ic_batch_count} */" in compiled_run_sql("models/marts/factor_evaluation/factor_ic.sql")


@pytest.mark.parametrize("table", BATCHED_TABLES)
def test_batched_tables_equal_single_pass_tables(batched_database, kaggle_sample_warehouse, table):
    key = BATCHED_TABLES[table]
    query = f"select * from {table} where factor not in {USER_FACTORS} order by {', '.join(key)}"
    expected = kaggle_sample_warehouse.sql(query).df()
    with duckdb.connect(str(batched_database), read_only=True) as connection:
        batched = connection.sql(query).df()
    assert len(expected) > 0
    # sums over a batch run in another order than over the whole table: equal to rounding
    pd.testing.assert_frame_equal(batched, expected, check_exact=False, rtol=0, atol=1e-12)


STORED_TABLES = ["int_factor_values"] + [table for table in BATCHED_TABLES
                                        if table not in ("factor_values", "factor_long_short_returns")]


@pytest.mark.parametrize("table", STORED_TABLES)
def test_batched_tables_are_stored_in_factor_key_period_order(batched_database, table):
    # rowid is a row's place in storage: each factor's rows are one run, in period order, the
    # factors in key order
    with duckdb.connect(str(batched_database), read_only=True) as connection:
        factors, factor_changes, keys_backwards, periods_backwards = connection.sql(f"""
            select
                count(distinct factor_key),
                count(*) filter (where factor_key <> previous_factor_key),
                count(*) filter (where factor_key < previous_factor_key),
                count(*) filter (where factor_key = previous_factor_key and period < previous_period)
            from (
                select factor_key, period,
                    lag(factor_key) over (order by rowid) as previous_factor_key,
                    lag(period) over (order by rowid) as previous_period
                from {table}
            )
        """).fetchone()
    assert factors > 1
    assert (factor_changes, periods_backwards) == (factors - 1, 0)
    # each batch in key order; the last batch, which adds the user factors, may start below the one before
    assert keys_backwards <= 1


def test_user_factors_are_built_by_the_last_batch(batched_database):
    with duckdb.connect(str(batched_database), read_only=True) as connection:
        ranked = connection.sql(f"select factor, count(pct_rank) from factor_values where factor in {USER_FACTORS}"
                                " group by factor").fetchall()
    assert {factor for factor, n_ranked in ranked if n_ranked > 0} == set(USER_FACTORS)


def test_non_positive_batch_size_is_refused(batched_database):
    result = run_dbt(["run", "--select", "int_factor_values"], database=batched_database,
                     dbt_vars={**SAMPLE_VARS, "values_per_batch": 0})
    assert not result.success
    messages = " ".join(str(item.message) for item in result.result.results)
    assert "values_per_batch must be a positive integer" in messages
