"""Figures of the Python model tables: single-factor regression lines, actual against
predicted alpha rank, the learning curve and the walk-forward rank IC. Each returns a
`Drawn` figure or the reason its panel is empty."""

from factor_warehouse.report.drawing import Drawn, new_figure, plain_text
from factor_warehouse.report.queries import absent_factor_reason, fiscal_years, missing_tables_reason, table_exists


REGRESSION_FACTORS = ("PE ratio", "ROE")  # the article's single-factor lines (figure 5)
LINEAR_MODEL = "linear_topk"  # the article's LinearRegression on the top-k factors (figure 6)


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
