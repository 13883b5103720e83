"""Figures of the SQL factor sorts: the article's median-split alpha tables, the spread
t-statistics and the mean alpha by portfolio. Each function takes a read-only connection
and returns a `Drawn` figure or the reason its panel is empty."""

from factor_warehouse.report.drawing import Drawn, name_positions, new_figure, plain_text
from factor_warehouse.report.queries import (PERIOD_LABELS_SQL, PERIODS_DRAWN_ONE_BY_ONE, absent_factor_reason,
                                             count_and_list, missing_tables_reason, nonlinear_candidates,
                                             period_labels, strongest_factors, table_exists, time_axis)


SIZE_FACTOR = "Market Cap"  # the article's size example (figure 1)
TOP_FACTOR_COUNT = 3  # factors drawn in figure 1 besides Market Cap
RANKED_FACTOR_COUNT = 10  # top and bottom factors in figure 2
PORTFOLIO_FACTOR_COUNT = 5  # strongest factors in figure 3


def figure_median_split_alpha(connection):
    """1. The article's alpha tables: mean alpha above and below the period's median, by period,
    or by year of periods (the mean over its periods) when there are many periods."""
    reason = missing_tables_reason(connection, "factor_median_split_alpha", "factor_summary", "stock_periods")
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
    steps = time_axis(connection, "factor_median_split_alpha")
    data = connection.execute(
        f"""
        with period_labels as ({PERIOD_LABELS_SQL})
        select factor, side, {steps.key_sql} as point, min(period) as first_period, avg(mean_alpha) as mean_alpha
        from factor_median_split_alpha
        left join period_labels using (period)
        where list_contains(?, factor)
        group by factor, side, point
        order by factor, side, first_period
        """,
        [factors],
    ).df()
    points = list(data.sort_values("first_period")["point"].drop_duplicates())
    position = {point: index for index, point in enumerate(points)}
    figure, axes = new_figure(3.2 * len(factors), 3.4, 1, len(factors), sharey=True)
    for axis, factor in zip(axes[0], factors):
        for side, style in (("above", "o-"), ("below", "s--")):
            rows = data[(data["factor"] == factor) & (data["side"] == side)]
            axis.plot(rows["point"].map(position), rows["mean_alpha"], style, label=f"{side} median")
        axis.axhline(0, color="grey", linewidth=0.8)
        axis.set_title(plain_text(factor), fontsize=10)
        axis.set_xlabel(steps.title)
        name_positions(axis, points, PERIODS_DRAWN_ONE_BY_ONE)
        axis.grid(alpha=0.3)
    if steps.per_year:
        notes.append(steps.note("periods"))
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
                spread_standard_deviation / sqrt(spread_periods) as standard_error,
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
        return (
            "no factor has a spread t-statistic: it needs a spread in at least two periods, "
            f"and this warehouse has {count_and_list(period_labels(connection))}"
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
    axis.set_ylabel("mean alpha (pp), averaged over periods")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    notes = []
    if portfolio_count == 2:
        notes.append(
            "shapes: with J = 2 (the median split) every line has two points, so it cannot bend; "
            "build with --vars '{portfolio_count: 5}' to see monotone and U-shaped patterns"
        )
    return Drawn(figure, notes)
