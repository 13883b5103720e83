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
from matplotlib.container import BarContainer
from matplotlib.image import imread
from scipy import stats

from factor_warehouse.cli.dbt_runner import run_dbt
from factor_warehouse.report.document import render
from factor_warehouse.report.factor_sort_figures import figure_median_split_alpha, figure_spread_t_statistics
from factor_warehouse.report.facts import run_facts
from factor_warehouse.report.inference_figures import figure_alpha_against_raw_t, figure_posteriors_by_cluster
from factor_warehouse.report import model_figures
from factor_warehouse.report.mic_figures import LABELLED_IC_FACTORS, LABELLED_MIC_FACTORS, figure_mic_against_rank_ic
from factor_warehouse.report.model_figures import BINS, figure_regression_lines, figure_walk_forward_rank_ic

FIGURE_COUNT = 14
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


def test_each_figure_is_an_embedded_non_blank_png(demo_report):
    figures = parse(demo_report).figures
    assert sorted(figures, key=lambda name: int(name.split("-")[1])) == [
        f"figure-{number}" for number in range(1, FIGURE_COUNT + 1)]
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

    labels = [label for label, _ in connection.execute(
        "select distinct period_label, period from stock_periods order by period").fetchall()]
    expected = {
        "source_files": listed("select distinct source_file from stock_periods order by 1"),
        "periods": ", ".join(labels) if len(labels) <= 12 else f"{len(labels)} periods, {labels[0]} to {labels[-1]}",
        "stock_periods_loaded": one("select count(*) from stock_periods"),
        "stock_periods_with_alpha": one("select count(*) from stock_periods where alpha is not null"),
        "factors": one("select count(distinct factor) from factors"),
        "factor_values_loaded": one("select count(*) from factor_values"),
        "rows_quarantined": one("select count(*) from quarantined_inputs where rejected = 'row'"),
        "values_quarantined": one("select count(*) from quarantined_inputs where rejected = 'value'"),
        "alpha_method": listed("select distinct alpha_method from stock_periods order by 1"),
        "portfolio_count": listed("select distinct portfolio_count from factor_portfolio_alpha order by 1"),
        "sort_grouping": listed("select distinct grouping from factor_portfolio_alpha order by 1"),
        "mic_estimator": listed(
            "select distinct estimator || ' (alpha=' || alpha_param || ', c=' || c_param || ', engine ' || engine || ')' "
            "from factor_mic"
        ),
        "top_k": one("select count(*) from factor_f_scores where is_top_k"),
        "build_time": build_time,
        "data_source": listed("select data_source || coalesce(' in ' || coalesce(kaggle_dir, panel_path), '') from build_facts"),
        "data_loss": expected_data_loss(connection),
    }
    return expected


def expected_data_loss(connection):
    """Each period's loss_summary; with more than 12 periods, each year's sums in the same words."""
    losses = connection.execute("select * from data_loss order by period nulls last, source_file").df()
    if len(losses) <= 12:
        return "; ".join(f"{row.period_label or 'unreadable period'}: {row.loss_summary}" for row in losses.itertuples())
    losses["year"] = losses["period"].dt.year.astype("Int64").astype(str).replace("<NA>", "unreadable period")
    years = losses.groupby("year", sort=False)[
        ["input_rows", "quarantined_rows", "input_values", "quarantined_values", "rows_without_return"]].sum()
    return "; ".join(
        f"{year}: {row.quarantined_rows} of {row.input_rows} rows ({100 * row.quarantined_rows / row.input_rows:.1f}%) "
        f"and {row.quarantined_values} of {row.input_values} values "
        f"({100 * row.quarantined_values / row.input_values if row.input_values else 0:.1f}%) quarantined, "
        f"{row.rows_without_return} rows kept without a return"
        for year, row in years.iterrows())


def test_every_run_fact_equals_its_sql_source(demo_report, demo_warehouse):
    facts = parse(demo_report).facts
    expected = expected_facts(demo_warehouse, "83.4 s")
    assert sorted(facts) == sorted(expected), "a run fact is shown without a check here, or the reverse"
    for key, value in expected.items():
        shown = facts[key].replace(",", "") if isinstance(value, int) else facts[key]
        assert shown == str(value), f"run fact {key}: report shows {facts[key]!r}, SQL gives {value!r}"
    assert int(facts["stock_periods_loaded"].replace(",", "")) > 0


def test_build_time_not_passed_in_is_not_recorded(demo_warehouse):
    facts = {fact.key: fact.value for fact in run_facts(demo_warehouse, build_seconds=None)}
    assert facts["build_time"] == "not recorded"


def test_the_report_references_nothing_on_the_network(demo_report):
    # the embedded images' base64 text is left out: lowered, it can spell '//cdn' by chance
    lowered = re.sub(r"data:image/png;base64,[a-z0-9+/=]+", "data:image/png;base64,", demo_report.lower())
    assert len(lowered) < len(demo_report) / 10, "the images' base64 text should be most of the document"
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


def bars_and_half_widths(axis):
    """The axis's horizontal bars, and half the width of each one's error bar, bottom to top."""
    [bars] = [container for container in axis.containers if isinstance(container, BarContainer)]
    segments = bars.errorbar.lines[2][0].get_segments()
    return bars.patches, [(segment[1][0] - segment[0][0]) / 2 for segment in segments]


@pytest.fixture
def inference_tables():
    """An in-memory warehouse of the inference tables the figures read: four CAPM alphas, two of them
    Benjamini-Yekutieli discoveries (|t| 4 and 2.5), and posteriors in clusters 1 and 2."""
    connection = duckdb.connect()
    connection.execute("""
        create table factor_summary as
        select * from (values ('a', 3.5), ('b', -2.0), ('c', 1.5), ('d', 0.4)) as t(factor, long_short_nw_t)""")
    connection.execute("""
        create table factor_alphas as
        select 'capm' as model, 'long_short' as series, * from (values ('a', 4.0, 0.01), ('b', -2.5, 0.04),
            ('c', 1.0, 0.2), ('d', 0.5, null)) as t(factor, alpha_nw_t, alpha_by_q_value)
        union all select 'ff3', 'long_short', 'a', 9.0, 0.0001""")
    connection.execute("""
        create table factor_alpha_posteriors as
        select 'capm' as model, * from (values ('a', 2, 0.9, 0.7, 0.2, true, 0.01), ('b', 1, -0.5, -0.3, 0.1, true, 0.01),
            ('c', 1, 0.2, 0.1, 0.3, false, 0.01), ('d', 2, 0.1, 0.2, 0.25, false, 0.01))
            as t(factor, cluster, alpha, posterior_mean, posterior_standard_deviation, is_significant, significant_set_fdr)""")
    yield connection
    connection.close()


def test_alpha_t_is_drawn_against_raw_t_with_the_hurdles_and_the_by_threshold(inference_tables):
    drawn = figure_alpha_against_raw_t(inference_tables)
    axis = drawn.figure.axes[0]
    [points] = axis.collections
    np.testing.assert_allclose(points.get_offsets(), [[3.5, 4.0], [-2.0, -2.5], [1.5, 1.0], [0.4, 0.5]])
    levels = sorted({line.get_ydata()[0] for line in axis.lines if line.get_label() != "alpha t = raw t"})
    assert levels == [-3.0, -2.5, -1.96, 1.96, 2.5, 3.0]  # the smallest |t| of the discoveries: 2.5
    assert drawn.notes == ["CAPM alphas of 4 factors: 2 clear |t| > 1.96, 1 clear |t| > 3; "
                           "2 have a Benjamini-Yekutieli q-value at most 0.05"]


def test_posterior_means_are_drawn_by_cluster_with_normal_intervals(inference_tables):
    drawn = figure_posteriors_by_cluster(inference_tables)
    axis = drawn.figure.axes[0]
    means, alphas = axis.collections[1], axis.collections[2]
    # cluster 1 (b, c), then cluster 2 (d, a), each by posterior mean
    np.testing.assert_allclose(means.get_offsets()[:, 1], [-0.3, 0.1, 0.2, 0.7])
    np.testing.assert_allclose(alphas.get_offsets()[:, 1], [-0.5, 0.2, 0.1, 0.9])
    segments = axis.collections[0].get_segments()
    np.testing.assert_allclose([(segment[1][1] - segment[0][1]) / 2 for segment in segments],
                               stats.norm.ppf(0.975) * np.array([0.1, 0.3, 0.25, 0.2]))
    assert [label.get_text() for label in axis.get_xticklabels()] == ["cluster 1", "cluster 2"]
    assert list(axis.get_xticks()) == [0, 2]
    assert "2 of 4 factors have a sign probability of at least 0.975, with a false discovery rate of 0.0100" in drawn.notes[0]


def test_spread_intervals_use_the_student_t_critical_value_of_their_periods(demo_warehouse):
    axis = figure_spread_t_statistics(demo_warehouse).figure.axes[0]
    factors = [label.get_text().split("  t=")[0] for label in axis.get_yticklabels()]
    rows = demo_warehouse.execute(
        "select factor, mean_spread, spread_standard_deviation / sqrt(spread_periods) as standard_error, "
        "spread_periods from factor_summary where list_contains(?, factor)", [factors]).df().set_index("factor")
    rows = rows.loc[factors]
    assert set(rows["spread_periods"]) == {5}
    bars, half_widths = bars_and_half_widths(axis)
    np.testing.assert_allclose([bar.get_width() for bar in bars], rows["mean_spread"])
    np.testing.assert_allclose(half_widths, stats.t.ppf(0.975, 4) * rows["standard_error"])  # 2.78, not 2
    assert "95% interval: +/- 2.78 s.e. (Student t, 4 degrees of freedom)" in axis.get_xlabel()


def test_each_regression_line_is_drawn_over_the_mean_alpha_of_its_rank_bins(demo_warehouse):
    drawn = figure_regression_lines(demo_warehouse)
    for axis in drawn.figure.axes:
        factor = axis.get_title().split(" (")[0]
        rows = demo_warehouse.execute(
            "select factor_values.pct_rank, stock_periods.alpha from factor_values "
            "inner join stock_periods using (stock_id, period) where factor = ? and alpha is not null", [factor]).df()
        bins = rows.groupby(np.minimum(np.floor(rows["pct_rank"] * BINS), BINS - 1))
        np.testing.assert_allclose(axis.collections[0].get_offsets(),
                                   np.column_stack([bins["pct_rank"].mean(), bins["alpha"].mean()]))
        assert len(axis.collections[0].get_offsets()) > BINS / 2


def test_mic_points_are_numbered_and_named_in_a_table_beside_the_figure(demo_warehouse):
    drawn = figure_mic_against_rank_ic(demo_warehouse)
    data = demo_warehouse.execute(
        "select factor, mic, abs(mean_rank_ic) as absolute_rank_ic from factor_mic inner join factor_summary "
        "using (factor) where scope = 'pooled' and mean_rank_ic is not null").df()
    nonlinear = data.assign(gap=data["mic"] - data["absolute_rank_ic"]).nlargest(LABELLED_MIC_FACTORS, "gap")
    linear = data[~data["factor"].isin(nonlinear["factor"])].nlargest(LABELLED_IC_FACTORS, "absolute_rank_ic")
    labelled = [*nonlinear["factor"], *linear["factor"]]
    assert "Revenue Growth" in labelled[:LABELLED_MIC_FACTORS]  # the planted U shape
    assert [row[:2] for row in drawn.table.rows] == [(str(number), factor) for number, factor in
                                                      enumerate(labelled, start=1)]
    annotations = drawn.figure.axes[0].texts
    assert [text.get_text() for text in annotations] == [str(number) for number in range(1, len(labelled) + 1)]
    where = data.set_index("factor").loc[labelled]
    np.testing.assert_allclose([text.xy for text in annotations], where[["absolute_rank_ic", "mic"]].to_numpy())


def test_the_learning_curve_says_its_factors_were_chosen_on_all_rows(demo_report):
    caption = " ".join(parse(demo_report).figures["figure-7"]["text"])
    assert "top-k factors were chosen by f_regression on all rows, the validation folds included" in caption


def test_models_that_coincide_are_named_and_shifted_apart():
    connection = duckdb.connect()
    connection.execute("""
        create table alpha_model_metrics as
        select model, 'walk_forward' as evaluation, scope, 1 as n_periods, rank_ic
        from (values ('lasso', '2015', 0.100), ('lasso', '2016', 0.200), ('lasso', 'all', 0.150),
                     ('elastic_net', '2015', 0.101), ('elastic_net', '2016', 0.199), ('elastic_net', 'all', 0.150),
                     ('ridge', '2015', 0.050), ('ridge', '2016', 0.300), ('ridge', 'all', 0.175))
             as t(model, scope, rank_ic)""")
    drawn = figure_walk_forward_rank_ic(connection)
    assert drawn.notes == ["coinciding models: elastic_net and lasso differ by at most 0.0010 in every test year, so "
                           "their lines lie on each other; each model has its own marker and line style, and its "
                           "points are shifted a little sideways"]
    elastic_net, lasso, ridge = drawn.figure.axes[0].lines[:3]
    np.testing.assert_allclose(lasso.get_ydata(), [0.100, 0.200])
    assert all(first < second for first, second in zip(elastic_net.get_xdata(), lasso.get_xdata()))
    assert elastic_net.get_marker() != lasso.get_marker()


def test_render_names_a_missing_warehouse_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="make build"):
        render(tmp_path / "absent.duckdb", tmp_path / "report.html")


# ------------------------------------------------------- many periods (a synthetic monthly warehouse)


@pytest.fixture
def monthly_warehouse():
    """The few tables figures 1 and 8 and the run facts read, for 36 month ends (2014-2016):
    Market Cap's mean alpha above the median is the month's index 0..35, below it minus that."""
    connection = duckdb.connect()
    connection.execute("""
        create table stock_periods as
        select 'S' || stock as stock_id, month_end as period, strftime(month_end, '%Y-%m') as period_label,
               'panel.parquet' as source_file, 1.0 as alpha, 'market_mean' as alpha_method
        from (select last_day(date '2014-01-01' + to_months(month)) as month_end from range(36) as t(month)),
             range(3) as s(stock)""")
    connection.execute("""
        create table factor_median_split_alpha as
        select 'Market Cap' as factor, period, side, case side when 'above' then index else -index end as mean_alpha
        from (select distinct period, row_number() over (order by period) - 1 as index
              from (select distinct period from stock_periods)),
             (values ('above'), ('below')) as sides(side)""")
    connection.execute("""
        create table factor_summary as
        select 'Market Cap' as factor, 1.0 as mean_spread, 3.0 as spread_t_statistic, 1.0 as average_coverage""")
    connection.execute("""
        create table data_loss as
        select source_file, period, any_value(period_label) as period_label, 10 as input_rows,
               case when year(period) = 2015 then 1 else 0 end as quarantined_rows, 100 as input_values,
               2 as quarantined_values, 0 as rows_without_return, 'not used above 12 periods' as loss_summary
        from stock_periods group by all""")
    connection.execute("""
        create table alpha_model_metrics as
        select 'linear_topk' as model, 'walk_forward' as evaluation, scope, n_periods, 0.08 as mse, rank_ic
        from (values ('2015', 12, 0.10), ('2016', 12, 0.20), ('all', 24, 0.15)) as t(scope, n_periods, rank_ic)""")
    connection.execute("""
        create table alpha_predictions as
        select 'linear_topk' as model, evaluation, stock_id, period, alpha as actual, random() as predicted
        from stock_periods, (values ('in_sample'), ('walk_forward')) as t(evaluation)
        where evaluation = 'in_sample' or year(period) > 2014""")
    yield connection
    connection.close()


def tick_labels(axis):
    return [label.get_text() for label in axis.get_xticklabels()]


def test_many_periods_are_drawn_as_yearly_means_and_the_note_says_so(monthly_warehouse):
    drawn = figure_median_split_alpha(monthly_warehouse)
    axis = drawn.figure.axes[0]
    above, below = axis.lines[0], axis.lines[1]
    assert tick_labels(axis) == ["2014", "2015", "2016"]
    np.testing.assert_allclose(above.get_ydata(), [5.5, 17.5, 29.5])  # the mean of months 0..11, 12..23, 24..35
    np.testing.assert_allclose(below.get_ydata(), [-5.5, -17.5, -29.5])
    assert axis.get_xlabel() == "year of periods (mean over its periods)"
    assert any("36 periods" in note and "mean over the periods of one year" in note for note in drawn.notes), drawn.notes


def test_twelve_periods_or_fewer_are_drawn_one_by_one(monthly_warehouse):
    monthly_warehouse.execute("delete from factor_median_split_alpha where year(period) <> 2016")
    drawn = figure_median_split_alpha(monthly_warehouse)
    axis = drawn.figure.axes[0]
    assert tick_labels(axis) == [f"2016-{month:02d}" for month in range(1, 13)]
    np.testing.assert_allclose(axis.lines[0].get_ydata(), range(24, 36))
    assert axis.get_xlabel() == "period" and drawn.notes == []


def test_walk_forward_rank_ic_of_monthly_periods_is_one_point_per_year(monthly_warehouse):
    drawn = figure_walk_forward_rank_ic(monthly_warehouse)
    axis = drawn.figure.axes[0]
    assert tick_labels(axis) == ["2015", "2016"]
    np.testing.assert_allclose(axis.lines[0].get_ydata(), [0.10, 0.20])
    assert any("up to 12 periods" in note for note in drawn.notes), drawn.notes


def test_many_predictions_are_drawn_as_a_fixed_sample_and_the_note_says_so(monthly_warehouse, monkeypatch):
    monkeypatch.setattr(model_figures, "MOST_POINTS_DRAWN", 50)
    drawn = [model_figures.figure_actual_against_predicted(monthly_warehouse) for _ in range(2)]
    for axis, predictions in zip(drawn[0].figure.axes, (108, 72)):
        assert len(axis.collections[0].get_offsets()) == 50
        assert any(f"50 of its {predictions} predictions are drawn" in note for note in drawn[0].notes), drawn[0].notes
    for first, second in zip(drawn[0].figure.axes, drawn[1].figure.axes):
        np.testing.assert_array_equal(first.collections[0].get_offsets(), second.collections[0].get_offsets())


def test_run_facts_of_many_periods_give_their_range_and_the_loss_per_year(monthly_warehouse):
    facts = {fact.key: fact.value for fact in run_facts(monthly_warehouse, build_seconds=None)}
    assert facts["periods"] == "36 periods, 2014-01 to 2016-12"
    assert facts["data_loss"] == expected_data_loss(monthly_warehouse)
    assert facts["data_loss"].split("; ")[1] == (
        "2015: 12 of 120 rows (10.0%) and 24 of 1200 values (2.0%) quarantined, 0 rows kept without a return"
    )


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
        result = run_dbt(["docs", "generate", "--static", "--target-path", str(target)], database=database,
                         artifacts=True)
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
