"""User factors (models/user_factors, README "Your own factors"): the shipped examples, named in the
dbt var user_factors, join the real 2018 sample's factors everywhere downstream (ranks, factors and
coverage, the median split, rank IC, MIC, f-scores) with the values pandas computes from the file; the
dbt var factor_adjustments changes values as it says; and a bad user factor fails the build with a
message naming it."""

import shutil

import duckdb
import pandas as pd
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.paths import PROJECT_DIR
from factor_warehouse.sources.panel_demo import write_panel
from tests.conftest import KAGGLE_SAMPLE_DIR
from tests.test_kaggle_loader import SAMPLE

PE_NONZERO = "PE ratio (zeros as missing)"
COMPOSITE = "Earnings Yield and ROE (mean rank)"
EXAMPLE_MODELS = ["user_pe_ratio_nonzero", "user_earnings_yield_roe_rank"]
EXAMPLES = {"kaggle_dir": str(KAGGLE_SAMPLE_DIR), "user_factors": EXAMPLE_MODELS}
ADJUSTMENTS = {"PE ratio": {"zero_as_missing": True}, "ROE": {"winsorize": [0.05, 0.9]}}
# the tables the assertions read and everything under them, with the data tests of those models only
# (cautious); the unit tests run in every full build
WITHOUT_UNIT_TESTS = ["--exclude", "test_type:unit", "--indirect-selection", "cautious"]
EVALUATED = ["--select", "+factors", "+factor_values", "+factor_median_split_alpha", "+factor_ic", "+factor_mic",
             "+factor_f_scores", *WITHOUT_UNIT_TESTS]
SQL_TABLES = ["--select", "+factors", "+factor_values", *WITHOUT_UNIT_TESTS]


def messages(result):
    """The error messages of a dbt invocation: each node's, or the exception that stopped it."""
    return [str(item.message) for item in result.result.results] if result.result else [str(result.exception)]


def build(tmp_path_factory, name, args, dbt_vars):
    database = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
    result = run_dbt(["build", *args], database=database, dbt_vars=dbt_vars)
    assert result.success, f"dbt build of {name} failed: {result.exception or result.result}"
    return duckdb.connect(str(database), read_only=True)


@pytest.fixture(scope="module")
def with_examples(tmp_path_factory):
    connection = build(tmp_path_factory, "user_factors", EVALUATED, EXAMPLES)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def adjusted(tmp_path_factory):
    connection = build(tmp_path_factory, "factor_adjustments", SQL_TABLES,
                       {"kaggle_dir": str(KAGGLE_SAMPLE_DIR), "factor_adjustments": ADJUSTMENTS})
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def sample():
    return pd.read_csv(SAMPLE).rename(columns={"Unnamed: 0": "stock_id"}).set_index("stock_id")


def factor_values(connection, factor):
    return connection.execute("select stock_id, value, pct_rank from factor_values where factor = ? order by stock_id",
                              [factor]).df().set_index("stock_id")


def test_the_examples_are_ranked_in_factor_values_with_the_values_of_the_file(with_examples, sample):
    pe_ratio = sample["PE ratio"]
    expected = pe_ratio[pe_ratio.notna() & (pe_ratio != 0)].sort_index()
    loaded = factor_values(with_examples, PE_NONZERO)
    assert list(loaded.index) == list(expected.index) and len(loaded) == 193
    assert list(loaded["value"]) == list(expected)
    assert loaded["pct_rank"].to_numpy() == pytest.approx(expected.rank(pct=True).to_numpy(), abs=1e-12)

    ranks = sample[["Earnings Yield", "ROE"]].rank(pct=True)
    expected = ranks.dropna().mean(axis=1).sort_index()
    loaded = factor_values(with_examples, COMPOSITE)
    assert list(loaded.index) == list(expected.index) and len(loaded) == 283
    assert loaded["value"].to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-12)
    assert loaded["pct_rank"].to_numpy() == pytest.approx(expected.rank(pct=True).to_numpy(), abs=1e-12)


def test_the_examples_are_factors_with_an_id_and_their_coverage(with_examples):
    rows = with_examples.execute("""
        select factor, factor_id, category, column_number, coverage_by_period['2018']
        from factors where factor in (?, ?) order by factor""", [COMPOSITE, PE_NONZERO]).fetchall()
    assert rows == [(COMPOSITE, "earnings_yield_and_roe_mean_rank", "other", None, pytest.approx(283 / 300)),
                    (PE_NONZERO, "pe_ratio_zeros_as_missing", "other", None, pytest.approx(193 / 300))]
    assert with_examples.sql("select count(*) from factors").fetchone()[0] == 223
    coverage = with_examples.execute("select n_stocks, n_values from factor_coverage where factor = ?", [PE_NONZERO]).fetchall()
    assert coverage == [(300, 193)]


def test_the_examples_are_sorted_evaluated_and_fitted(with_examples):
    def one(sql):
        return with_examples.execute(sql, [PE_NONZERO]).fetchone()

    above, below = one("""
        select sum(n_stocks) filter (where side = 'above'), sum(n_stocks) filter (where side = 'below')
        from factor_median_split_alpha where factor = ?""")
    assert above == below == 96  # 193 values: the median is one of them
    n_stocks, rank_ic = one("select n_stocks, rank_ic from factor_ic where factor = ? and horizon = 1")
    assert n_stocks == 193 and -1 <= rank_ic <= 1
    assert one("select n, mic is not null from factor_mic where factor = ? and scope = 'pooled'") == (193, True)
    assert one("select n_present, f_statistic is not null from factor_f_scores where factor = ?") == (193, True)


def test_the_examples_and_the_unit_tests_reading_them_are_built_when_named(tmp_path):
    result = run_dbt(["build", "--select", "+int_user_factor_values", "--indirect-selection", "cautious"],
                     database=tmp_path / "warehouse.duckdb", dbt_vars=EXAMPLES)
    assert result.success, messages(result)
    names = {item.node.name: str(item.status) for item in result.result.results}
    assert names["user_pe_ratio_nonzero"] == names["user_earnings_yield_roe_rank"] == "success"
    unit_tests = ["pe_ratio_nonzero_reads_zeros_as_missing",
                  "earnings_yield_roe_rank_averages_ranks_within_the_period_of_stocks_with_both",
                  "user_factor_values_union_the_listed_models_and_keep_missing_values"]
    assert [names.get(name) for name in unit_tests] == ["pass"] * 3


def test_the_examples_are_not_built_unless_named(tmp_path):
    result = run_dbt(["ls", "--select", "user_factors", "--resource-type", "model"],
                     database=tmp_path / "warehouse.duckdb", dbt_vars={"kaggle_dir": str(KAGGLE_SAMPLE_DIR)})
    assert result.success and result.result == []


def test_without_user_factors_the_factors_are_the_inputs(adjusted):
    assert adjusted.sql("select count(*), count(column_number) from factors").fetchone() == (221, 221)


def test_zero_as_missing_drops_the_zeros_of_that_factor(adjusted, sample):
    pe_ratio = sample["PE ratio"]
    expected = pe_ratio[pe_ratio.notna() & (pe_ratio != 0)].sort_index()
    loaded = factor_values(adjusted, "PE ratio")
    assert list(loaded.index) == list(expected.index)
    assert loaded["pct_rank"].to_numpy() == pytest.approx(expected.rank(pct=True).to_numpy(), abs=1e-12)
    # other factors keep their zeros
    zeros = adjusted.sql("select count(*) from factor_values where factor = 'Dividend per Share' and value = 0").fetchone()[0]
    assert zeros == (sample["Dividend per Share"] == 0).sum() > 0


def test_winsorize_clips_to_the_quantiles_of_the_period(adjusted, sample):
    roe = sample["ROE"].dropna().sort_index()
    lower, upper = roe.quantile(0.05), roe.quantile(0.9)
    expected = roe.clip(lower, upper)
    loaded = factor_values(adjusted, "ROE")
    assert list(loaded.index) == list(expected.index)
    assert loaded["value"].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)
    assert loaded["pct_rank"].to_numpy() == pytest.approx(expected.rank(pct=True).to_numpy(), abs=1e-12)
    assert (loaded["value"] == loaded["value"].min()).sum() == (roe <= lower).sum() > 1  # clipped values tie


def test_the_adjustments_are_recorded_for_the_tables_they_shaped(adjusted):
    rows = adjusted.sql("""
        select model, read_directly from model_settings where var = 'factor_adjustments' order by model""").fetchall()
    assert ("int_factor_values", True) in rows and ("factor_values", False) in rows and ("factors", False) in rows


@pytest.mark.parametrize("source", ["demo", "panel"])
def test_the_examples_build_on_the_demo_data_and_give_no_rows_on_a_panel_without_their_columns(source, tmp_path):
    dbt_vars = {"user_factors": EXAMPLE_MODELS}
    if source == "panel":
        panel = write_panel(tmp_path / "panel.parquet", n_stocks=60, n_months=14, n_characteristics=5, seed=3).path
        dbt_vars["panel"] = {"path": str(panel), "sector_column": "sector"}
    result = run_dbt(["build", "--select", "+int_declared_factors", *WITHOUT_UNIT_TESTS],
                     database=tmp_path / "warehouse.duckdb", dbt_vars=dbt_vars)
    assert result.success, f"dbt build on the {source} failed: {result.exception or result.result}"
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        periods = dict(connection.sql("""
            select factor, count(distinct period) from int_user_factor_values group by factor""").fetchall())
        declared = {factor for (factor,) in connection.sql("select factor from int_declared_factors where column_number is null").fetchall()}
    expected = {PE_NONZERO: 5, COMPOSITE: 5} if source == "demo" else {}  # the demo's five fiscal years
    assert periods == expected and declared == set(expected)


# --- a bad user factor fails the build, naming it ------------------------------------------------

BAD_MODELS = {
    "user_named_like_an_input": "select stock_id, period, factor, value from {{ ref('int_factor_cells_checked') }} "
                                "where rejection_reason is null and factor = 'PE ratio'",
    "user_inverse_pe_ratio": "select stock_id, period, 'Inverse PE ratio' as factor, 1 / value as value "
                             "from {{ ref('int_factor_cells_checked') }} where rejection_reason is null and factor = 'PE ratio'",
    "user_next_year_roe": "select stock_id, period + interval 1 year as period, 'ROE next year' as factor, value "
                          "from {{ ref('int_factor_cells_checked') }} where rejection_reason is null and factor = 'ROE'",
}


@pytest.fixture(scope="module")
def project_with_bad_models(tmp_path_factory):
    """A copy of the dbt project with bad user factor models in models/user_factors."""
    directory = tmp_path_factory.mktemp("bad_user_factors")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, directory / name)
    for folder in ("models", "macros", "python_models", "data/seeds"):
        shutil.copytree(PROJECT_DIR / folder, directory / folder)
    for name, sql in BAD_MODELS.items():
        (directory / "models" / "user_factors" / f"{name}.sql").write_text(sql + "\n", encoding="utf-8")
    return directory


@pytest.mark.parametrize("user_factors, message", [
    (["user_named_like_an_input"],
     "user factor 'PE ratio' of model user_named_like_an_input has the name of the input factor 'PE ratio'"),
    (["user_inverse_pe_ratio"],
     "user factor model user_inverse_pe_ratio gives factor 'Inverse PE ratio' the value inf for stock '"),
    (["user_next_year_roe"], "in period 2019-12-31, which is not an accepted stock-period"),
    (["stock_periods"], "dbt var user_factors names model stock_periods, which is not in models/user_factors"),
])
def test_a_bad_user_factor_fails_the_build_naming_it(project_with_bad_models, tmp_path, monkeypatch, user_factors, message):
    # the copy keeps its own compiled files, away from the test session's target/
    monkeypatch.setenv("DBT_TARGET_PATH", str(project_with_bad_models / "target"))
    result = run_dbt(["build", "--select", "+int_user_factor_values", *WITHOUT_UNIT_TESTS],
                     database=tmp_path / "warehouse.duckdb", project_dir=project_with_bad_models,
                     dbt_vars={"kaggle_dir": str(KAGGLE_SAMPLE_DIR), "user_factors": user_factors})
    assert not result.success
    assert any(message in error for error in messages(result)), messages(result)


@pytest.mark.parametrize("adjustments, message", [
    ({"ROE": {"winsorise": [0.01, 0.99]}}, "factor 'ROE': set zero_as_missing: true and/or winsorize: [lower, upper]"),
    ({"ROE": {"winsorize": [0.99, 0.01]}}, "factor 'ROE': winsorize must be [lower, upper], two quantiles of the factor's "
                                           "period with 0 <= lower < upper <= 1"),
    ({"PE ratio": {"zero_as_missing": "yes"}}, "factor 'PE ratio': zero_as_missing must be true or false"),
])
def test_a_bad_adjustment_is_refused_naming_the_factor(tmp_path, adjustments, message):
    result = run_dbt(["compile", "--select", "int_factor_values"], database=tmp_path / "warehouse.duckdb",
                     dbt_vars={"kaggle_dir": str(KAGGLE_SAMPLE_DIR), "factor_adjustments": adjustments})
    assert not result.success
    assert any(message in error for error in messages(result)), messages(result)


@pytest.mark.parametrize("name, hint", [("pe ratio", " (did you mean 'PE ratio'?)"), ("Price to Moon", "")])
def test_an_adjustment_of_a_factor_that_does_not_exist_stops_the_build(tmp_path, name, hint):
    database = tmp_path / "warehouse.duckdb"
    dbt_vars = {"kaggle_dir": str(KAGGLE_SAMPLE_DIR)}
    assert run_dbt(["build", "--select", "+int_factor_values", "--exclude", "int_factor_values", *WITHOUT_UNIT_TESTS],
                   database=database, dbt_vars=dbt_vars).success
    result = run_dbt(["run", "--select", "int_factor_values"], database=database,
                     dbt_vars={**dbt_vars, "factor_adjustments": {name: {"zero_as_missing": True}}})
    assert not result.success
    expected = (f"dbt var factor_adjustments names '{name}'{hint}, which is not a factor of the input or a user "
                f"factor: names are exact, case and spaces included")
    assert any(expected in error for error in messages(result)), messages(result)
