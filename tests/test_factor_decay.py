"""factor_decay and the factor-metadata CSV of the dbt var factor_publications on the demo panel:
the table against a pandas computation of Open Source Asset Pricing's split on the warehouse's own
long-short returns and the same CSV; a factor the warehouse lacks is a warning; a bad file stops the
build with its file and line. The phase edges are dbt unit tests (factor_decay's in
models/marts/factor_evaluation/_factor_evaluation__models.yml)."""

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.sources.panel_demo import write_panel
from tests.test_readme_settings import readme_example
from tests.test_readme_sql import BLOCKS

PANEL_SIZE = {"n_stocks": 200, "n_months": 36, "n_characteristics": 7, "seed": 3, "start": "2001-01"}
PANEL = {"id_column": "id", "period_column": "eom", "return_column": "ret_exc_lead1m", "sector_column": "sector"}
# be_me: every phase; ret_12_1: no publication date (in sample only); niq_su: no dates (absent);
# gp_at: a sample starting after the panel's first returns; not_a_factor: a warning
PUBLICATIONS = ["factor,sample_start,sample_end,publication_date,authors",
                "be_me,1990-01-01,2001-12-31,2002-06-30,Rosenberg et al.",
                "ret_12_1,1990-01-01,2002-03-31,,Jegadeesh and Titman",
                "niq_su,,,,",
                "gp_at,2001-07-01,2002-12-31,2003-05-31,Novy-Marx",
                "not_a_factor,1990-01-01,2000-12-31,2001-12-31,"]


def publication_vars(directory, path):
    """The README's factor_publications example on the demo panel in `directory` and the file at `path`."""
    example = readme_example("factor_publications")["factor_publications"]
    return {"panel": {"path": str(directory / "panel.parquet"), **PANEL}, "portfolio_count": 5,
            "factor_publications": {**example, "path": str(path)}}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(database, the publications file, dbt's result) of the project built on the demo panel."""
    directory = tmp_path_factory.mktemp("decay_panel")
    write_panel(directory / "panel.parquet", **PANEL_SIZE)
    path = directory / "publications.csv"
    path.write_text("\n".join(PUBLICATIONS) + "\n")
    database = directory / "warehouse.duckdb"
    result = run_dbt(["build"], database=database, dbt_vars=publication_vars(directory, path))
    assert result.success, result.exception or [r.message for r in result.result.results
                                                if r.status not in ("success", "pass", "warn")]
    return database, path, result


@pytest.fixture(scope="module")
def warehouse(built):
    connection = duckdb.connect(str(built[0]), read_only=True)
    yield connection
    connection.close()


def reference_decay(long_short, publications):
    """OSAP's split in pandas: a warehouse period's return is earned at the next month's end; in-sample
    from sample_start to sample_end, post-sample up to publication_date, then post-publication."""
    frame = long_short.dropna(subset=["long_short_return"]).merge(publications, on="factor")
    earned = frame["period"] + pd.offsets.MonthEnd(1)
    in_sample = (earned >= frame["sample_start"]) & (earned <= frame["sample_end"])
    post_sample = ~in_sample & (earned > frame["sample_end"]) & (earned <= frame["publication_date"])
    post_publication = ~in_sample & ~post_sample & (earned > frame["publication_date"])
    frame["phase"] = np.select([in_sample, post_sample, post_publication],
                               ["in_sample", "post_sample", "post_publication"], default="")
    grouped = frame[frame["phase"] != ""].groupby(["factor", "phase"])["long_short_return"]
    result = pd.DataFrame({"n_periods": grouped.count(), "mean": grouped.mean(), "sd": grouped.std(ddof=1)})
    result["t"] = result["mean"] / (result["sd"] / np.sqrt(result["n_periods"]))
    in_sample_mean = result.xs("in_sample", level="phase")["mean"]
    result["ratio"] = result["mean"] / in_sample_mean.reindex(result.index.get_level_values("factor")).to_numpy()
    return result


def test_decay_equals_pandas_on_the_primary_schemes_long_short_returns_and_the_same_file(warehouse, built):
    primary = warehouse.execute("select primary_scheme from int_factor_evaluation__settings").fetchone()[0]
    long_short = warehouse.execute("select factor, period, long_short_return from factor_long_short_returns "
                                   "where scheme = ?", [primary]).df()
    publications = pd.read_csv(built[1], parse_dates=["sample_start", "sample_end", "publication_date"])
    reference = reference_decay(long_short, publications)
    decay = warehouse.execute("select * from factor_decay").df().set_index(["factor", "phase"]).sort_index()
    assert list(decay.index) == list(reference.index)
    assert set(decay.index.get_level_values("factor")) == {"be_me", "ret_12_1", "gp_at"}
    assert set(decay.loc["be_me"].index) == {"in_sample", "post_sample", "post_publication"}
    assert list(decay.loc["ret_12_1"].index) == ["in_sample"]
    assert (decay["scheme"] == primary).all()
    assert decay["n_periods"].tolist() == reference["n_periods"].tolist()
    for mine, theirs in [("mean_long_short_return", "mean"), ("sd_long_short_return", "sd"),
                         ("t_statistic", "t"), ("ratio_to_in_sample", "ratio")]:
        assert decay[mine].to_numpy() == pytest.approx(reference[theirs].to_numpy(), rel=1e-12, abs=1e-14), mine


def test_the_readmes_decay_query_returns_every_phase(warehouse):
    [query] = [statement.query for block in BLOCKS for statement in duckdb.extract_statements(block)
               if "from factor_decay" in statement.query]
    rows = warehouse.sql(query).df()
    assert set(rows["phase"]) == {"in_sample", "post_sample", "post_publication"}


def test_a_factor_the_warehouse_lacks_is_a_warning(built):
    warned = [r for r in built[2].result.results if r.status == "warn"]
    assert [r.node.name for r in warned] == ["factor_publications_known_factors_stg_factor_publications__dates_"]
    assert warned[0].failures == 1


@pytest.mark.parametrize("lines, expected", [
    (["factor,sample_start,sample_end,publication_date", "be_me,1990-01-01,2001-12-31,2002-06-30",
      "gp_at,1990-01-01,2001-13-31,2002-06-30"],
     "line 3, column sample_end: '2001-13-31' does not read as a date yyyy-mm-dd"),
    (["factor,sample_start,sample_end,publication_date", "be_me,1990-01-01,2001-12-31,2002",
      "gp_at,1990-01-01,2001-12-31,2002-06-30"],
     "line 2, column publication_date: '2002' does not read as a date yyyy-mm-dd"),
    (["factor,sample_start,sample_end,publication_date", "be_me,1990-01-01,2001-12-31,2002-06-30",
      "be_me,1991-01-01,2001-12-31,2002-06-30"],
     "line 3: factor 'be_me' is given again (first on line 2)"),
    (["factor,sample_start,sample_end,publication_date", "be_me,2002-01-01,2001-12-31,2002-06-30"],
     "line 2: sample_end 2001-12-31 is before sample_start 2002-01-01"),
    (["Acronym,SampleStartYear,SampleEndYear,Year", "be_me,1990,2001,2002"],
     "has no columns 'factor', 'sample_start', 'sample_end', 'publication_date'; its columns are Acronym"),
])
def test_a_bad_publications_file_stops_the_build_with_its_file_and_line(built, tmp_path, lines, expected):
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(built[0], database)
    path = tmp_path / "publications.csv"
    path.write_text("\n".join(lines) + "\n")
    result = run_dbt(["build", "--select", "stg_factor_publications__dates"], database=database,
                     dbt_vars=publication_vars(built[0].parent, path))
    assert not result.success
    messages = " ".join(str(r.message) for r in result.result.results if r.status == "error") if result.result else ""
    messages = messages or str(result.exception)
    assert f"factor publications file {path}" in messages and expected in messages, messages
