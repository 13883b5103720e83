"""The HTML assembly: the list of figures with their captions, each drawn (or its reason
for being empty) with the table it may carry, embedded as base64 PNGs after the run facts,
the statistics left null and why, and the duplicate factors left out of the figures, in one
self-contained file, headed by a warning for each setting the tables were built with
different values of. `render(database, output)` is the entry point; `write_report` takes a DuckDB connection
(the spark target's tables copied to the driver)."""

import base64
import html
import io
from pathlib import Path

import duckdb

from factor_warehouse.report.drawing import DOTS_PER_INCH, Drawn
from factor_warehouse.report.null_statistics import null_statistics
from factor_warehouse.report.facts import run_facts, setting_disagreements
from factor_warehouse.report.evaluation_figures import (figure_cumulative_long_short, figure_ic_decay,
                                                        figure_scheme_t_statistics, figure_t_statistics)
from factor_warehouse.report.inference_figures import figure_alpha_against_raw_t, figure_posteriors_by_cluster
from factor_warehouse.report.factor_sort_figures import (figure_median_split_alpha, figure_portfolio_alpha,
                                                         figure_spread_t_statistics)
from factor_warehouse.report.mic_figures import figure_mic_against_rank_ic
from factor_warehouse.report.model_figures import (figure_actual_against_predicted, figure_learning_curve,
                                                   figure_regression_lines, figure_walk_forward_rank_ic)
from factor_warehouse.report.queries import factor_twins, missing_tables_reason


FIGURES = (
    ("Alpha above and below the median, by period", figure_median_split_alpha,
     "The article's two alpha tables (filter_data_top / filter_data_below) for the strongest factors "
     "by spread t-statistic (with a single period, by |mean spread| among factors that half the stocks have), "
     "duplicates left out, and for Market Cap, the article's size example; with more than 12 periods, one point "
     "per year of periods, the mean over its periods; with a single period, bars. "
     "Sources: factor_median_split_alpha, stock_periods, factor_duplicates."),
    ("Strongest and weakest factors by spread t-statistic", figure_spread_t_statistics,
     "Mean high-minus-low spread of alpha across periods with its 95% confidence interval, +/- the Student t "
     "critical value for T - 1 degrees of freedom times the standard error (2.78 for T = 5 periods); "
     "t = mean / (sd / sqrt(T)), T the periods with a spread. "
     "q: Benjamini-Hochberg q-value of the factor's f_regression against alpha. With a single period there is "
     "no t across periods, and the one cross-section's slope of alpha on the factor's percentile rank is drawn "
     "instead, with its t (n - 2 degrees of freedom). Duplicate factors are left out. "
     "Sources: factor_summary, factor_f_scores (one period: factor_regressions), factor_duplicates."),
    ("Mean alpha by portfolio", figure_portfolio_alpha,
     "Portfolio mean alpha averaged over periods for the strongest factors and the top non-linear "
     "candidate: a monotone line is a linear effect, a U or a hump is not. Source: factor_portfolio_alpha."),
    ("MIC against |rank IC|", figure_mic_against_rank_ic,
     "Every factor but the duplicates; those high on MIC and low on |rank IC| carry a non-linear relation a "
     "linear screen misses. The numbered points are named in the table. "
     "Sources: factor_mic (scope 'pooled'), factor_summary, factor_duplicates."),
    ("Single-factor regression lines", figure_regression_lines,
     "alpha ~ pct_rank by least squares over the stock-periods where the factor exists, drawn over the factor's "
     "percentile range: the article's PE ratio and ROE lines and the factor with the largest |t| (not a duplicate "
     "of theirs). Behind each line, the mean alpha of 20 equal-width bins of the percentile rank (each about 5% "
     "of the stock-periods; fewer bins where many values tie), the data the line summarizes. Sources: factor_regressions, factor_values, "
     "stock_periods."),
    ("Actual against predicted alpha rank", figure_actual_against_predicted,
     "The article's LinearRegression on the top-k f-score factors, in-sample (as the article) and walk-forward "
     "(every period of a year predicted by a model fitted on the earlier years only, refitted once a year). "
     "Sources: alpha_predictions, alpha_model_metrics."),
    ("Learning curve", figure_learning_curve,
     "Mean train and validation RMSE over the cross-validation folds against the training set size, "
     "as the article's learning_curve. Its top-k factors were chosen by f_regression on all rows, the validation "
     "folds included (as in the article), so the validation error is optimistic. Source: alpha_learning_curve."),
    ("Walk-forward rank IC per test year", figure_walk_forward_rank_ic,
     "Spearman rank IC between predicted and actual alpha rank within each period, averaged over the periods of "
     "each test year of periods (one period a year for yearly data), per model; models whose lines coincide are "
     "named in a note. With periods in one year only, each model's in-sample rank IC instead. "
     "Source: alpha_model_metrics."),
    ("Cumulative long-short returns", figure_cumulative_long_short,
     "Running sum (percentage points, not compounded) of the long-short return, mean alpha of portfolio J minus "
     "portfolio 1, for the factors with the largest |Newey-West t|, duplicates left out. "
     "Sources: factor_long_short_returns, factor_summary, factor_duplicates."),
    ("Rank IC decay", figure_ic_decay,
     "Mean rank IC (Pearson correlation of the factor's and alpha's within-period percentile ranks) against the "
     "horizon, alpha `horizon` periods ahead, for the same factors: how fast the signal's information decays. "
     "Sources: factor_ic, factor_summary."),
    ("Long-short t-statistics and the |t| = 3 hurdle", figure_t_statistics,
     "Newey-West t of every factor's mean long-short return (lags: dbt var newey_west_lags), sorted; the dashed "
     "lines are Harvey, Liu and Zhu's |t| = 3 hurdle for testing many factors at once. Source: factor_summary."),
    ("Long-short t across portfolio schemes", figure_scheme_t_statistics,
     "Newey-West t of the strongest factors' mean long-short return under each portfolio scheme of the dbt var "
     "portfolio_schemes (breakpoints, weights, screens, holding period): how much a factor's verdict depends on "
     "how its portfolios are built; the dashed lines are the |t| = 3 hurdle. Source: factor_scheme_summary."),
    ("CAPM alpha t against raw t", figure_alpha_against_raw_t,
     "Each factor's long-short alpha Newey-West t under CAPM (the warehouse's market) against the t of its raw "
     "mean long-short return: points below the diagonal are partly market exposure. The lines are the hurdles "
     "|t| = 1.96 (dotted), Harvey, Liu and Zhu's |t| = 3 (dashed) and, when any alpha is a discovery, the "
     "smallest |t| with a Benjamini-Yekutieli q-value at most 0.05 (red). Sources: factor_alphas, factor_summary."),
    ("Empirical-Bayes CAPM alphas by cluster", figure_posteriors_by_cluster,
     "Each factor's posterior mean CAPM alpha (dot) with its 95% posterior interval, and its estimated alpha "
     "(cross), grouped by the clusters of its long-short returns: the hierarchical model shrinks each alpha "
     "toward its cluster's, the more so the noisier it is. Source: factor_alpha_posteriors (its clusters those of factor_clusters)."),
)


STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; color: #222; line-height: 1.4; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; vertical-align: top; }
td code { font-size: 0.8em; color: #666; }
figure { margin: 2em 0; }
figure img { max-width: 100%; }
p.empty { background: #fff3cd; padding: 0.6em; }
p.note { color: #8a6d3b; font-size: 0.9em; margin: 0.2em 0; }
p.warning { background: #f8d7da; padding: 0.6em; }
table.beside { font-size: 0.85em; margin-top: 0.5em; }
"""


def png_data_uri(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DOTS_PER_INCH)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_section(number, title, result, caption):
    escape = html.escape
    parts = [f'<figure id="figure-{number}">', f"<h2>{number}. {escape(title)}</h2>"]
    if isinstance(result, Drawn):
        parts.append(f'<img alt="{escape(title)}" src="{png_data_uri(result.figure)}">')
        if result.table:
            parts.append(html_table(result.table.columns, result.table.rows, 'class="beside"'))
        parts += [f'<p class="note">Note on {escape(note)}</p>' for note in result.notes]
    else:
        parts.append(f'<p class="empty">This panel is empty: {escape(result)}</p>')
    parts += [f"<figcaption>{escape(caption)}</figcaption>", "</figure>"]
    return "\n".join(parts)


def html_table(columns, rows, attributes):
    """An HTML table of `columns` and text `rows`, every cell escaped."""
    escape = html.escape
    head = "<tr>" + "".join(f"<th>{escape(column)}</th>" for column in columns) + "</tr>"
    body = ["<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows]
    return f"<table {attributes}>\n" + "\n".join([head, *body]) + "\n</table>"


def null_statistics_section(connection):
    """The statistics the warehouse leaves null, table by table: each statistics_note with its rows and SQL."""
    found = null_statistics(connection)
    heading = "<h2>Statistics left empty, and why</h2>"
    if not found:
        return f"{heading}\n<p>No statistic of the warehouse is null.</p>"
    escape = html.escape
    rows = [
        f'<tr data-table="{escape(line.table)}"><td>{escape(line.table)}</td>'
        f'<td>{"" if line.null_rows is None else f"{line.null_rows:,} of {line.total_rows:,}"}</td>'
        f'<td class="why">{escape(line.why)}</td><td><code>{escape(line.sql)}</code></td></tr>'
        for line in found
    ]
    return "\n".join([heading, '<table id="null-statistics">',
                      "<tr><th>Table</th><th>Rows</th><th>Null statistics and why (statistics_note)</th>"
                      "<th>Source</th></tr>",
                      *rows, "</table>"])


def duplicates_section(connection):
    """The pairs of duplicate factors (table factor_duplicates): the figures draw one of each."""
    heading = "<h2>Duplicate factors</h2>"
    reason = missing_tables_reason(connection, "factor_duplicates")
    if reason:
        return (f"{heading}\n<p class=\"empty\">Duplicate factors are not known ({html.escape(reason)}), so "
                "figures may draw two factors with the same values over each other.</p>")
    pairs = factor_twins(connection).pairs
    if not pairs:
        return f"{heading}\n<p>No two factors repeat each other (table factor_duplicates is empty).</p>"
    return "\n".join([
        heading,
        f"<p>{len(pairs)} pairs of factors carry the same information: identical values, or percentile ranks "
        "correlated above 0.99, on the stock-periods they share. The figures draw the factor kept and leave its "
        "duplicate out. Source: factor_duplicates.</p>",
        html_table(("left out", "kept", "why"), [(pair.factor, pair.representative, pair.reason) for pair in pairs],
                   'id="duplicate-factors"'),
    ])


def facts_table(facts):
    escape = html.escape
    rows = [
        f'<tr data-fact="{escape(fact.key)}"><th>{escape(fact.label)}</th>'
        f'<td class="value">{escape(fact.value)}</td><td><code>{escape(fact.sql)}</code></td></tr>'
        for fact in facts
    ]
    return '<table id="run-facts">\n<tr><th>Run fact</th><th>Value</th><th>Source</th></tr>\n' + "\n".join(rows) + "\n</table>"


def settings_warnings(connection):
    """A warning paragraph for each var the tables were built with different values of, or saying
    that the warehouse does not record which settings built its tables."""
    reason = missing_tables_reason(connection, "model_settings")
    if reason:
        return [f'<p class="warning">Which settings built each table is not recorded ({html.escape(reason)}).</p>']
    return [f'<p class="warning">{html.escape(disagreement.message)}</p>'
            for disagreement in setting_disagreements(connection)]


def draw(function, connection):
    """The figure, or why not; a query that fails (a table whose columns differ from what
    the report expects) empties only its own panel, with DuckDB's message."""
    try:
        return function(connection)
    except duckdb.Error as error:
        return f"its query failed on this warehouse ({type(error).__name__}: {error}); rebuild with `make build`"


def render_html(connection, database_label, build_seconds):
    sections = [
        figure_section(number, title, draw(function, connection), caption)
        for number, (title, function, caption) in enumerate(FIGURES, start=1)
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            '<head><meta charset="utf-8"><title>Factor research report</title>',
            f"<style>{STYLE}</style></head>",
            "<body>",
            "<h1>Factor research report</h1>",
            f"<p>Warehouse: <code>{html.escape(database_label)}</code>. Every number and figure below is a "
            "query on its tables; the article reproduced is 'Zero to one in Financial ML with sklearn'.</p>",
            *settings_warnings(connection),
            facts_table(run_facts(connection, build_seconds)),
            null_statistics_section(connection),
            duplicates_section(connection),
            *sections,
            "</body>",
            "</html>",
            "",
        ]
    )


def write_report(connection, label, output_path, build_seconds=None):
    """Write the report on the tables of `connection` (schema main), headed by `label`, to
    `output_path`; returns the path."""
    output_path = Path(output_path)
    document = render_html(connection, label, build_seconds)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    output_path.write_text(document, encoding="utf-8")
    return output_path


def render(database_path, output_path, build_seconds=None):
    """Write the report on the warehouse at `database_path` to `output_path`; returns the path."""
    database_path = Path(database_path)
    if not database_path.exists():
        raise FileNotFoundError(f"warehouse {database_path} not found: build it first with `make build`")
    with duckdb.connect(str(database_path), read_only=True) as connection:
        return write_report(connection, str(database_path), output_path, build_seconds)
