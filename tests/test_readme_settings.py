"""The README's `--vars` / `VARS=` examples: each names only settings the project reads, and the
builds they stand for work and do what the README says. The settings example (quintiles,
sector-neutral, sector-mean alpha) is built on the real 2018 sample with every unit test; the two
panel examples (Jensen-Kelly-Pedersen and Open Source Asset Pricing) on small panels in those
shapes. The other examples are built elsewhere: `mic_estimator: mic_approx` in
tests/test_factor_mic_table.py, a raised data-loss budget in tests/test_input_corpus.py, the
factor_models example (on a file of the test's) in tests/test_factor_inference.py, the
factor_publications example (likewise) in tests/test_factor_decay.py; the
paths of `kaggle_dir` and `panel: {path: ...}` are the user's."""

import re

import duckdb
import pytest
import yaml

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.paths import PROJECT_DIR
from factor_warehouse.report.facts import setting_disagreements
from factor_warehouse.sources.panel_demo import write_panel
from tests.conftest import KAGGLE_SAMPLE_DIR
from tests.project_vars import PROJECT_VARS
from tests.test_core_marts import CORE_SELECTION
from tests.test_model_settings import settings, unit_tests

# `VARS='{...: ...}'` or `--vars '{...: ...}'` (a mapping, so the README's `VARS='{...}'` is not one)
EXAMPLE = re.compile(r"(?:VARS=|--vars )'(\{[^']*:[^']*\})'")
README_EXAMPLES = [yaml.safe_load(text) for text in EXAMPLE.findall((PROJECT_DIR / "README.md").read_text(encoding="utf-8"))]
# factor_mic reads none of the settings example's vars and is the one slow model (MIC of 221 factors);
# its estimator example is built in tests/test_factor_mic_table.py
SETTINGS_BUILD = ["--exclude", "factor_mic"]
PANEL_SIZE = {"n_stocks": 60, "n_months": 14, "n_characteristics": 5, "seed": 3, "start": "2001-01"}


def readme_example(*keys):
    """The one README example that sets all of `keys` (top level, or under panel)."""
    found = [example for example in README_EXAMPLES if set(keys) <= set(example) | set(example.get("panel") or {})]
    assert len(found) == 1, f"README.md should have one --vars / VARS= example setting {keys}; found {found}"
    return found[0]


def project_vars():
    """Every var the project reads: declared in dbt_project.yml, or read by name in its models,
    macros or Python models' YAML."""
    declared = set(yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"])
    read = {name for folder in ("models", "macros", "python_models") for path in (PROJECT_DIR / folder).rglob("*")
            if path.suffix in (".sql", ".yml") for name in re.findall(r"\bvar\(\s*'(\w+)'", path.read_text(encoding="utf-8"))}
    return declared | read


def panel_keys():
    """The keys of the dbt var panel: those of the var panel_defaults."""
    return set(PROJECT_VARS["panel_defaults"])


def test_every_readme_example_sets_only_settings_the_project_reads():
    assert len(README_EXAMPLES) >= 7
    known_vars, known_panel_keys = project_vars(), panel_keys()
    for example in README_EXAMPLES:
        assert isinstance(example, dict), f"README example {example!r} is not a YAML mapping"
        assert set(example) <= known_vars, f"README example {example} sets {set(example) - known_vars}, no var of the project"
        assert set(example.get("panel") or {}) <= known_panel_keys, f"README example {example} sets an unknown panel key"


@pytest.fixture(scope="module")
def settings_example(tmp_path_factory):
    """The README's settings example built on the real 2018 sample: (dbt's result, the warehouse)."""
    example = readme_example("portfolio_count", "sort_grouping", "alpha_method")
    database = tmp_path_factory.mktemp("readme_settings") / "warehouse.duckdb"
    result = run_dbt(["build", *SETTINGS_BUILD], database=database, dbt_vars={"kaggle_dir": str(KAGGLE_SAMPLE_DIR), **example})
    assert result.success, f"the README's settings example {example} does not build: {result.exception or result.result}"
    connection = duckdb.connect(str(database), read_only=True)
    yield result, connection
    connection.close()


def test_every_unit_test_passes_under_the_settings_example(settings_example):
    result, _ = settings_example
    statuses = {item.node.name: str(item.status) for item in result.result.results if item.node.resource_type == "unit_test"}
    assert sorted(statuses) == sorted(unit_tests()), "a unit test did not run in the build of the README's example"
    assert set(statuses.values()) == {"pass"}


def test_the_settings_example_makes_sector_neutral_quintiles_of_sector_mean_alpha(settings_example):
    _, warehouse = settings_example
    assert warehouse.sql("select distinct portfolio_count, grouping from factor_portfolio_alpha").fetchall() == [(5, "sector")]
    assert warehouse.sql("select min(portfolio), max(portfolio) from factor_portfolios").fetchone() == (1, 5)
    assert warehouse.sql("select distinct grouping from factor_summary").fetchall() == [("sector",)]
    assert warehouse.sql("select distinct alpha_method from stock_periods").fetchall() == [("sector_mean",)]
    largest_sector_mean = warehouse.sql("""
        select max(abs(mean_alpha)) from (
            select avg(alpha) as mean_alpha from stock_periods where alpha is not null group by period, sector)""").fetchone()[0]
    assert largest_sector_mean == pytest.approx(0, abs=1e-9)
    read = settings(warehouse, read_directly=True)
    assert read["stock_periods"]["alpha_method"] == '"sector_mean"'
    assert read["int_factor_sorts__portfolios"] == {"portfolio_count": "5", "sort_grouping": '"sector"'}
    assert setting_disagreements(warehouse) == []


def jkp_shaped(directory):
    """A wide Parquet panel with Jensen-Kelly-Pedersen's columns the README's example names: the
    sector in gics, and text or identifier columns excntry, gvkey, permno and size_grp."""
    demo = write_panel(directory / "demo.parquet", **PANEL_SIZE).path
    path = directory / "jkp" / "usa.parquet"
    path.parent.mkdir()
    duckdb.sql(f"""
        copy (select * exclude (sector), sector as gics, 'USA' as excntry, cast(id as varchar) as gvkey,
                     id + 10000 as permno, case when id % 2 = 0 then 'large' else 'small' end as size_grp
              from read_parquet('{demo}'))
        to '{path}' (format parquet)""")
    return path, f"{path.parent}/*.parquet"


def osap_shaped(directory):
    """A wide CSV panel with Open Source Asset Pricing's keys: permno, yyyymm, and the next month's
    return ret_lead1m in percent, no sector."""
    demo = write_panel(directory / "demo.parquet", **PANEL_SIZE).path
    path = directory / "osap" / "signals.csv"
    path.parent.mkdir()
    duckdb.sql(f"""
        copy (select * exclude (id, eom, ret_exc_lead1m, sector), id as permno,
                     cast(strftime(eom, '%Y%m') as integer) as yyyymm, 100 * ret_exc_lead1m as ret_lead1m
              from read_parquet('{demo}'))
        to '{path}' (format csv, header true)""")
    return path, str(path)


def build_panel_example(example, panel_path, database):
    """Build the core tables as `make build PANEL=panel_path VARS=example` does (factor_warehouse.cli.build
    puts the path into the var panel); returns (stock_periods rows, factor names)."""
    dbt_vars = {**example, "panel": {**example["panel"], "path": panel_path}}
    result = run_dbt(["build", *CORE_SELECTION], database=database, dbt_vars=dbt_vars)
    assert result.success, f"the README's panel example {example} does not build: {result.exception or result.result}"
    with duckdb.connect(str(database), read_only=True) as warehouse:
        rows = warehouse.sql("select stock_id, period_label, sector, return_pct from stock_periods").df()
        factors = {name for (name,) in warehouse.sql("select factor from factors").fetchall()}
    return rows, factors


def test_the_jkp_example_takes_the_sector_from_gics_and_leaves_out_the_excluded_columns(tmp_path):
    source, panel_path = jkp_shaped(tmp_path)
    rows, factors = build_panel_example(readme_example("sector_column", "exclude_columns"), panel_path,
                                        tmp_path / "warehouse.duckdb")
    file = duckdb.sql(f"select * from '{source}'").df()
    assert factors == set(file.columns) - {"id", "eom", "ret_exc_lead1m", "gics", "excntry", "gvkey", "permno", "size_grp"}
    assert set(rows["sector"].dropna()) == set(file["gics"].dropna()) and rows["sector"].isna().sum() == file["gics"].isna().sum()
    assert sorted(rows["return_pct"]) == pytest.approx(sorted(100 * file["ret_exc_lead1m"]))


def test_the_osap_example_reads_permno_yyyymm_and_a_return_in_percent(tmp_path):
    source, panel_path = osap_shaped(tmp_path)
    rows, factors = build_panel_example(readme_example("id_column", "period_column", "return_unit"), panel_path,
                                        tmp_path / "warehouse.duckdb")
    file = duckdb.sql(f"select * from '{source}'").df()
    assert factors == set(file.columns) - {"permno", "yyyymm", "ret_lead1m"}
    assert sorted(zip(rows["stock_id"], rows["period_label"])) == sorted(
        zip(file["permno"].astype(str), file["yyyymm"].astype(str).str[:4] + "-" + file["yyyymm"].astype(str).str[4:]))
    assert sorted(rows["return_pct"]) == pytest.approx(sorted(file["ret_lead1m"]))  # percent: not multiplied by 100
    assert rows["sector"].isna().all()
