"""Every setting's default is written once, in dbt_project.yml's vars: every `var(` call of the
project names a var declared there, and none carries a default of its own."""

import re
from pathlib import Path

import pytest

from tests.project_vars import PROJECT_VARS

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("models", "python_models", "macros", "tests/dbt")
# var('name', default) or var(name): the name (quoted, or an expression) and what follows it
VAR_CALL = re.compile(r"(?<![\w.])var\(\s*(?:'(\w+)'|\"(\w+)\"|(\w+))\s*([,)])")


def project_files():
    files = [path for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*")) if path.is_file()]
    return files + sorted(ROOT.glob("*.yml"))


def var_calls():
    """(file relative to the project, var name or None for a computed name, has a default)."""
    calls = []
    for path in project_files():
        for match in VAR_CALL.finditer(path.read_text(encoding="utf-8")):
            name = match.group(1) or match.group(2)
            calls.append((path.relative_to(ROOT).as_posix(), name, match.group(4) == ","))
    return calls


CALLS = var_calls()


def test_the_project_reads_its_vars():
    assert {name for _, name, _ in CALLS} >= {"mic_alpha", "alpha_models_top_k", "factor_duplicates_min_shared"}


@pytest.mark.parametrize("path, name, has_default", CALLS)
def test_every_var_is_declared_in_dbt_project_and_called_without_a_default(path, name, has_default):
    assert name is None or name in PROJECT_VARS, f"{path} reads var {name!r}: declare it in dbt_project.yml's vars"
    assert not has_default, (
        f"{path} gives var {name or '(computed name)'} a default: the default belongs in dbt_project.yml's vars")
