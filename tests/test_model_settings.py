"""Table model_settings (macros/model_settings.sql, dbt's on-run-end hook): which var values built
which table. A full build records, for every model, the vars it reads and those that shaped the
tables under it, all agreeing; a rebuild of one model with another value replaces that model's rows
and no others, survives the build runner's copy-and-swap, and the report warns about the
disagreement. And every dbt unit test pins each var its model reads, so no setting given to a
build can change what a unit test computes."""

import re
import shutil

import duckdb
import pytest
import yaml

from factor_warehouse.cli import build as build_runner
from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.paths import PROJECT_DIR
from factor_warehouse.report.document import settings_warnings
from factor_warehouse.report.facts import SettingDisagreement, setting_disagreements
from tests.conftest import KAGGLE_SAMPLE_DIR

ALL_SETTINGS = "select model, var, value, read_directly, built_at from model_settings order by all"
REBUILT = "factor_long_short_returns"


def unit_tests(input_source="kaggle"):
    """Every dbt unit test of the project's model paths that a build on `input_source` runs (another
    source's staging models are disabled, and their unit tests with them; so are the example user
    factors, built only when the var user_factors names them, and the tests of them or enabled with
    them): {name: (model, the vars its overrides pin)}."""
    model_paths = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["model-paths"]
    user_factors = {path.stem for path in (PROJECT_DIR / "models" / "user_factors").glob("*.sql")}
    found = {}
    for model_path in model_paths:
        for path in sorted((PROJECT_DIR / model_path).rglob("*.yml")):
            folders = path.relative_to(PROJECT_DIR).parts[:-1]
            if folders[:2] == ("models", "staging") and len(folders) > 2 and folders[2] != input_source:
                continue
            for test in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests") or []:
                if test["model"] in user_factors or "enabled" in (test.get("config") or {}):
                    continue
                found[test["name"]] = (test["model"], set(((test.get("overrides") or {}).get("vars") or {})))
    return found


def settings(connection, read_directly=None):
    """{model: {var: value}} of model_settings, of the rows read directly (True), inherited (False) or all."""
    found = {}
    for model, var, value, directly, _ in connection.execute(ALL_SETTINGS).fetchall():
        if read_directly is None or directly == read_directly:
            found.setdefault(model, {})[var] = value
    return found


def test_a_full_build_records_the_vars_each_model_reads_with_their_values(kaggle_sample_warehouse):
    read = settings(kaggle_sample_warehouse, read_directly=True)
    assert read["stock_periods"] == {"alpha_method": "null", "panel": "null"}
    assert read["int_factor_sorts__portfolios"] == {"portfolio_count": "2", "sort_grouping": '"period"'}
    schemes = {"portfolio_schemes": '[{"name": "equal"}]'}
    assert read["int_factor_sorts__breakpoints"] == {"portfolio_count": "2", **schemes}  # through a macro calling a macro
    assert read["int_factor_evaluation__settings"] == {"ic_horizons": "null", "newey_west_lags": "null", **schemes}
    assert read["stg_kaggle__build_facts"] == {"kaggle_dir": f'"{KAGGLE_SAMPLE_DIR}"', "panel": "null"}
    # a Python model: the config keys its code reads, with the values its YAML gave them
    assert read["factor_mic"] == {"mic_estimator": '"mic_e"', "mic_alpha": "0.6", "mic_c": "15", "mic_engine": '"numba"',
                                  "mic_workers": "null", "mic_min_rows": "30", "mic_progress_seconds": "10"}
    assert "factor_median_split_alpha" not in read  # reads no var itself


def test_a_full_build_records_the_vars_that_shaped_the_tables_under_each_model(kaggle_sample_warehouse):
    inherited = settings(kaggle_sample_warehouse, read_directly=False)
    # alpha comes from stock_periods; J and the grouping from the portfolios; the horizons through a view
    # and the user factors and adjustments from factor_values
    # and the input (its directory, through the contract's build_facts, which names stocks and periods)
    input_vars = {"panel": "null", "kaggle_dir": f'"{KAGGLE_SAMPLE_DIR}"'}
    user_factor_vars = {"factor_adjustments": "{}", "user_factors": "[]"}
    assert inherited["factor_summary"] == {"alpha_method": "null", "portfolio_count": "2", "sort_grouping": '"period"',
                                           "ic_horizons": "null", "newey_west_lags": "null",
                                           "portfolio_schemes": '[{"name": "equal"}]', **input_vars,
                                           **user_factor_vars}
    assert inherited["factor_mic"] == {"alpha_method": "null", **input_vars, **user_factor_vars}
    assert inherited["build_facts"] == input_vars
    assert "stg_kaggle__build_facts" not in inherited


def test_a_full_build_agrees_with_itself(kaggle_sample_warehouse):
    assert setting_disagreements(kaggle_sample_warehouse) == []
    assert settings_warnings(kaggle_sample_warehouse) == []
    assert kaggle_sample_warehouse.sql("select count(distinct built_at) from model_settings").fetchone() == (1,)


@pytest.fixture(scope="module")
def rebuilt_with_three_portfolios(kaggle_sample_database, tmp_path_factory):
    """A copy of the Kaggle sample warehouse after the build runner's copy-and-swap of `dbt build
    --select factor_long_short_returns --vars '{portfolio_count: 3}'`; returns (before, after) connections."""
    database = tmp_path_factory.mktemp("rebuilt") / "warehouse.duckdb"
    shutil.copyfile(kaggle_sample_database, database)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_runner, "run_dbt", lambda args, **options: run_dbt([*args, "--select", REBUILT], **options))
        build_runner.build_warehouse(database, {"kaggle_dir": str(KAGGLE_SAMPLE_DIR), "portfolio_count": 3})
    before = duckdb.connect(str(kaggle_sample_database), read_only=True)
    after = duckdb.connect(str(database), read_only=True)
    yield before, after
    before.close()
    after.close()


def test_a_rebuild_replaces_the_rows_of_the_model_it_built_and_no_others(rebuilt_with_three_portfolios):
    before, after = rebuilt_with_three_portfolios
    rows_before, rows_after = before.execute(ALL_SETTINGS).fetchall(), after.execute(ALL_SETTINGS).fetchall()
    assert [row for row in rows_after if row[0] != REBUILT] == [row for row in rows_before if row[0] != REBUILT]
    rebuilt = {row[1]: row for row in rows_after if row[0] == REBUILT}
    assert rebuilt["portfolio_count"][2:4] == ("3", True)
    assert rebuilt["sort_grouping"][2:4] == ('"period"', False)  # from factor_portfolio_alpha, not rebuilt
    assert rebuilt["portfolio_count"][4] > next(row[4] for row in rows_before if row[0] == REBUILT)
    assert settings(after)["factor_summary"]["portfolio_count"] == "2"  # built before, from J = 2


def test_the_report_warns_that_tables_were_built_with_different_values(rebuilt_with_three_portfolios):
    before, after = rebuilt_with_three_portfolios
    with_two = tuple(sorted(model for model, values in settings(before).items()
                            if "portfolio_count" in values and model != REBUILT))
    assert setting_disagreements(after) == [SettingDisagreement("portfolio_count", (("2", with_two), ("3", (REBUILT,))))]
    [warning] = settings_warnings(after)
    assert f"different values of portfolio_count: 2 ({', '.join(with_two)}); 3 ({REBUILT})." in warning
    assert "rebuild them all with one value (`make build`" in warning


def test_every_unit_test_pins_each_var_its_model_reads(kaggle_sample_warehouse):
    read = settings(kaggle_sample_warehouse, read_directly=True)
    built = {name for (name,) in kaggle_sample_warehouse.sql("select table_name from information_schema.tables").fetchall()}
    tests = unit_tests()
    assert tests, "no unit_tests: found in the YAML of the model paths"
    for name, (model, pinned) in tests.items():
        assert model in built, f"unit test {name}: its model {model} is not in the Kaggle sample warehouse to check"
        missing = set(read.get(model, {})) - pinned
        assert not missing, (f"unit test {name} does not pin {sorted(missing)}, which {model} reads: add them under its "
                             f"overrides: vars:, so that a build with other values does not change what it tests")


def test_every_var_a_model_can_reach_is_named_in_its_call():
    """model_settings finds vars by name (var('name' ...)); a var read by a computed name is allowed
    only in macros no model reaches, e.g. data_loss_budget, which only the data tests call."""
    macros = {}
    for path in (PROJECT_DIR / "macros").glob("*.sql"):
        for name, body in re.findall(r"{%-?\s*macro\s+(\w+)\((.*?){%-?\s*endmacro", path.read_text(encoding="utf-8"), re.S):
            macros[name] = body
    computed = {name for name, body in macros.items() if re.search(r"\bvar\(\s*[^'\"\s]", body)}
    assert "data_loss_budget" in computed  # the check can see one
    reached, texts = set(), [path.read_text(encoding="utf-8") for folder in ("models", "python_models")
                             for path in (PROJECT_DIR / folder).rglob("*") if path.suffix in (".sql", ".py", ".yml")]
    while texts:
        called = {name for name in re.findall(r"(\w+)\s*\(", texts.pop()) if name in macros} - reached
        reached |= called
        texts += [macros[name] for name in called]
    assert not computed & reached, (
        f"macros {sorted(computed & reached)} read a var by a computed name and a model reaches them, so model_settings "
        f"cannot see which var: name the var in the call, var('...')")
