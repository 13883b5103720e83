"""Figures of the Python model tables: single-factor regression lines, actual against
predicted alpha rank, the learning curve and the walk-forward rank IC. Each returns a
`Drawn` figure or the reason its panel is empty."""

from factor_warehouse.report.drawing import Drawn, name_positions, new_figure, plain_text
from factor_warehouse.report.queries import (PERIODS_DRAWN_ONE_BY_ONE, absent_factor_reason, count_and_list,
                                             missing_tables_reason, period_years, table_exists)


REGRESSION_FACTORS = ("PE ratio", "ROE")  # the article's single-factor lines (figure 5)
LINEAR_MODEL = "linear_topk"  # the article's LinearRegression on the top-k factors (figure 6)
MOST_POINTS_DRAWN = 20_000  # per panel of figure 6; of more predictions a fixed sample is drawn


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
    axis.set_xlabel("factor percentile rank within the period")
    axis.set_ylabel("fitted alpha (pp)")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    return Drawn(figure, notes)


def figure_actual_against_predicted(connection):
    """6. Actual against predicted alpha rank of the top-k linear model, in-sample and walk-forward.
    A panel of more than MOST_POINTS_DRAWN predictions (a monthly panel has millions) draws a
    fixed sample of them, chosen by a hash of (stock_id, period), and says so."""
    reason = missing_tables_reason(connection, "alpha_predictions")
    if reason:
        return reason
    data = connection.execute(
        """
        with predictions as (
            select
                evaluation,
                actual,
                predicted,
                row_number() over (partition by evaluation order by hash(stock_id, period), stock_id, period) as draw_order,
                count(*) over (partition by evaluation) as n_predictions
            from alpha_predictions
            where model = ? and evaluation in ('in_sample', 'walk_forward')
        )
        select evaluation, actual, predicted, n_predictions
        from predictions
        where draw_order <= ?
        """,
        [LINEAR_MODEL, MOST_POINTS_DRAWN],
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
                + (" (walk-forward needs periods in at least two years)" if evaluation == "walk_forward" else "")
            )
            notes.append(note)
            axis.text(0.5, 0.5, "no predictions", ha="center", va="center", transform=axis.transAxes)
        else:
            axis.scatter(rows["actual"], rows["predicted"], s=4, alpha=0.3)
            predictions = int(rows["n_predictions"].iloc[0])
            if predictions > len(rows):
                notes.append(f"{title}: {len(rows):,} of its {predictions:,} predictions are drawn, a fixed sample "
                             "chosen by a hash of (stock_id, period); MSE and rank IC are over all of them")
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
    axis.set_xlabel("training set size (stock-periods)")
    axis.set_ylabel("RMSE of alpha rank")
    axis.legend(loc="upper right", fontsize=8)
    axis.grid(alpha=0.3)
    return Drawn(figure)


def figure_walk_forward_rank_ic(connection):
    """8. Walk-forward rank IC per test year of periods for each model (for monthly data, the
    mean of the year's monthly ICs, as alpha_model_metrics scopes them)."""
    reason = missing_tables_reason(connection, "alpha_model_metrics")
    if reason:
        return reason
    data = connection.execute(
        """
        with walk_forward as (
            select model, scope, n_periods, rank_ic
            from alpha_model_metrics
            where evaluation = 'walk_forward'
        )
        select yearly.model, yearly.scope as test_year, yearly.n_periods, yearly.rank_ic,
               overall.rank_ic as mean_rank_ic
        from walk_forward as yearly
        left join walk_forward as overall on yearly.model = overall.model and overall.scope = 'all'
        where yearly.scope <> 'all'
        order by yearly.model, test_year
        """
    ).df()
    if data.empty:
        return (
            "no walk-forward metrics: each test year is predicted from earlier years only, so it needs periods in "
            f"at least two years, and this warehouse has {count_and_list(period_years(connection))}"
        )
    years = sorted(data["test_year"].unique())
    position = {year: index for index, year in enumerate(years)}
    figure, axes = new_figure(6.5, 4.2)
    axis = axes[0][0]
    styles = ("o-", "s--", "^:", "D-.", "v-", "x--")  # distinct, as models can coincide (lasso and elastic net)
    for index, (model, rows) in enumerate(data.groupby("model", sort=True)):
        axis.plot(rows["test_year"].map(position), rows["rank_ic"], styles[index % len(styles)],
                  label=f"{model} (mean {rows['mean_rank_ic'].iloc[0]:.3f})")
    axis.axhline(0, color="grey", linewidth=0.8)
    name_positions(axis, years, PERIODS_DRAWN_ONE_BY_ONE)
    axis.set_xlabel("test year (fitted on all earlier years)")
    axis.set_ylabel("Spearman rank IC, predicted vs actual alpha rank")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    notes = []
    if data["n_periods"].max() > 1:
        notes.append(f"periods: a test year holds up to {int(data['n_periods'].max())} periods; its point is the "
                     "mean of their per-period rank ICs, and the legend's mean is over all test periods")
    return Drawn(figure, notes)
