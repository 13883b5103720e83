"""The dbt folders follow the data one way: every model reads only models of its own stage or of
an earlier one, so a table of a later stage never feeds a table in an earlier folder. The DAG is
dbt's own, parsed with every user factor model switched on (their refs depend on a var)."""

from pathlib import Path

import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.paths import PROJECT_DIR

# folder -> stage, in the order the data flows; folders of one stage may read each other
STAGES = {
    "models/staging": 0,  # and its folder per source
    # the user factors read the checked cells and int_user_factor_values joins them back
    "models/intermediate": 1,
    "models/user_factors": 1,
    "models/marts/core": 2,
    "models/intermediate/factor_sorts": 3,
    "models/intermediate/research": 3,  # the ranks the Python models read, by the core marts' names
    "models/marts/factor_sorts": 4,
    "models/intermediate/factor_evaluation": 5,
    "models/marts/factor_evaluation": 6,
    "python_models/mic": 7,
    "python_models/alpha_models": 7,
    # statistics across periods; fama_macbeth reads the top-k factors of factor_f_scores
    "python_models/evaluation": 8,
    "python_models/factor_sorts": 8,  # factor_scheme_summary: the long-short series of every scheme
}


@pytest.fixture(scope="module")
def model_reads(tmp_path_factory):
    """{model's folder and name: [(folder, name) of each model it refs]}, from `dbt parse`."""
    user_factors = sorted(path.stem for path in (PROJECT_DIR / "models" / "user_factors").glob("*.sql"))
    result = run_dbt(["parse"], database=tmp_path_factory.mktemp("parse") / "warehouse.duckdb",
                     dbt_vars={"user_factors": user_factors})
    assert result.success, result.exception
    models = {unique_id: node for unique_id, node in result.result.nodes.items() if node.resource_type == "model"}

    def place(node):
        return str(Path(node.original_file_path).parent), node.name

    return {place(node): [place(models[parent]) for parent in node.depends_on.nodes if parent in models]
            for node in models.values()}


def stage(folder):
    return STAGES["models/staging"] if Path(folder).parent == Path("models/staging") else STAGES.get(folder)


def test_every_model_folder_has_a_stage(model_reads):
    folders = {folder for folder, _ in model_reads}
    assert [folder for folder in sorted(folders) if stage(folder) is None] == []
    assert set(STAGES) - {"models/staging"} <= folders


def test_no_model_reads_a_later_stage(model_reads):
    back_edges = [f"{child_folder}/{child} reads {parent_folder}/{parent}"
                  for (child_folder, child), parents in model_reads.items()
                  for parent_folder, parent in parents
                  if stage(parent_folder) > stage(child_folder)]
    assert back_edges == []
    # the user factors are read: their refs are in the DAG
    assert any(folder == "models/user_factors" for parents in model_reads.values() for folder, _ in parents)
