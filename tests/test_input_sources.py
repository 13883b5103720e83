"""The staging contract (models/staging/_staging__docs.md): nothing above staging asks which source
is configured, and a third input format is one staging folder plus one entry of the registry
(macro input_sources), from which every mart builds."""

import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from tests.conftest import PROJECT_DIR

TOY_STAGING = Path(__file__).resolve().parent / "toy_source" / "toy"
ABOVE_STAGING = ["models/intermediate", "models/marts", "models/user_factors", "python_models", "tests/dbt"]
# the research files beside the input (a factor-model CSV, publication dates) are one source each,
# whatever the input: their staging models are read directly
SOURCE_QUESTIONS = re.compile(r"input_model\(|input_sources?\(|panel_setting\(|panel_is_configured|var\('(panel|kaggle_dir)'\)"
                              r"|ref\('stg_(?!input__|factor_models__|factor_publications__)")
ITEMS = ["book_to_market", "momentum", "size"]


def test_nothing_above_staging_asks_which_source_is_configured():
    offenders = [f"{path.relative_to(PROJECT_DIR)}:{number}: {line.strip()}"
                 for folder in ABOVE_STAGING for path in sorted((PROJECT_DIR / folder).rglob("*"))
                 if path.suffix in (".sql", ".py", ".yml")
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if SOURCE_QUESTIONS.search(line)]
    assert not offenders, "above staging, read the views stg_input__<role> instead:\n" + "\n".join(offenders)


def write_toy_input(path, n_symbols=40, months=("2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06")):
    """A long CSV in a layout of its own: month, symbol, item, amount; the return is item next_return
    (decimal) and is driven by momentum, so the factor sorts have something to find."""
    rng = np.random.default_rng(7)
    lines = []
    for month in months:
        for symbol in (f"S{number:03d}" for number in range(n_symbols)):
            characteristics = dict(zip(ITEMS, rng.normal(size=len(ITEMS)).round(6)))
            next_return = round(0.01 * characteristics["momentum"] + 0.02 * rng.normal(), 6)
            lines += [(month, symbol, item, value) for item, value in characteristics.items()]
            lines.append((month, symbol, "next_return", next_return))
    frame = pd.DataFrame(lines, columns=["month", "symbol", "item", "amount"])
    frame.to_csv(path, index=False)
    return frame


@pytest.fixture(scope="module")
def toy_warehouse(tmp_path_factory):
    """This project copied with the toy source's staging folder and its registry entry added, built
    on a toy CSV: (the input frame, a connection to the warehouse)."""
    root = tmp_path_factory.mktemp("toy_project")
    project = root / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "macros", "models", "python_models", "data/seeds", "tests/dbt"):
        source = PROJECT_DIR / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    shutil.copytree(TOY_STAGING, project / "models" / "staging" / "toy")
    registry = project / "macros" / "input_sources.sql"
    text = registry.read_text(encoding="utf-8")
    entry = ("        'toy': {'chosen': var('toy_input') is not none,"
             " 'missing_benchmark': 'the toy input has no benchmark series'},\n")
    assert text.count("    {{- return({\n") == 1, "the registry's layout changed: update this test's entry"
    registry.write_text(text.replace("    {{- return({\n", "    {{- return({\n" + entry), encoding="utf-8")
    frame = write_toy_input(root / "toy.csv")
    database = root / "warehouse.duckdb"
    result = run_dbt(["build"], database=database, dbt_vars={"toy_input": str(root / "toy.csv")}, project_dir=project)
    assert result.success, f"the toy source does not build: {result.exception or result.result}"
    connection = duckdb.connect(str(database), read_only=True)
    yield frame, connection
    connection.close()


def test_every_mart_builds_from_a_third_source(toy_warehouse):
    _, connection = toy_warehouse
    empty = [name for (name,) in connection.sql(
        "select table_name from information_schema.tables where table_type = 'BASE TABLE'").fetchall()
        if connection.sql(f'select count(*) from "{name}"').fetchone()[0] == 0]
    built = {name for (name,) in connection.sql("select table_name from information_schema.tables").fetchall()}
    assert {"stock_periods", "factor_values", "factor_portfolios", "factor_ic", "factor_mic", "alpha_predictions"} <= built
    # the toy has no rejected input, no factor twins, no user factors and no publication dates: only these
    # tables may be empty
    assert set(empty) <= {"quarantined_inputs", "int_factor_cells_rejected", "factor_duplicates",
                          "int_user_factor_values", "stg_factor_publications__dates", "factor_decay"}, empty


def test_the_third_source_fills_the_contract_and_its_words_reach_the_marts(toy_warehouse):
    frame, connection = toy_warehouse
    returns = frame[frame["item"] == "next_return"]
    stock_periods = connection.sql("select stock_id, period_label, return_pct, alpha, alpha_method from stock_periods").df()
    assert len(stock_periods) == len(returns)
    merged = stock_periods.merge(returns, left_on=["stock_id", "period_label"], right_on=["symbol", "month"])
    assert np.allclose(merged["return_pct"], merged["amount"] * 100)
    # the toy has no benchmark series (its registry entry says so): alpha is against the month's mean
    assert set(stock_periods["alpha_method"]) == {"market_mean"}
    month_mean = merged.groupby("month")["return_pct"].transform("mean")
    assert np.allclose(merged["alpha"], merged["return_pct"] - month_mean)
    assert connection.sql("select count(*) from factor_values").fetchone()[0] == len(frame) - len(returns)
    assert connection.sql("select data_source from build_facts").fetchone()[0] == "toy long CSV"
    assert {name for (name,) in connection.sql("select factor from factors").fetchall()} == set(ITEMS)
