"""Figures of the Python model tables: single-factor regression lines, actual against
predicted alpha rank, the learning curve and the walk-forward rank IC. Each returns a
`Drawn` figure or the reason its panel is empty."""

from factor_warehouse.report.drawing import Drawn, name_positions, new_figure, plain_text
from factor_warehouse.report.queries import (PERIODS_DRAWN_ONE_BY_ONE, absent_factor_reason, count_and_list,
                                             factor_twins, missing_tables_reason, period_years, table_exists,
                                             twins_note)


REGRESSION_FACTORS = ("PE ratio", "ROE")  # the article's single-factor lines (figure 5)
BINS = 20  # bins of the percentile rank whose mean alpha is drawn behind each line of figure 5
# Models whose rank ICs differ by no more than this in every test year draw over each other (figure 8)
COINCIDING_RANK_IC = 0.005
MODEL_SHIFT = 0.04  # sideways shift between the models' points of a test year (figure 8), in test years
LINEAR_MODEL = "linear_topk"  # the article's LinearRegression on the top-k factors (figure 6)
MOST_POINTS_DRAWN = 20_000  # per panel of figure 6; of more predictions a fixed sample is drawn


def figure_regression_lines(connection):
    """5. The article's single-factor lines alpha ~ pct_rank for PE ratio, ROE and the top factor by
    |slope t| (not a duplicate of those), each over the mean alpha of BINS bins of pct_rank."""
    reason = missing_tables_reason(connection, "factor_regressions", "factor_values", "stock_periods")
    if reason:
        return reason
    ranked = [row[0] for row in connection.execute(
        "select factor from factor_regressions where slope_t_statistic is not null "
        "order by abs(slope_t_statistic) desc, factor").fetchall()]
    present = [factor for factor in REGRESSION_FACTORS if factor in ranked]
    top, left_out = factor_twins(connection).choose(ranked, 1, present)
    wanted = list(REGRESSION_FACTORS) + top
    lines = connection.execute(
        """
        select factor, intercept, slope, slope_t_statistic
        from factor_regressions
        where list_contains(?, factor) and slope is not null
        """,
        [wanted],
    ).df()
    # the rows of each fit (a rank and an alpha), in BINS equal-width bins of the rank: as ranks are
    # uniform within each period, each bin holds about 1 / BINS of the stock-periods
    bins = connection.execute(
        f"""
        with fitted as (
            select factor_values.factor, factor_values.pct_rank, stock_periods.alpha
            from factor_values
            inner join stock_periods
                on factor_values.stock_id = stock_periods.stock_id
                and factor_values.period = stock_periods.period
            where list_contains(?, factor_values.factor) and stock_periods.alpha is not null
        )
        select factor, least(floor(pct_rank * {BINS}), {BINS - 1}) as bin, avg(pct_rank) as mean_rank,
               min(pct_rank) as lowest_rank, max(pct_rank) as highest_rank, avg(alpha) as mean_alpha
        from fitted
        group by factor, bin
        order by factor, bin
        """,
        [wanted],
    ).df()
    drawn = [factor for factor in wanted if factor in set(lines["factor"])]
    notes = [absent_factor_reason(connection, factor, "factor_regressions") for factor in wanted if factor not in drawn]
    if not drawn:
        return "; ".join(notes)
    figure, axes = new_figure(3.4 * len(drawn), 4.2, 1, len(drawn), sharey=True)
    for axis, factor, color in zip(axes[0], drawn, ("tab:blue", "tab:orange", "tab:green")):
        line = lines[lines["factor"] == factor].iloc[0]
        binned = bins[bins["factor"] == factor]
        axis.scatter(binned["mean_rank"], binned["mean_alpha"], s=18, color=color, alpha=0.45,
                     label=f"mean alpha in {BINS} bins of the rank")
        x = [binned["lowest_rank"].min(), binned["highest_rank"].max()]
        axis.plot(x, [line["intercept"] + line["slope"] * value for value in x], "-", color=color, linewidth=2,
                  label=f"fit: slope {line['slope']:.2f}, t {line['slope_t_statistic']:.1f}")
        role = "article" if factor in REGRESSION_FACTORS else "top |t|"
        axis.set_title(f"{plain_text(factor)} ({role})", fontsize=10)
        axis.set_xlabel("factor percentile rank within the period")
        axis.legend(loc="best", fontsize=7)
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel("alpha (pp)")
    return Drawn(figure, [note for note in [*notes, twins_note(left_out)] if note])


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
    mean of the year's monthly ICs, as alpha_model_metrics scopes them); models that coincide
    are named. With periods in one year only, each model's in-sample rank IC instead."""
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
        return in_sample_rank_ic(
            connection,
            "no walk-forward metrics: each test year is predicted from earlier years only, so it needs periods in "
            f"at least two years, and this warehouse has {count_and_list(period_years(connection))}")
    years = sorted(data["test_year"].unique())
    position = {year: index for index, year in enumerate(years)}
    figure, axes = new_figure(6.5, 4.2)
    axis = axes[0][0]
    # distinct styles, and each model's points shifted a little sideways, as models can coincide
    styles = ("o-", "s--", "^:", "D-.", "v-", "x--")
    models = data.groupby("model", sort=True)
    for index, (model, rows) in enumerate(models):
        shift = MODEL_SHIFT * (index - (len(models) - 1) / 2)
        axis.plot(rows["test_year"].map(position) + shift, rows["rank_ic"], styles[index % len(styles)],
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
    coinciding = coinciding_models(data)
    if coinciding:
        notes.append(f"coinciding models: {coinciding} in every test year, so their lines lie on each other; "
                     "each model has its own marker and line style, and its points are shifted a little sideways")
    return Drawn(figure, notes)


def coinciding_models(data):
    """The pairs of models whose rank ICs differ by at most COINCIDING_RANK_IC in every test year,
    in words ('lasso and elastic_net differ by at most 0.0011'), or '' when none do."""
    by_year = data.pivot(index="test_year", columns="model", values="rank_ic")
    models = list(by_year.columns)
    pairs = []
    for index, first in enumerate(models):
        for second in models[index + 1:]:
            gap = (by_year[first] - by_year[second]).abs().max()
            if gap <= COINCIDING_RANK_IC:
                pairs.append(f"{first} and {second} differ by at most {gap:.4f}")
    return "; ".join(pairs)


def in_sample_rank_ic(connection, why):
    """Figure 8 of a warehouse with periods in one year: each model's in-sample rank IC (scope all)
    as bars, with why there is no walk-forward one."""
    data = connection.execute(
        "select model, rank_ic, mse from alpha_model_metrics "
        "where evaluation = 'in_sample' and scope = 'all' and rank_ic is not null order by model").df()
    if data.empty:
        return f"{why}; alpha_model_metrics has no in-sample rank IC either"
    figure, axes = new_figure(6.5, 4.2)
    axis = axes[0][0]
    bars = axis.bar(range(len(data)), data["rank_ic"], color="tab:grey")
    axis.bar_label(bars, [f"{value:.3f}" for value in data["rank_ic"]], fontsize=8)
    axis.set_xticks(range(len(data)), list(data["model"]), fontsize=8)
    axis.axhline(0, color="grey", linewidth=0.8)
    axis.set_title("in-sample: each model fitted and scored on the same rows", fontsize=10)
    axis.set_ylabel("Spearman rank IC, predicted vs actual alpha rank")
    axis.grid(axis="y", alpha=0.3)
    note = (f"one year of periods: {why}. Drawn instead: each model's in-sample rank IC, the model fitted and "
            "scored on the same rows, which overstates how it would do on a year it has not seen")
    return Drawn(figure, [note])
