"""The panel source (models/staging/panel, macros/panel.sql): a monthly stock panel read by DuckDB
in the wide Parquet, long Parquet and CSV shapes fills the same warehouse; its ranks, median splits
and portfolios equal pandas within each period; bad panels fail with the file, the column and
what to do, or are quarantined with a reason, and nothing is lost."""

import duckdb
import numpy as np
import pandas as pd
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.sources.panel_demo import write_panel

PANEL_SIZE = {"n_stocks": 120, "n_months": 18, "n_characteristics": 6, "seed": 5, "start": "2001-01"}
JKP_COLUMNS = {"id_column": "id", "period_column": "eom", "return_column": "ret_exc_lead1m", "sector_column": "sector"}
# the SQL marts, and factor_summary over the factor evaluation's SQL tables
SQL_MARTS = ["--select", "+path:models/marts/core", "+path:models/marts/factor_sorts", "+factor_summary",
             "--indirect-selection", "cautious"]
COMPARED_TABLES = {
    "stock_periods": "select stock_id, period, period_label, sector, return_pct, alpha, alpha_rank from stock_periods",
    "factor_values": "select stock_id, period, factor, value, pct_rank from factor_values",
    "factor_portfolio_alpha": "select factor, period, portfolio, n_stocks, mean_alpha from factor_portfolio_alpha",
    "factor_summary": "select factor, mean_spread, spread_t_statistic, mean_rank_ic from factor_summary",
    # counted from a wide panel's rows (stg_panel__value_digests), from a long panel's values
    "data_loss": "select period, sum(input_values) as input_values, sum(quarantined_values) as quarantined_values"
                 " from data_loss group by period",
}


def build(tmp_path_factory, name, panel, selection=SQL_MARTS, **other_vars):
    database = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
    result = run_dbt(["build", *selection], database=database, dbt_vars={"panel": panel, **other_vars})
    return database, result


def query(database, sql, params=None):
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, params or []).df()


@pytest.fixture(scope="module")
def panel_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("panel_files")
    return {
        (shape, file_format): write_panel(directory / f"{shape}.{file_format}", shape=shape, **PANEL_SIZE).path
        for shape, file_format in (("wide", "parquet"), ("long", "parquet"), ("wide", "csv"))
    }


@pytest.fixture(scope="module")
def wide_panel(tmp_path_factory, panel_files):
    """The wide Parquet panel, every model built (SQL marts and the Python models)."""
    database, result = build(tmp_path_factory, "wide", {"path": str(panel_files["wide", "parquet"]), **JKP_COLUMNS},
                             selection=[])
    assert result.success, result.exception or [r.message for r in result.result.results if r.status != "success"]
    return database


@pytest.mark.parametrize("shape, file_format", [("long", "parquet"), ("wide", "csv")])
def test_long_parquet_and_csv_panels_build_the_same_warehouse_as_wide_parquet(
        tmp_path_factory, panel_files, wide_panel, shape, file_format):
    panel = {"path": str(panel_files[shape, file_format]), "shape": shape, **JKP_COLUMNS}
    database, result = build(tmp_path_factory, f"{shape}_{file_format}", panel)
    assert result.success
    # the CSV holds the float32 characteristics as their shortest decimal text: equal to 7 digits
    tolerance = 1e-6 if file_format == "csv" else 1e-12
    for name, sql in COMPARED_TABLES.items():
        expected = query(wide_panel, sql + " order by all")
        found = query(database, sql + " order by all")
        pd.testing.assert_frame_equal(found, expected, check_exact=False, rtol=tolerance, obj=name)


def test_every_table_of_the_wide_panel_is_built_per_month(wide_panel, panel_files):
    periods = query(wide_panel, "select * from periods order by period")
    assert len(periods) == PANEL_SIZE["n_months"]
    assert set(periods["frequency"]) == {"monthly"} and periods["fiscal_year"].isna().all()
    assert periods["period_label"].iloc[0] == "2001-01" and str(periods["period"].iloc[0].date()) == "2001-01-31"
    assert (np.diff(periods["period_index"]) == 1).all()
    file = duckdb.sql(f"select count(*) from '{panel_files['wide', 'parquet']}'").fetchone()[0]
    assert query(wide_panel, "select count(*) as n from stock_periods")["n"][0] == file
    facts = query(wide_panel, "select data_source, panel_path from build_facts")
    assert facts.iloc[0].tolist() == ["panel", str(panel_files["wide", "parquet"])]
    # alpha defaults to the return minus the period's equal-weighted mean for a panel
    alpha = query(wide_panel, "select period, alpha, alpha_method from stock_periods")
    assert set(alpha["alpha_method"]) == {"market_mean"}
    assert alpha.groupby("period")["alpha"].mean().abs().max() < 1e-9
    for table in ("factor_mic", "factor_f_scores", "factor_regressions", "alpha_predictions", "alpha_model_metrics"):
        assert query(wide_panel, f"select count(*) as n from {table}")["n"][0] > 0, table


def test_ranks_median_splits_and_portfolios_equal_pandas_within_each_month(wide_panel):
    values = query(wide_panel, "select v.stock_id, v.period, v.factor, v.value, v.pct_rank, s.alpha "
                               "from factor_values as v join stock_periods as s using (stock_id, period)")
    by_month = values.groupby(["period", "factor"])["value"]
    np.testing.assert_allclose(values["pct_rank"], by_month.rank(pct=True), rtol=0, atol=1e-9)

    values["median"] = by_month.transform("median")
    sides = np.select([values["value"] > values["median"], values["value"] < values["median"]], ["above", "below"], "")
    reference = values[sides != ""].assign(side=sides[sides != ""]).groupby(["factor", "period", "side"])["alpha"].mean()
    split = query(wide_panel, "select factor, period, side, mean_alpha from factor_median_split_alpha")
    split = split.set_index(["factor", "period", "side"])["mean_alpha"].dropna()
    pd.testing.assert_series_equal(split.sort_index(), reference.rename("mean_alpha").sort_index(),
                                   check_exact=False, rtol=0, atol=1e-9)

    portfolios = query(wide_panel, "select stock_id, period, factor, portfolio from factor_portfolios")
    merged = values.merge(portfolios, on=["stock_id", "period", "factor"])
    assert len(merged) == len(values)
    median = merged.groupby(["period", "factor"])["value"].transform(lambda column: column.quantile(0.5))
    np.testing.assert_array_equal(merged["portfolio"], np.where(merged["value"] > median, 2, 1))


# --- bad panels ---------------------------------------------------------------------------------

def write(path, sql):
    duckdb.sql(f"copy ({sql}) to '{path}' (format parquet)")
    return path


GOOD_ROWS = """
    select i % 10 as id, last_day(date '2020-01-01' + to_months(i // 10)) as eom, (i % 7) / 100 - 0.03 as ret,
           (i * 37 % 11)::double as be_me, (i * 13 % 5)::double as mom
    from range(60) as t(i)
"""


def test_a_misnamed_configured_column_is_an_error_naming_it_and_the_columns_there_are(tmp_path_factory, tmp_path):
    path = write(tmp_path / "panel.parquet", GOOD_ROWS)
    _, result = build(tmp_path_factory, "misnamed", {"path": str(path), "return_column": "ret_exc_lead1m"})
    assert not result.success
    message = " ".join(str(r.message) for r in result.result.results if r.status == "error")
    assert f"panel '{path}': the return_column 'ret_exc_lead1m' is not a column of the file" in message
    assert "Its columns are: id, eom, ret, be_me, mom. Set the dbt var panel.return_column to one of them" in message


def test_a_text_column_that_is_not_excluded_is_an_error_saying_how_to_exclude_it(tmp_path_factory, tmp_path):
    path = write(tmp_path / "panel.parquet", f"select *, 'US' as country from ({GOOD_ROWS})")
    _, result = build(tmp_path_factory, "text_column", {"path": str(path), "return_column": "ret"})
    message = " ".join(str(r.message) for r in result.result.results if r.status == "error")
    assert "column 'country' is VARCHAR, not a number, so it cannot be a characteristic. " \
           "List it in the dbt var panel.exclude_columns" in message
    _, result = build(tmp_path_factory, "text_excluded",
                      {"path": str(path), "return_column": "ret", "exclude_columns": ["country"]})
    assert result.success


def test_a_directory_without_panel_files_is_an_error_naming_the_files_it_looked_for(tmp_path_factory, tmp_path):
    (tmp_path / "notes.txt").write_text("not a panel")
    _, result = build(tmp_path_factory, "no_file", {"path": str(tmp_path)})
    assert not result.success
    messages = " ".join(str(r.message) for r in result.result.results if r.status == "error")
    assert (f"panel '{tmp_path}': no file matches '{tmp_path}/*.parquet'; correct the dbt var panel.path "
            "(a parquet file, a directory of them or a glob such as data/*.parquet)") in messages


def test_bad_rows_and_values_of_a_panel_are_quarantined_with_their_reason_and_reconcile(tmp_path_factory, tmp_path):
    path = write(tmp_path / "panel.parquet", f"""
        select id::varchar as id, eom::varchar as eom, ret, be_me, mom from ({GOOD_ROWS})
        union all select '100', '2020-13-31', 0.01, 1.0, 1.0         -- a period that does not read
        union all select '0', '2020-01-31', 0.02, 2.0, 2.0           -- stock 0 twice in 2020-01
        union all select '101', '2020-02-29', 'infinity'::double, 1.0, 1.0   -- a non-finite return
        union all select '102', '2020-02-29', 0.01, 'nan'::double, 3.0       -- a NaN characteristic: missing
    """)
    database, result = build(tmp_path_factory, "bad_rows",
                             {"path": str(path), "return_column": "ret", "period_type": "date"},
                             max_quarantined_row_share=0.25, max_quarantined_value_share=0.25)
    assert result.success, [r.message for r in result.result.results if r.status not in ("success", "pass", "warn")]
    with duckdb.connect(str(database), read_only=True) as connection:
        reasons = connection.sql("select rejected, stock_id, period_text, column_name, reason "
                                 "from quarantined_inputs order by all").fetchall()
    assert [list(row) for row in reasons] == [
        ["row", "0", "2020-01-31", None, "duplicate stock id in period (2 rows)"],
        ["row", "0", "2020-01-31", None, "duplicate stock id in period (2 rows)"],
        ["row", "100", "2020-13-31", None, "period '2020-13-31' does not read as a date, a yyyymm or a year: "
                                           "correct it, or set the dbt var panel.period_type"],
        ["row", "101", "2020-02-29", None, "ret 'inf' is not finite: correct the return or leave the cell empty"],
    ]
    with duckdb.connect(str(database), read_only=True) as connection:
        # the NaN is missing, as the marker NaN is in a CSV: counted, not quarantined, not a value
        assert connection.sql("select missing_markers from input_files").fetchall() == [(1,)]
        assert connection.sql("select count(*) from factor_values where stock_id = '102' and factor = 'be_me'"
                              ).fetchone() == (0,)
        # the digests count a wide panel's values from its rows: as many as the unpivot gives, per file
        # and period, the NaN and the period that does not read (null) included
        counts = "select period, source_file, {} from {} group by all order by all"
        assert (connection.sql(counts.format("sum(n_values)", "stg_input__value_digests")).fetchall()
                == connection.sql(counts.format("count(*)", "stg_input__values")).fetchall())
    statuses = {r.node.name: str(r.status) for r in result.result.results}
    assert statuses["core_input_rows_reconcile"] == "pass"
    assert statuses["core_input_files_accounted"] == "pass"
    assert statuses["core_data_loss_within_budget"] == "warn"


INTEGER_PERIOD_ROWS = """
    select i % 10 as id, {period} as period, (i % 7) / 100 - 0.03 as ret, (i * 37 % 11)::double as be_me
    from (select i, last_day(date '2020-01-01' + to_months(i // 10)) as eom from range(60) as t(i))
"""


@pytest.mark.parametrize("period_sql, expected_labels, frequency", [
    ("year(eom) * 100 + month(eom)", ["2020-01", "2020-06"], "monthly"),
    ("2014 + i // 10", ["2014", "2019"], "yearly"),
])
def test_integer_periods_read_as_yyyymm_or_years(tmp_path_factory, tmp_path, period_sql, expected_labels, frequency):
    path = write(tmp_path / "panel.parquet", INTEGER_PERIOD_ROWS.format(period=period_sql))
    panel = {"path": str(path), "return_column": "ret", "period_column": "period", "return_unit": "percent"}
    database, result = build(tmp_path_factory, "integer_periods", panel)
    assert result.success
    periods = query(database, "select period_label, frequency from periods order by period")
    assert [periods["period_label"].iloc[0], periods["period_label"].iloc[-1]] == expected_labels
    assert set(periods["frequency"]) == {frequency}
    returns = query(database, "select return_pct from stock_periods")["return_pct"]
    assert returns.abs().max() == pytest.approx(0.03)  # percent: taken as written, not multiplied by 100


# --- a benchmark series ---------------------------------------------------------------------------

STOCK_PERIODS_ONLY = ["--select", "+stock_periods", "--indirect-selection", "cautious"]
BENCHMARK_LINES = ["period,return", "2020-01-31,0.01", "2020-02-29,-0.02", "2020-03-31,0.005",
                   "2020-04-30,0", "2020-05-31,0.03", "2020-06-30,0.015"]


def benchmark_build(tmp_path_factory, tmp_path, name, lines, **panel):
    path = write(tmp_path / "panel.parquet", GOOD_ROWS)
    benchmark = tmp_path / "benchmark.csv"
    benchmark.write_text("\n".join(lines) + "\n")
    database, result = build(tmp_path_factory, name, {"path": str(path), "return_column": "ret",
                                                      "benchmark_path": str(benchmark), **panel},
                             selection=STOCK_PERIODS_ONLY)
    errors = " ".join(str(r.message) for r in result.result.results if r.status == "error") if result.result else ""
    return database, result, benchmark, errors or str(result.exception)


def test_a_benchmark_series_is_subtracted_from_each_return_of_its_period(tmp_path_factory, tmp_path):
    database, result, _, errors = benchmark_build(tmp_path_factory, tmp_path, "benchmark", BENCHMARK_LINES)
    assert result.success, errors
    rows = query(database, "select period_label, return_pct, benchmark_return_pct, alpha, alpha_method "
                           "from stock_periods")
    expected = {line.split(",")[0][:7]: float(line.split(",")[1]) * 100 for line in BENCHMARK_LINES[1:]}
    assert set(rows["alpha_method"]) == {"benchmark"}  # the default once a panel has a benchmark
    assert np.allclose(rows["benchmark_return_pct"], rows["period_label"].map(expected), rtol=0, atol=1e-12)
    assert np.allclose(rows["alpha"], rows["return_pct"] - rows["period_label"].map(expected), rtol=0, atol=1e-12)


@pytest.mark.parametrize("lines, message", [
    (BENCHMARK_LINES[:-1], "no benchmark return for period 2020-06 in {path} (dbt var panel.benchmark_path): "
                           "add a line for it, or set the dbt var alpha_method to market_mean"),
    (BENCHMARK_LINES + ["2020-02-29,0.01"], "benchmark file '{path}' line 3: period '2020-02-29' is given 2 times; "
                                            "keep one return per period"),
    (BENCHMARK_LINES[:3] + ["2020-03-31,n/a"] + BENCHMARK_LINES[4:],
     "benchmark file '{path}' line 4: return 'n/a' is not a finite number"),
    (BENCHMARK_LINES[:3] + ["March 2020,0.01"] + BENCHMARK_LINES[4:],
     "benchmark file '{path}' line 4: period 'March 2020' does not read as the panel's period column does"),
    (["period,ret"] + BENCHMARK_LINES[1:], "benchmark file '{path}' (dbt var panel.benchmark_path) has no column "
                                           "'return'; its columns are period, ret. Write its header as: period,return"),
], ids=["missing_period", "duplicate_period", "not_a_number", "unreadable_period", "misnamed_column"])
def test_a_bad_benchmark_series_stops_the_build_naming_the_file_and_line(tmp_path_factory, tmp_path, lines, message):
    _, result, benchmark, errors = benchmark_build(tmp_path_factory, tmp_path, "bad_benchmark", lines)
    assert not result.success
    assert message.format(path=benchmark) in errors


def test_benchmark_alpha_on_a_panel_without_a_benchmark_says_how_to_give_one(tmp_path_factory, tmp_path):
    path = write(tmp_path / "panel.parquet", GOOD_ROWS)
    _, result = build(tmp_path_factory, "no_benchmark", {"path": str(path), "return_column": "ret"},
                      selection=STOCK_PERIODS_ONLY, alpha_method="benchmark")
    assert not result.success
    assert "name a CSV of period,return in the dbt var panel.benchmark_path" in str(result.exception)
