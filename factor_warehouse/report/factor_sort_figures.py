"""Figures of the SQL factor sorts: the article's median-split alpha tables, the spread
t-statistics (with one period, the cross-sectional slopes of factor_regressions instead)
and the mean alpha by portfolio. Each function takes a read-only connection and returns a
`Drawn` figure or the reason its panel is empty."""

import textwrap

from factor_warehouse.report.drawing import (Drawn, critical_value, interval_label, name_positions, new_figure,
                                             plain_text)
from factor_warehouse.report.queries import (PERIOD_LABELS_SQL, PERIODS_DRAWN_ONE_BY_ONE, PRIMARY_SCHEME_SQL,
                                             absent_factor_reason, count_and_list, factor_twins, missing_tables_reason,
                                             nonlinear_candidates, period_labels, strongest_factors, table_exists,
                                             time_axis, twins_note)


SIZE_FACTOR = "Market Cap"  # the article's size example (figure 1)
TOP_FACTOR_COUNT = 3  # factors drawn in figure 1 besides Market Cap
RANKED_FACTOR_COUNT = 10  # top and bottom factors in figure 2
PORTFOLIO_FACTOR_COUNT = 5  # strongest factors in figure 3


def wrapped(factor, width=18):
    """A factor name on lines of about `width` characters (words are never broken), for a tick
    label under a bar."""
    return "\n".join(textwrap.wrap(plain_text(factor), width, break_long_words=False, break_on_hyphens=False))


def figure_median_split_alpha(connection):
    """1. The article's alpha tables: mean alpha above and below the period's median, by period,
    or by year of periods (the mean over its periods) when there are many periods; with a single
    period, bars above and below the median for each factor."""
    reason = missing_tables_reason(connection, "factor_median_split_alpha", "factor_summary", "stock_periods")
    if reason:
        return reason
    has_size = connection.execute(
        "select count(*) from factor_median_split_alpha where factor = ?", [SIZE_FACTOR]
    ).fetchone()[0] > 0
    twins, ranked = factor_twins(connection), strongest_factors(connection)
    factors, left_out = twins.choose(ranked, TOP_FACTOR_COUNT)
    if has_size and SIZE_FACTOR not in factors:
        factors, left_out = twins.choose(ranked, TOP_FACTOR_COUNT, [SIZE_FACTOR])
        factors.append(SIZE_FACTOR)
    notes = [] if has_size else [absent_factor_reason(connection, SIZE_FACTOR, "factor_median_split_alpha")]
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
    if len(points) == 1:
        figure = median_split_bars(data, factors, points[0])
        notes.append(f"one period ({points[0]}): each factor's mean alpha above and below the median is a pair of "
                     "bars; a line across periods needs two periods or more")
    else:
        figure = median_split_lines(data, factors, points, steps)
        if steps.per_year:
            notes.append(steps.note("periods"))
    return Drawn(figure, [note for note in [*notes, twins_note(left_out)] if note])


def median_split_lines(data, factors, points, steps):
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
    axes[0][0].set_ylabel("mean alpha (pp)")
    axes[0][0].legend(loc="best", fontsize=8)
    return figure


def median_split_bars(data, factors, period_label):
    figure, axes = new_figure(2 + 1.6 * len(factors), 3.8)
    axis = axes[0][0]
    width = 0.4
    for offset, side, color in ((-width / 2, "above", "tab:blue"), (width / 2, "below", "tab:orange")):
        values = [data.loc[(data["factor"] == factor) & (data["side"] == side), "mean_alpha"].sum(min_count=1)
                  for factor in factors]
        axis.bar([index + offset for index in range(len(factors))], values, width, color=color,
                 label=f"{side} median")
    axis.set_xticks(range(len(factors)), [wrapped(factor) for factor in factors], fontsize=8)
    axis.axhline(0, color="grey", linewidth=0.8)
    axis.set_ylabel(f"mean alpha (pp), {period_label}")
    axis.legend(loc="best", fontsize=8)
    axis.grid(axis="y", alpha=0.3)
    return figure


def figure_spread_t_statistics(connection):
    """2. Top and bottom factors by spread t-statistic: mean spread with its 95% interval (Student t
    with T - 1 degrees of freedom), with q-values. With fewer than two periods there is no t
    across periods, and the cross-sectional slopes of factor_regressions are drawn instead."""
    reason = missing_tables_reason(connection, "factor_summary")
    if reason:
        return reason
    data = connection.execute(
        """
        select
            factor,
            mean_spread as estimate,
            spread_standard_deviation / sqrt(spread_periods) as standard_error,
            spread_periods - 1 as degrees_of_freedom,
            spread_t_statistic as t_statistic
        from factor_summary
        where spread_t_statistic is not null
        order by spread_t_statistic, factor
        """
    ).df()
    if data.empty:
        return cross_sectional_slopes(
            connection,
            "no factor has a spread t-statistic: it needs a spread in at least two periods, "
            f"and this warehouse has {count_and_list(period_labels(connection))}")
    notes = []
    q_values = {}
    if table_exists(connection, "factor_f_scores"):
        q_values = dict(connection.execute("select factor, q_value from factor_f_scores").fetchall())
    else:
        notes.append("q-values: " + missing_tables_reason(connection, "factor_f_scores"))
    data, left_out = top_and_bottom(connection, data)
    labels = [f"{plain_text(row.factor)}  t={row.t_statistic:.1f}"
              + (f"  q={q_values[row.factor]:.2g}" if q_values.get(row.factor) is not None else "")
              for row in data.itertuples()]
    figure = interval_bars(data, labels, "mean high-minus-low spread of alpha across periods (pp)")
    return Drawn(figure, [note for note in [*notes, twins_note(left_out)] if note])


def cross_sectional_slopes(connection, why):
    """Figure 2 of a warehouse without a t across periods: the top and bottom factors by the t of
    their slope of alpha on pct_rank (factor_regressions) over the stock-periods there are."""
    reason = missing_tables_reason(connection, "factor_regressions")
    if reason:
        return f"{why}; its one-period alternative, the cross-sectional slopes, is missing too: {reason}"
    data = connection.execute(
        """
        select factor, slope as estimate, slope_standard_error as standard_error, n - 2 as degrees_of_freedom,
               slope_t_statistic as t_statistic, slope_p_value as p_value
        from factor_regressions
        where slope_t_statistic is not null
        order by slope_t_statistic, factor
        """
    ).df()
    if data.empty:
        return f"{why}; no factor has a cross-sectional slope t-statistic in factor_regressions either"
    data, left_out = top_and_bottom(connection, data)
    labels = [f"{plain_text(row.factor)}  t={row.t_statistic:.1f}  p={row.p_value:.2g}" for row in data.itertuples()]
    figure = interval_bars(data, labels, "slope of alpha on the factor's percentile rank (pp, lowest to highest)")
    figure.axes[0].set_title("one cross-section: slope of alpha on the rank, not a spread t across periods",
                             fontsize=10)
    notes = [f"one cross-section: {why}. Drawn instead: the cross-sectional slope of alpha on the factor's "
             "percentile rank (factor_regressions, t with n - 2 degrees of freedom), the top and bottom factors "
             "by its t", twins_note(left_out)]
    return Drawn(figure, [note for note in notes if note])


def top_and_bottom(connection, data):
    """(rows, left_out): the RANKED_FACTOR_COUNT factors at each end of `data` (ordered by
    t_statistic ascending), without duplicate factors, in t order."""
    twins = factor_twins(connection)
    ranked = list(data["factor"])
    top, top_left_out = twins.choose(reversed(ranked), RANKED_FACTOR_COUNT)
    bottom, bottom_left_out = twins.choose(ranked, RANKED_FACTOR_COUNT, top)
    chosen = set(top) | set(bottom)
    return data[data["factor"].isin(chosen)], top_left_out + bottom_left_out


def interval_bars(data, labels, estimate_title):
    """Horizontal bars of each row's estimate with its confidence interval: +/- the Student t
    critical value of the row's degrees_of_freedom times its standard_error."""
    figure, axes = new_figure(9, 0.32 * len(data) + 1.4)
    axis = axes[0][0]
    positions = range(len(data))
    half_widths = [critical_value(row.degrees_of_freedom) * row.standard_error for row in data.itertuples()]
    colors = ["tab:green" if t > 0 else "tab:red" for t in data["t_statistic"]]
    axis.barh(positions, data["estimate"], color=colors, alpha=0.7, xerr=half_widths, ecolor="black", capsize=2)
    axis.axvline(0, color="grey", linewidth=0.8)
    axis.set_yticks(list(positions), labels, fontsize=8)
    axis.set_xlabel(f"{estimate_title}\nerror bars: {interval_label(list(data['degrees_of_freedom']))}", fontsize=9)
    axis.grid(axis="x", alpha=0.3)
    return figure


def figure_portfolio_alpha(connection):
    """3. Mean alpha by portfolio 1..J for the strongest factors (and the top non-linear one)."""
    reason = missing_tables_reason(connection, "factor_portfolio_alpha", "factor_summary")
    if reason:
        return reason
    twins = factor_twins(connection)
    factors, left_out = twins.choose(strongest_factors(connection), PORTFOLIO_FACTOR_COUNT)
    nonlinear, nonlinear_left_out = twins.choose(nonlinear_candidates(connection), 1, factors)
    factors += nonlinear
    if not factors:
        return "no factor has a spread in factor_summary"
    data = connection.execute(
        f"""
        select factor, portfolio, avg(mean_alpha) as mean_alpha, any_value(portfolio_count) as portfolio_count
        from factor_portfolio_alpha
        where list_contains(?, factor) and scheme = {PRIMARY_SCHEME_SQL}
        group by factor, portfolio
        order by factor, portfolio
        """,
        [factors],
    ).df()
    labels = period_labels(connection)
    figure, axes = new_figure(7, 4.2)
    axis = axes[0][0]
    for factor in factors:
        rows = data[data["factor"] == factor]
        axis.plot(rows["portfolio"], rows["mean_alpha"], "o-", label=plain_text(factor))
    portfolio_count = int(data["portfolio_count"].max())
    axis.set_xticks(range(1, portfolio_count + 1))
    axis.axhline(0, color="grey", linewidth=0.8)
    axis.set_xlabel(f"portfolio (1 = lowest values, {portfolio_count} = highest; J = {portfolio_count})")
    axis.set_ylabel(f"mean alpha (pp), {labels[0]}" if len(labels) == 1 else "mean alpha (pp), averaged over periods")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    notes = []
    if portfolio_count == 2:
        notes.append(
            "shapes: with J = 2 (the median split) every line has two points, so it cannot bend; "
            "build with --vars '{portfolio_count: 5}' to see monotone and U-shaped patterns"
        )
    notes.append(twins_note(left_out + nonlinear_left_out))
    return Drawn(figure, [note for note in notes if note])
