"""The research report: one self-contained HTML file with the article's figures, drawn
from the warehouse.

    .venv/bin/python -m factor_warehouse.report [--database data/warehouse.duckdb] [--output data/report.html]

Every number and figure comes from a SQL query on the warehouse, opened read-only. The
figures are PNGs embedded as base64 data URIs and the styles are inline, so the file
opens without any network access. Each figure function returns either a `Drawn` figure
(with notes on any part that could not be drawn) or a reason string saying why its
panel is empty (a table not built, a factor absent from the input, too few years).
"""

import argparse
import base64
import html
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from matplotlib.figure import Figure

from factor_warehouse.build import DEFAULT_DATABASE, DEFAULT_REPORT

SIZE_FACTOR = "Market Cap"  # the article's size example (figure 1)
REGRESSION_FACTORS = ("PE ratio", "ROE")  # the article's single-factor lines (figure 5)
LINEAR_MODEL = "linear_topk"  # the article's LinearRegression on the top-k factors (figure 6)
TOP_FACTOR_COUNT = 3  # factors drawn in figure 1 besides Market Cap
RANKED_FACTOR_COUNT = 10  # top and bottom factors in figure 2
PORTFOLIO_FACTOR_COUNT = 5  # strongest factors in figure 3
LABELLED_MIC_FACTORS = 3  # factors labelled in figure 4, by MIC minus |rank IC|
LABELLED_IC_FACTORS = 3  # and by |rank IC|
DOTS_PER_INCH = 100


@dataclass
class Drawn:
    """A drawn figure and notes on what it leaves out and why."""

    figure: Figure
    notes: list = field(default_factory=list)


@dataclass(frozen=True)
class Fact:
    """One line of the run-facts table and the query it comes from."""

    key: str
    label: str
    value: str
    sql: str


# ----------------------------------------------------------------------------- queries


def table_exists(connection, table):
    return connection.execute(
        "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?", [table]
    ).fetchone()[0] > 0


def missing_tables_reason(connection, *tables):
    """None when every table exists, else a sentence naming the missing ones."""
    missing = [table for table in tables if not table_exists(connection, table)]
    if not missing:
        return None
    subject = f"table {missing[0]} is" if len(missing) == 1 else f"tables {', '.join(missing)} are"
    return f"{subject} not in the warehouse: run `make build` (dbt build) to create it"


def fiscal_years(connection):
    return [row[0] for row in connection.execute("select distinct fiscal_year from stock_years order by 1").fetchall()]


def absent_factor_reason(connection, factor, table):
    """Why `factor` has no row in `table`: not an input column at all, or too few values."""
    in_input = connection.execute("select count(*) from factors where factor = ?", [factor]).fetchone()[0] > 0
    if not in_input:
        return f"factor '{factor}': the input files have no '{factor}' column (it is not in the factors table)"
    return (
        f"factor '{factor}': no row in {table}, it has too few values to compute one "
        "(see factor_coverage and quarantined_inputs)"
    )


def strongest_factors(connection, count):
    """Factors by |t| of the high-minus-low spread, strongest first. Where no t exists (a
    single fiscal year), by |mean spread| among factors present for at least half of the
    stocks, as a spread over a handful of stocks is noise."""
    return [
        row[0]
        for row in connection.execute(
            """
            select factor
            from factor_summary
            where mean_spread is not null
            order by
                spread_t_statistic is null,
                abs(spread_t_statistic) desc,
                average_coverage >= 0.5 desc,
                abs(mean_spread) desc,
                factor
            limit ?
            """,
            [count],
        ).fetchall()
    ]


def nonlinear_candidates(connection, count):
    """Factors by pooled MIC minus |mean rank IC|, largest first (needs factor_mic)."""
    if missing_tables_reason(connection, "factor_mic", "factor_summary"):
        return []
    return [
        row[0]
        for row in connection.execute(
            """
            select factor_mic.factor
            from factor_mic
            inner join factor_summary on factor_mic.factor = factor_summary.factor
            where factor_mic.scope = 'pooled' and factor_summary.mean_rank_ic is not null
            order by factor_mic.mic - abs(factor_summary.mean_rank_ic) desc, factor_mic.factor
            limit ?
            """,
            [count],
        ).fetchall()
    ]


def plain_text(text):
    """Factor names are data: keep matplotlib from reading '$' as math."""
    return str(text).replace("$", r"\$")


def new_figure(width, height, rows=1, columns=1, **subplot_options):
    figure = Figure(figsize=(width, height), dpi=DOTS_PER_INCH, layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False, **subplot_options)
    return figure, axes


# ----------------------------------------------------------------------------- figures


def figure_median_split_alpha(connection):
    """1. The article's alpha tables: mean alpha above and below the year's median, by fiscal year."""
    reason = missing_tables_reason(connection, "factor_median_split_alpha", "factor_summary")
    if reason:
        return reason
    factors = strongest_factors(connection, TOP_FACTOR_COUNT)
    notes = []
    has_size = connection.execute(
        "select count(*) from factor_median_split_alpha where factor = ?", [SIZE_FACTOR]
    ).fetchone()[0] > 0
    if has_size and SIZE_FACTOR not in factors:
        factors.append(SIZE_FACTOR)
    elif not has_size:
        notes.append(absent_factor_reason(connection, SIZE_FACTOR, "factor_median_split_alpha"))
    if not factors:
        return "no factor has a median split with alpha in factor_median_split_alpha"
    data = connection.execute(
        """
        select factor, fiscal_year, side, mean_alpha
        from factor_median_split_alpha
        where list_contains(?, factor)
        order by factor, side, fiscal_year
        """,
        [factors],
    ).df()
    figure, axes = new_figure(3.2 * len(factors), 3.4, 1, len(factors), sharey=True)
    for axis, factor in zip(axes[0], factors):
        for side, style in (("above", "o-"), ("below", "s--")):
            rows = data[(data["factor"] == factor) & (data["side"] == side)]
            axis.plot(rows["fiscal_year"], rows["mean_alpha"], style, label=f"{side} median")
        axis.axhline(0, color="grey", linewidth=0.8)
        axis.set_title(plain_text(factor), fontsize=10)
        axis.set_xlabel("fiscal year")
        axis.set_xticks(sorted(data["fiscal_year"].unique()))
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel("mean alpha (pp)")
    axes[0][0].legend(loc="best", fontsize=8)
    return Drawn(figure, notes)


def figure_spread_t_statistics(connection):
    """2. Top and bottom factors by spread t-statistic: mean spread +/- 2 standard errors, with q-values."""
    reason = missing_tables_reason(connection, "factor_summary")
    if reason:
        return reason
    notes = []
    has_q = table_exists(connection, "factor_f_scores")
    if not has_q:
        notes.append("q-values: " + missing_tables_reason(connection, "factor_f_scores"))
    q_column = "factor_f_scores.q_value" if has_q else "cast(null as double)"
    q_join = "left join factor_f_scores on ranked.factor = factor_f_scores.factor" if has_q else ""
    data = connection.execute(
        f"""
        with ranked as (
            select
                factor,
                mean_spread,
                spread_standard_deviation / sqrt(spread_years) as standard_error,
                spread_t_statistic,
                row_number() over (order by spread_t_statistic desc, factor) as rank_from_top,
                row_number() over (order by spread_t_statistic asc, factor) as rank_from_bottom
            from factor_summary
            where spread_t_statistic is not null
        )
        select ranked.factor, ranked.mean_spread, ranked.standard_error, ranked.spread_t_statistic,
               {q_column} as q_value
        from ranked
        {q_join}
        where ranked.rank_from_top <= ? or ranked.rank_from_bottom <= ?
        order by ranked.spread_t_statistic asc, ranked.factor
        """,
        [RANKED_FACTOR_COUNT, RANKED_FACTOR_COUNT],
    ).df()
    if data.empty:
        years = fiscal_years(connection)
        return (
            "no factor has a spread t-statistic: it needs a spread in at least two fiscal years, "
            f"and this warehouse has {len(years)} ({', '.join(map(str, years))})"
        )
    figure, axes = new_figure(8, 0.32 * len(data) + 1.2)
    axis = axes[0][0]
    positions = range(len(data))
    colors = ["tab:green" if t > 0 else "tab:red" for t in data["spread_t_statistic"]]
    axis.errorbar(data["mean_spread"], positions, xerr=2 * data["standard_error"], fmt="none", ecolor="grey")
    axis.scatter(data["mean_spread"], positions, c=colors, zorder=3)
    axis.axvline(0, color="grey", linewidth=0.8)
    labels = [
        f"{plain_text(row.factor)}  t={row.spread_t_statistic:.1f}" + (f"  q={row.q_value:.2g}" if has_q else "")
        for row in data.itertuples()
    ]
    axis.set_yticks(list(positions), labels, fontsize=8)
    axis.set_xlabel("mean high-minus-low spread of alpha (pp), +/- 2 standard errors")
    axis.grid(axis="x", alpha=0.3)
    return Drawn(figure, notes)


def figure_portfolio_alpha(connection):
    """3. Mean alpha by portfolio 1..J for the strongest factors (and the top non-linear one)."""
    reason = missing_tables_reason(connection, "factor_portfolio_alpha", "factor_summary")
    if reason:
        return reason
    factors = strongest_factors(connection, PORTFOLIO_FACTOR_COUNT)
    factors += [factor for factor in nonlinear_candidates(connection, 1) if factor not in factors]
    if not factors:
        return "no factor has a spread in factor_summary"
    data = connection.execute(
        """
        select factor, portfolio, avg(mean_alpha) as mean_alpha, any_value(portfolio_count) as portfolio_count
        from factor_portfolio_alpha
        where list_contains(?, factor)
        group by factor, portfolio
        order by factor, portfolio
        """,
        [factors],
    ).df()
    figure, axes = new_figure(7, 4.2)
    axis = axes[0][0]
    for factor in factors:
        rows = data[data["factor"] == factor]
        axis.plot(rows["portfolio"], rows["mean_alpha"], "o-", label=plain_text(factor))
    portfolio_count = int(data["portfolio_count"].max())
    axis.set_xticks(range(1, portfolio_count + 1))
    axis.axhline(0, color="grey", linewidth=0.8)
    axis.set_xlabel(f"portfolio (1 = lowest values, {portfolio_count} = highest; J = {portfolio_count})")
    axis.set_ylabel("mean alpha (pp), averaged over fiscal years")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    notes = []
    if portfolio_count == 2:
        notes.append(
            "shapes: with J = 2 (the median split) every line has two points, so it cannot bend; "
            "build with --vars '{portfolio_count: 5}' to see monotone and U-shaped patterns"
        )
    return Drawn(figure, notes)


def figure_mic_against_rank_ic(connection):
    """4. Pooled MIC against |mean rank IC| for every factor; high MIC with low |IC| = non-linear."""
    reason = missing_tables_reason(connection, "factor_mic", "factor_summary")
    if reason:
        return reason
    data = connection.execute(
        """
        select
            factor_mic.factor,
            factor_mic.mic,
            abs(factor_summary.mean_rank_ic) as absolute_rank_ic,
            factor_mic.mic - abs(factor_summary.mean_rank_ic) as mic_minus_absolute_rank_ic,
            factor_mic.estimator
        from factor_mic
        inner join factor_summary on factor_mic.factor = factor_summary.factor
        where factor_mic.scope = 'pooled' and factor_summary.mean_rank_ic is not null
        order by factor_mic.factor
        """
    ).df()
    if data.empty:
        return "no factor has both a pooled MIC (factor_mic) and a mean rank IC (factor_summary)"
    nonlinear = data.nlargest(LABELLED_MIC_FACTORS, "mic_minus_absolute_rank_ic")
    linear = data.nlargest(LABELLED_IC_FACTORS, "absolute_rank_ic")
    figure, axes = new_figure(8, 6)
    axis = axes[0][0]
    axis.scatter(data["absolute_rank_ic"], data["mic"], s=12, color="lightgrey", label="factor")
    axis.scatter(nonlinear["absolute_rank_ic"], nonlinear["mic"], s=20, color="tab:red",
                 label="highest MIC minus |rank IC| (non-linear candidates)")
    axis.scatter(linear["absolute_rank_ic"], linear["mic"], s=20, color="tab:blue", label="highest |rank IC|")
    for index, row in enumerate([*nonlinear.itertuples(), *linear.itertuples()]):
        axis.annotate(plain_text(row.factor), (row.absolute_rank_ic, row.mic), fontsize=7,
                      xytext=(4, 3 - 10 * (index % 2)), textcoords="offset points")  # alternate to separate close points
    estimators = ", ".join(sorted(data["estimator"].unique()))
    axis.set_xlabel("|mean rank IC| across fiscal years (factor_summary)")
    axis.set_ylabel(f"MIC, all fiscal years pooled ({estimators})")
    axis.legend(loc="center right", fontsize=8)
    axis.grid(alpha=0.3)
    return Drawn(figure)


def figure_regression_lines(connection):
    """5. The article's single-factor lines alpha ~ pct_rank for PE ratio, ROE and the top factor."""
    reason = missing_tables_reason(connection, "factor_regressions", "factor_values")
    if reason:
        return reason
    top = connection.execute(
        """
        select factor from factor_regressions
        where slope_t_statistic is not null
        order by abs(slope_t_statistic) desc, factor
        limit 1
        """
    ).fetchall()
    wanted = list(REGRESSION_FACTORS) + [row[0] for row in top if row[0] not in REGRESSION_FACTORS]
    data = connection.execute(
        """
        with ranges as (
            select factor, min(pct_rank) as lowest_rank, max(pct_rank) as highest_rank
            from factor_values
            where list_contains(?, factor)
            group by factor
        )
        select factor_regressions.factor, factor_regressions.intercept, factor_regressions.slope,
               factor_regressions.slope_t_statistic, factor_regressions.n, ranges.lowest_rank, ranges.highest_rank
        from factor_regressions
        inner join ranges on factor_regressions.factor = ranges.factor
        where factor_regressions.slope is not null
        """,
        [wanted],
    ).df()
    drawn = set(data["factor"])
    notes = [absent_factor_reason(connection, factor, "factor_regressions") for factor in wanted if factor not in drawn]
    if data.empty:
        return "; ".join(notes)
    figure, axes = new_figure(6.5, 4.2)
    axis = axes[0][0]
    for factor in wanted:
        rows = data[data["factor"] == factor]
        if rows.empty:
            continue
        row = rows.iloc[0]
        x = [row["lowest_rank"], row["highest_rank"]]
        y = [row["intercept"] + row["slope"] * value for value in x]
        role = "top |t|" if factor not in REGRESSION_FACTORS else "article"
        axis.plot(x, y, "-", linewidth=2,
                  label=f"{plain_text(factor)} ({role}): slope {row['slope']:.2f}, t {row['slope_t_statistic']:.1f}")
    axis.set_xlabel("factor percentile rank within the fiscal year")
    axis.set_ylabel("fitted alpha (pp)")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    return Drawn(figure, notes)


def figure_actual_against_predicted(connection):
    """6. Actual against predicted alpha rank of the top-k linear model, in-sample and walk-forward."""
    reason = missing_tables_reason(connection, "alpha_predictions")
    if reason:
        return reason
    data = connection.execute(
        """
        select evaluation, actual, predicted
        from alpha_predictions
        where model = ? and evaluation in ('in_sample', 'walk_forward')
        """,
        [LINEAR_MODEL],
    ).df()
    if data.empty:
        return f"alpha_predictions has no in-sample or walk-forward rows for model {LINEAR_MODEL}"
    has_metrics = table_exists(connection, "alpha_model_metrics")
    metrics = (
        connection.execute(
            "select evaluation, mse, rank_ic from alpha_model_metrics where model = ? and scope = 'all'",
            [LINEAR_MODEL],
        ).df()
        if has_metrics
        else None
    )
    notes = []
    figure, axes = new_figure(9, 4.4, 1, 2, sharex=True, sharey=True)
    for axis, evaluation in zip(axes[0], ("in_sample", "walk_forward")):
        rows = data[data["evaluation"] == evaluation]
        title = evaluation.replace("_", "-")
        if rows.empty:
            note = (
                f"{title}: no predictions of model {LINEAR_MODEL} in alpha_predictions"
                + (" (walk-forward needs at least two fiscal years)" if evaluation == "walk_forward" else "")
            )
            notes.append(note)
            axis.text(0.5, 0.5, "no predictions", ha="center", va="center", transform=axis.transAxes)
        else:
            axis.scatter(rows["actual"], rows["predicted"], s=4, alpha=0.3)
            if metrics is not None:
                matching = metrics[metrics["evaluation"] == evaluation]
                if not matching.empty:
                    title += f": MSE {matching['mse'].iloc[0]:.3f}, rank IC {matching['rank_ic'].iloc[0]:.3f}"
        axis.plot([0, 1], [0, 1], color="grey", linewidth=0.8)
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("actual alpha rank")
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel(f"predicted alpha rank ({LINEAR_MODEL})")
    if not has_metrics:
        notes.append("MSE and rank IC: " + missing_tables_reason(connection, "alpha_model_metrics"))
    return Drawn(figure, notes)


def figure_learning_curve(connection):
    """7. Train and validation RMSE against training size (the article's learning_curve)."""
    reason = missing_tables_reason(connection, "alpha_learning_curve")
    if reason:
        return reason
    data = connection.execute(
        "select model, train_size, train_rmse, validation_rmse from alpha_learning_curve order by model, train_size"
    ).df()
    if data.empty:
        return "alpha_learning_curve has no rows"
    figure, axes = new_figure(6.5, 4.2)
    axis = axes[0][0]
    for model, rows in data.groupby("model", sort=True):
        axis.plot(rows["train_size"], rows["train_rmse"], "r-+", linewidth=2, label=f"{model}: train")
        axis.plot(rows["train_size"], rows["validation_rmse"], "b-", linewidth=3, label=f"{model}: validation")
    axis.set_xlabel("training set size (stock-years)")
    axis.set_ylabel("RMSE of alpha rank")
    axis.legend(loc="upper right", fontsize=8)
    axis.grid(alpha=0.3)
    return Drawn(figure)


def figure_walk_forward_rank_ic(connection):
    """8. Walk-forward rank IC per test year for each model."""
    reason = missing_tables_reason(connection, "alpha_model_metrics")
    if reason:
        return reason
    data = connection.execute(
        """
        with walk_forward as (
            select model, scope, rank_ic
            from alpha_model_metrics
            where evaluation = 'walk_forward'
        )
        select yearly.model, cast(yearly.scope as integer) as fiscal_year, yearly.rank_ic,
               overall.rank_ic as mean_rank_ic
        from walk_forward as yearly
        left join walk_forward as overall on yearly.model = overall.model and overall.scope = 'all'
        where yearly.scope <> 'all'
        order by yearly.model, fiscal_year
        """
    ).df()
    if data.empty:
        years = fiscal_years(connection)
        return (
            "no walk-forward metrics: each test year is predicted from earlier years only, so it needs at "
            f"least two fiscal years, and this warehouse has {len(years)} ({', '.join(map(str, years))})"
        )
    figure, axes = new_figure(6.5, 4.2)
    axis = axes[0][0]
    styles = ("o-", "s--", "^:", "D-.", "v-", "x--")  # distinct, as models can coincide (lasso and elastic net)
    for index, (model, rows) in enumerate(data.groupby("model", sort=True)):
        axis.plot(rows["fiscal_year"], rows["rank_ic"], styles[index % len(styles)], label=f"{model} (mean {rows['mean_rank_ic'].iloc[0]:.3f})")
    axis.axhline(0, color="grey", linewidth=0.8)
    axis.set_xticks(sorted(data["fiscal_year"].unique()))
    axis.set_xlabel("test fiscal year (fitted on all earlier years)")
    axis.set_ylabel("Spearman rank IC, predicted vs actual alpha rank")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    return Drawn(figure)


FIGURES = (
    ("Alpha above and below the median, by fiscal year", figure_median_split_alpha,
     "The article's two alpha tables (filter_data_top / filter_data_below) for the strongest factors "
     "by spread t-statistic and for Market Cap, the article's size example. Source: factor_median_split_alpha."),
    ("Strongest and weakest factors by spread t-statistic", figure_spread_t_statistics,
     "Mean high-minus-low spread of alpha across fiscal years with +/- 2 standard errors; t = mean / (sd / sqrt(T)). "
     "q: Benjamini-Hochberg q-value of the factor's f_regression against alpha. "
     "Sources: factor_summary, factor_f_scores."),
    ("Mean alpha by portfolio", figure_portfolio_alpha,
     "Portfolio mean alpha averaged over fiscal years for the strongest factors and the top non-linear "
     "candidate: a monotone line is a linear effect, a U or a hump is not. Source: factor_portfolio_alpha."),
    ("MIC against |rank IC|", figure_mic_against_rank_ic,
     "Every factor; those high on MIC and low on |rank IC| carry a non-linear relation a linear screen misses. "
     "Sources: factor_mic (scope 'pooled'), factor_summary."),
    ("Single-factor regression lines", figure_regression_lines,
     "alpha ~ pct_rank by least squares over the stock-years where the factor exists, drawn over the factor's "
     "percentile range: the article's PE ratio and ROE lines and the factor with the largest |t|. "
     "Source: factor_regressions."),
    ("Actual against predicted alpha rank", figure_actual_against_predicted,
     "The article's LinearRegression on the top-k f-score factors, in-sample (as the article) and walk-forward "
     "(each year predicted by a model fitted on earlier years only). Sources: alpha_predictions, alpha_model_metrics."),
    ("Learning curve", figure_learning_curve,
     "Mean train and validation RMSE over the cross-validation folds against the training set size, "
     "as the article's learning_curve. Source: alpha_learning_curve."),
    ("Walk-forward rank IC per test year", figure_walk_forward_rank_ic,
     "Spearman rank IC between predicted and actual alpha rank in each test year, per model. "
     "Source: alpha_model_metrics."),
)


# ----------------------------------------------------------------------------- run facts


def scalar_fact(connection, key, label, sql, tables):
    """A fact whose value is the single value `sql` returns; says so when a table is missing."""
    reason = missing_tables_reason(connection, *tables)
    if reason:
        return Fact(key, label, f"not recorded ({reason})", sql)
    try:
        value = connection.execute(sql).fetchone()[0]
    except duckdb.Error as error:
        return Fact(key, label, f"not recorded (its query failed: {type(error).__name__}: {error})", sql)
    return Fact(key, label, format_value(value), sql)


def format_value(value):
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def run_facts(connection, build_seconds):
    """The run-facts table: every value but the build time is the result of its SQL."""
    facts = [
        scalar_fact(connection, "data_source", "Data source",
                    "select data_source || coalesce(' in ' || kaggle_dir, '') from build_facts",
                    ["build_facts"]),
        scalar_fact(connection, "source_files", "Input files",
                    "select string_agg(distinct source_file, ', ' order by source_file) from stock_years",
                    ["stock_years"]),
        scalar_fact(connection, "fiscal_years", "Fiscal years",
                    "select string_agg(distinct cast(fiscal_year as varchar), ', ' order by cast(fiscal_year as varchar)) "
                    "from stock_years",
                    ["stock_years"]),
        scalar_fact(connection, "stock_years_loaded", "Stock-years loaded",
                    "select count(*) from stock_years", ["stock_years"]),
        scalar_fact(connection, "stock_years_with_alpha", "Stock-years with an alpha",
                    "select count(alpha) from stock_years", ["stock_years"]),
        scalar_fact(connection, "factors", "Factors", "select count(*) from factors", ["factors"]),
        scalar_fact(connection, "factor_values_loaded", "Factor values loaded",
                    "select count(*) from factor_values", ["factor_values"]),
        scalar_fact(connection, "rows_quarantined", "Input rows quarantined",
                    "select count(*) from quarantined_inputs where rejected = 'row'", ["quarantined_inputs"]),
        scalar_fact(connection, "values_quarantined", "Input values quarantined",
                    "select count(*) from quarantined_inputs where rejected = 'value'", ["quarantined_inputs"]),
        scalar_fact(connection, "alpha_method", "Alpha method",
                    "select string_agg(distinct alpha_method, ', ' order by alpha_method) from stock_years",
                    ["stock_years"]),
        scalar_fact(connection, "portfolio_count", "Portfolios per sort (J)",
                    "select string_agg(distinct cast(portfolio_count as varchar), ', ') from factor_summary",
                    ["factor_summary"]),
        scalar_fact(connection, "sort_grouping", "Sort grouping",
                    "select string_agg(distinct grouping, ', ' order by grouping) from factor_summary",
                    ["factor_summary"]),
        scalar_fact(connection, "mic_estimator", "MIC estimator",
                    "select string_agg(distinct estimator || ' (alpha=' || alpha_param || ', c=' || c_param || ')', ', ') "
                    "from factor_mic",
                    ["factor_mic"]),
        scalar_fact(connection, "top_k", "Top-k factors (f_regression)",
                    "select count(*) filter (where is_top_k) from factor_f_scores", ["factor_f_scores"]),
    ]
    build_time = "not recorded" if build_seconds is None else f"{build_seconds:.1f} s"
    facts.append(Fact("build_time", "Build time", build_time, "passed in by the build runner"))
    return facts


# ----------------------------------------------------------------------------- HTML

STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; color: #222; line-height: 1.4; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; vertical-align: top; }
td code { font-size: 0.8em; color: #666; }
figure { margin: 2em 0; }
figure img { max-width: 100%; }
p.empty { background: #fff3cd; padding: 0.6em; }
p.note { color: #8a6d3b; font-size: 0.9em; margin: 0.2em 0; }
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
        parts += [f'<p class="note">Note on {escape(note)}</p>' for note in result.notes]
    else:
        parts.append(f'<p class="empty">This panel is empty: {escape(result)}</p>')
    parts += [f"<figcaption>{escape(caption)}</figcaption>", "</figure>"]
    return "\n".join(parts)


def facts_table(facts):
    escape = html.escape
    rows = [
        f'<tr data-fact="{escape(fact.key)}"><th>{escape(fact.label)}</th>'
        f'<td class="value">{escape(fact.value)}</td><td><code>{escape(fact.sql)}</code></td></tr>'
        for fact in facts
    ]
    return '<table id="run-facts">\n<tr><th>Run fact</th><th>Value</th><th>Source</th></tr>\n' + "\n".join(rows) + "\n</table>"


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
            facts_table(run_facts(connection, build_seconds)),
            *sections,
            "</body>",
            "</html>",
            "",
        ]
    )


def render(database_path, output_path, build_seconds=None):
    """Write the report on the warehouse at `database_path` to `output_path`; returns the path."""
    database_path, output_path = Path(database_path), Path(output_path)
    if not database_path.exists():
        raise FileNotFoundError(f"warehouse {database_path} not found: build it first with `make build`")
    with duckdb.connect(str(database_path), read_only=True) as connection:
        document = render_html(connection, str(database_path), build_seconds)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    output_path.write_text(document, encoding="utf-8")
    return output_path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=str(DEFAULT_DATABASE), help="warehouse file (default: %(default)s)")
    parser.add_argument("--output", default=str(DEFAULT_REPORT), help="HTML file to write (default: %(default)s)")
    options = parser.parse_args(argv)
    try:
        path = render(options.database, options.output)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"report written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
