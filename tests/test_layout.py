"""The package's layering (factor_warehouse/__init__.py): each layer imports only the layers
before it, no module imports in a circle, and nothing installed imports the benchmarks."""

import ast
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "factor_warehouse"
# layer -> the project layers its modules may import (besides their own)
ALLOWED = {
    "paths": set(),
    "sources": {"paths"},
    "research": {"paths"},
    "execution": {"paths", "research"},
    "report": {"paths"},
    "cli": {"paths", "sources", "research", "execution", "report"},
}
# libraries of DuckDB sessions and threads, which live in execution/, never in research/
INFRASTRUCTURE_LIBRARIES = ("duckdb", "threading", "concurrent", "_thread", "multiprocessing")


def module_name(path):
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path):
    """Absolute names of every module (and module.name) imported by the file at `path`."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
            names.add(node.module)
    return names


def project_imports(path):
    """Absolute names of the project modules (and benchmarks) imported by the file at `path`."""
    return {name for name in imports(path) if name.split(".")[0] in ("factor_warehouse", "benchmarks")}


def layer(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


MODULES = {module_name(path): project_imports(path) for path in sorted(PACKAGE_DIR.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports_only_earlier_layers(module):
    own = layer(module)
    for imported in MODULES[module]:
        assert not imported.startswith("benchmarks"), f"{module} imports {imported}: benchmarks are not installed"
        target = layer(imported)
        if own is None or target is None or target == own:
            continue
        assert target in ALLOWED[own], f"{module} ({own}) imports {imported} ({target}); allowed: {ALLOWED[own]}"


def test_no_import_cycle():
    modules = set(MODULES)
    graph = {
        module: {name for name in imports if name in modules and name != module}
        for module, imports in MODULES.items()
    }
    visiting, done = set(), set()

    def visit(module, trail):
        if module in done:
            return
        assert module not in visiting, "import cycle: " + " -> ".join([*trail, module])
        visiting.add(module)
        for imported in graph[module]:
            visit(imported, [*trail, module])
        visiting.discard(module)
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_every_folder_says_what_lives_there():
    for init in PACKAGE_DIR.rglob("__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 40, f"{init} has no docstring saying what lives in its folder"



@pytest.mark.parametrize("path", sorted((PACKAGE_DIR / "research").rglob("*.py")), ids=lambda path: path.name)
def test_research_imports_no_database_session_and_no_threads(path):
    infrastructure = sorted(name for name in imports(path) if name.split(".")[0] in INFRASTRUCTURE_LIBRARIES)
    assert not infrastructure, f"{path.name} imports {infrastructure}: move it to factor_warehouse/execution/"
