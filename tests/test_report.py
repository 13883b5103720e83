"""The research report (factor_warehouse.report) rendered from the demo warehouse, and the
dbt docs: every figure drawn, every run fact equal to its SQL source, nothing fetched from
the network, an absent factor or table explained in its panel, docs generated offline."""

import base64
import io
import json
import re
import shutil
import socket
from html.parser import HTMLParser

import duckdb
import numpy as np
import pytest
from matplotlib.image import imread

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.report.document import render
from factor_warehouse.report.facts import run_facts

FIGURE_COUNT = 8
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ReportParser(HTMLParser):
    """Collects each <figure id="figure-N">'s image sources and paragraphs by class, and
    the run-facts table's value cells by their data-fact key."""

    def __init__(self):
        super().__init__()
        self.figures = {}
        self.facts = {}
        self.sources = []  # every src= in the document
        self.figure = None
        self.fact = None
        self.capture = None  # (kind, key) of the element whose text is being read
        self.text = []

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if "src" in attributes:
            self.sources.append(attributes["src"])
        if tag == "figure":
            self.figure = attributes["id"]
            self.figures[self.figure] = {"images": [], "empty": [], "note": [], "text": []}
        elif tag == "img" and self.figure:
            self.figures[self.figure]["images"].append(attributes["src"])
        elif tag == "p" and self.figure and attributes.get("class") in ("empty", "note"):
            self.capture, self.text = ("figure", attributes["class"]), []
        elif tag == "tr" and "data-fact" in attributes:
            self.fact = attributes["data-fact"]
        elif tag == "td" and self.fact and attributes.get("class") == "value":
            self.capture, self.text = ("fact", self.fact), []

    def handle_data(self, data):
        if self.figure:
            self.figures[self.figure]["text"].append(data)
        if self.capture:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag in ("p", "td") and self.capture:
            kind, key = self.capture
            if kind == "figure":
                self.figures[self.figure][key].append("".join(self.text))
            else:
                self.facts[key] = "".join(self.text)
            self.capture = None
        elif tag == "figure":
            self.figure = None
        elif tag == "tr":
            self.fact = None


def parse(document):
    parser = ReportParser()
    parser.feed(document)
    return parser


def decoded_png(source):
    prefix = "data:image/png;base64,"
    assert source.startswith(prefix), f"image source is not an embedded PNG: {source[:40]!r}"
    return base64.b64decode(source[len(prefix):], validate=True)


@pytest.fixture(scope="module")
def demo_report(demo_database, tmp_path_factory):
    output = tmp_path_factory.mktemp("report") / "report.html"
    assert render(demo_database, output, build_seconds=83.4) == output
    return output.read_text(encoding="utf-8")


def test_each_of_the_eight_figures_is_an_embedded_non_blank_png(demo_report):
    figures = parse(demo_report).figures
    assert sorted(figures) == [f"figure-{number}" for number in range(1, FIGURE_COUNT + 1)]
    for name, figure in figures.items():
        assert figure["empty"] == [], f"{name} is empty on the demo warehouse: {figure['empty']}"
        assert len(figure["images"]) == 1, f"{name} has {len(figure['images'])} images"
        png = decoded_png(figure["images"][0])
        assert png.startswith(PNG_SIGNATURE)
        pixels = imread(io.BytesIO(png))
        assert pixels.shape[0] > 200 and pixels.shape[1] > 200, f"{name} is only {pixels.shape}"
        assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 10, f"{name} is a blank image"


def expected_facts(connection, build_time):
    """Each run fact from its own query, written independently of factor_warehouse.report."""

    def one(sql):
        return connection.execute(sql).fetchone()[0]

    def listed(sql):
        return ", ".join(str(row[0]) for row in connection.execute(sql).fetchall())

    expected = {
        "source_files": listed("select distinct source_file from stock_years order by 1"),
        "fiscal_years": listed("select distinct fiscal_year from stock_years order by 1"),
        "stock_years_loaded": one("select count(*) from stock_years"),
        "stock_years_with_alpha": one("select count(*) from stock_years where alpha is not null"),
        "factors": one("select count(distinct factor) from factors"),
        "factor_values_loaded": one("select count(*) from factor_values"),
        "rows_quarantined": one("select count(*) from quarantined_inputs where rejected = 'row'"),
        "values_quarantined": one("select count(*) from quarantined_inputs where rejected = 'value'"),
        "alpha_method": listed("select distinct alpha_method from stock_years order by 1"),
        "portfolio_count": listed("select distinct portfolio_count from factor_portfolio_alpha order by 1"),
        "sort_grouping": listed("select distinct grouping from factor_portfolio_alpha order by 1"),
        "mic_estimator": listed(
            "select distinct estimator || ' (alpha=' || alpha_param || ', c=' || c_param || ')' from factor_mic"
        ),
        "top_k": one("select count(*) from factor_f_scores where is_top_k"),
        "build_time": build_time,
        "data_source": listed("select data_source || coalesce(' in ' || kaggle_dir, '') from build_facts"),
        "data_loss": "; ".join(f"{year}: {summary}" for year, summary in connection.execute(
            "select fiscal_year, loss_summary from data_loss order by fiscal_year").fetchall()),
    }
    return expected


def test_every_run_fact_equals_its_sql_source(demo_report, demo_warehouse):
    facts = parse(demo_report).facts
    expected = expected_facts(demo_warehouse, "83.4 s")
    assert sorted(facts) == sorted(expected), "a run fact is shown without a check here, or the reverse"
    for key, value in expected.items():
        shown = facts[key].replace(",", "") if isinstance(value, int) else facts[key]
        assert shown == str(value), f"run fact {key}: report shows {facts[key]!r}, SQL gives {value!r}"
    assert int(facts["stock_years_loaded"].replace(",", "")) > 0


def test_build_time_not_passed_in_is_not_recorded(demo_warehouse):
    facts = {fact.key: fact.value for fact in run_facts(demo_warehouse, build_seconds=None)}
    assert facts["build_time"] == "not recorded"


def test_the_report_references_nothing_on_the_network(demo_report):
    lowered = demo_report.lower()
    for reference in ("http://", "https://", "//cdn", "@import", "url(", "<script", "<link"):
        assert reference not in lowered, f"the report contains {reference!r}"
    sources = parse(demo_report).sources
    assert sources, "no image sources found at all"
    assert all(source.startswith("data:") for source in sources), [s[:40] for s in sources if not s.startswith("data:")]
    assert re.findall(r"href\s*=", lowered) == []


@pytest.fixture(scope="module")
def degraded_report(demo_database, tmp_path_factory):
    """The demo warehouse without the ROE factor (as if the input had no ROE column), without
    the learning-curve table, and with a column of alpha_predictions renamed, rendered."""
    directory = tmp_path_factory.mktemp("degraded")
    database = directory / "warehouse.duckdb"
    shutil.copyfile(demo_database, database)
    with duckdb.connect(str(database)) as connection:
        tables = connection.execute(
            """
            select tables.table_name
            from information_schema.tables as tables
            inner join information_schema.columns as columns
                on tables.table_schema = columns.table_schema and tables.table_name = columns.table_name
            where tables.table_schema = 'main' and tables.table_type = 'BASE TABLE' and columns.column_name = 'factor'
            """
        ).fetchall()
        for (table,) in tables:
            connection.execute(f'delete from "{table}" where factor = ?', ["ROE"])
        connection.execute("drop table alpha_learning_curve")
        connection.execute("alter table alpha_predictions rename column predicted to prediction")
        assert connection.execute("select count(*) from factor_values where factor = 'ROE'").fetchone()[0] == 0
    output = render(database, directory / "report.html")
    return parse(output.read_text(encoding="utf-8")).figures


def test_a_missing_factor_is_explained_in_its_panel(degraded_report):
    regression_lines = degraded_report["figure-5"]
    assert len(regression_lines["images"]) == 1, "PE ratio and the top factor should still be drawn"
    assert any("'ROE'" in note and "no 'ROE' column" in note for note in regression_lines["note"]), regression_lines


def test_a_missing_table_or_column_empties_only_its_panel(degraded_report):
    learning_curve, predictions = degraded_report["figure-7"], degraded_report["figure-6"]
    assert learning_curve["images"] == [] and predictions["images"] == []
    assert learning_curve["empty"][0].startswith("This panel is empty: table alpha_learning_curve is not in the warehouse")
    assert "query failed" in predictions["empty"][0] and '"predicted" not found' in predictions["empty"][0]
    others = [name for name in degraded_report if name not in ("figure-6", "figure-7")]
    assert all(len(degraded_report[name]["images"]) == 1 for name in others)


def test_a_single_year_warehouse_renders_and_says_what_needs_more_years(kaggle_sample_database, tmp_path):
    figures = parse(render(kaggle_sample_database, tmp_path / "report.html").read_text(encoding="utf-8")).figures
    assert len(figures) == FIGURE_COUNT
    for name in ("figure-2", "figure-8"):  # t-statistics across years, walk-forward
        assert figures[name]["images"] == []
        assert "this warehouse has 1 (2018)" in figures[name]["empty"][0], figures[name]
    assert len(figures["figure-1"]["images"]) == 1


def test_render_names_a_missing_warehouse_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="make build"):
        render(tmp_path / "absent.duckdb", tmp_path / "report.html")


# ----------------------------------------------------------------------------- dbt docs


@pytest.fixture(scope="module")
def generated_docs(demo_database, tmp_path_factory):
    """`dbt docs generate --static` on a copy of the demo warehouse with every network connection
    refused. --static also writes static_index.html, manifest and catalog inlined, which a browser
    opens from disk (index.html fetches the JSON files, which browsers refuse on file:// URLs)."""
    directory = tmp_path_factory.mktemp("docs")
    database = directory / "warehouse.duckdb"
    shutil.copyfile(demo_database, database)
    target = directory / "target"

    def refuse(*args, **kwargs):
        raise OSError("network access is disabled in this test")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        result = run_dbt(["docs", "generate", "--static", "--target-path", str(target)], database=database)
    assert result.success, f"dbt docs generate failed: {result.exception}"
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    models = {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    return models, catalog, target


def test_docs_generate_offline_and_catalog_every_model(generated_docs):
    models, catalog, target = generated_docs
    assert (target / "index.html").exists()
    static_page = (target / "static_index.html").read_text(encoding="utf-8")
    assert all(key in static_page for key in models), "static_index.html lacks a model of the manifest"
    assert len(models) > 10
    missing = sorted(set(models) - set(catalog["nodes"]))
    assert missing == [], f"models missing from target/catalog.json: {missing}"


def test_every_model_and_column_has_a_description(generated_docs):
    models, catalog, _ = generated_docs
    undescribed = []
    for key, node in sorted(models.items()):
        where = node.get("patch_path") or node["original_file_path"]
        if not node["description"].strip():
            undescribed.append(f"model {node['name']} ({where})")
        described = {name.lower() for name, column in node["columns"].items() if column["description"].strip()}
        for column in catalog["nodes"].get(key, {"columns": {}})["columns"]:
            if column.lower() not in described:
                undescribed.append(f"column {node['name']}.{column} ({where})")
    assert undescribed == [], "add a description in the model's YAML for: " + "; ".join(undescribed)
