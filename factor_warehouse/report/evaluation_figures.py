"""Figures of the factor evaluation over time: cumulative long-short returns of the top
factors, rank IC decay by horizon, and the long-short Newey-West t-statistics of every factor
against the |t| = 3 hurdle. Each function takes a read-only connection and returns a `Drawn`
figure or the reason its panel is empty, which names the periods it needs."""

from factor_warehouse.report.drawing import Drawn, new_figure, plain_text
from factor_warehouse.report.queries import (PRIMARY_SCHEME_SQL, count_and_list, factor_twins, missing_tables_reason,
                                             period_labels, twins_note)

TOP_FACTOR_COUNT = 5  # factors drawn in the cumulative long-short and IC decay panels
T_HURDLE = 3.0  # Harvey, Liu and Zhu's hurdle for a new factor (factor_summary.exceeds_t_hurdle)


def top_factors_by_t(connection, count):
    """(factors, left_out): the `count` factors with the largest |long_short_nw_t| of
    factor_summary, strongest first, without duplicate factors (none without a t)."""
    ranked = [row[0] for row in connection.execute(
        "select factor from factor_summary where long_short_nw_t is not null "
        "order by abs(long_short_nw_t) desc, factor").fetchall()]
    return factor_twins(connection).choose(ranked, count)


def too_few_periods_reason(connection):
    """Why no factor has a t across periods: the periods it needs and those there are."""
    needed = connection.execute("select max(periods_needed) from factor_summary").fetchone()[0]
    rule = "max(3, newey_west_lags + 2)"
    periods = f"{rule} periods" if needed is None else f"{needed} periods ({rule})"
    return (f"no factor has a long-short Newey-West t-statistic: it needs at least {periods} with a "
            "long-short return (factor_summary.statistics_note), "
            f"and this warehouse has {count_and_list(period_labels(connection))}")


def figure_cumulative_long_short(connection):
    """Cumulative long-short return (running sum, percentage points) of the top factors by |t|."""
    reason = missing_tables_reason(connection, "factor_long_short_returns", "factor_summary")
    if reason:
        return reason
    if len(period_labels(connection)) < 2:
        return f"a cumulative return needs two periods or more; this warehouse has {count_and_list(period_labels(connection))}"
    factors, left_out = top_factors_by_t(connection, TOP_FACTOR_COUNT)
    if not factors:
        return too_few_periods_reason(connection)
    data = connection.execute(
        "select factor, period, cumulative_long_short_return from factor_long_short_returns "
        f"where list_contains(?, factor) and scheme = {PRIMARY_SCHEME_SQL} order by factor, period", [factors]).df()
    figure, axes = new_figure(8, 4.2)
    axis = axes[0][0]
    for factor in factors:
        rows = data[data["factor"] == factor]
        axis.plot(rows["period"], rows["cumulative_long_short_return"], marker="o" if len(rows) <= 12 else None,
                  label=plain_text(factor))
    axis.axhline(0, color="grey", linewidth=0.8)
    axis.set_xlabel("period")
    axis.set_ylabel("cumulative long-short return (pp, running sum)")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    return Drawn(figure, [note for note in [twins_note(left_out)] if note])


def top_factors_or_reason(connection, table):
    """(factors, left_out) of top_factors_by_t for a figure drawn from `table` and factor_summary, or
    the reason the figure is empty (a table missing, or no factor with a t)."""
    reason = missing_tables_reason(connection, table, "factor_summary")
    if reason:
        return reason
    factors, left_out = top_factors_by_t(connection, TOP_FACTOR_COUNT)
    return (factors, left_out) if factors else too_few_periods_reason(connection)


def figure_ic_decay(connection):
    """Mean rank IC by horizon for the top factors by |t|: how fast the signal's information decays."""
    chosen = top_factors_or_reason(connection, "factor_ic")
    if isinstance(chosen, str):
        return chosen
    factors, left_out = chosen
    data = connection.execute(
        "select factor, horizon, avg(rank_ic) as mean_rank_ic, count(rank_ic) as n_periods from factor_ic "
        "where list_contains(?, factor) group by factor, horizon order by factor, horizon", [factors]).df()
    horizons = sorted(data["horizon"].unique())
    notes = [note for note in [twins_note(left_out)] if note]
    if len(horizons) < 2:
        notes.append("horizons: only horizon 1 is configured (dbt var ic_horizons), so there is no decay to draw")
    figure, axes = new_figure(7, 4.2)
    axis = axes[0][0]
    for factor in factors:
        rows = data[data["factor"] == factor]
        axis.plot(rows["horizon"], rows["mean_rank_ic"], "o-", label=plain_text(factor))
    axis.set_xticks(horizons)
    axis.axhline(0, color="grey", linewidth=0.8)
    axis.set_xlabel("horizon (periods ahead; 1 = the next period's return)")
    axis.set_ylabel("mean rank IC over periods")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    return Drawn(figure, notes)


def figure_t_statistics(connection):
    """Every factor's long-short Newey-West t, sorted, with the |t| = 3 hurdle."""
    reason = missing_tables_reason(connection, "factor_summary")
    if reason:
        return reason
    data = connection.execute(
        "select factor, long_short_nw_t, long_short_q_value from factor_summary "
        "where long_short_nw_t is not null order by long_short_nw_t").df()
    if data.empty:
        return too_few_periods_reason(connection)
    untested = connection.execute(
        "select count(*) from factor_summary where long_short_nw_t is null").fetchone()[0]
    figure, axes = new_figure(8, 4.2)
    axis = axes[0][0]
    colors = ["tab:red" if abs(t) > T_HURDLE else "tab:grey" for t in data["long_short_nw_t"]]
    axis.bar(range(len(data)), data["long_short_nw_t"], color=colors, width=1.0)
    for level in (T_HURDLE, -T_HURDLE):
        axis.axhline(level, color="black", linestyle="--", linewidth=0.9)
    axis.set_xlabel(f"factors sorted by t ({len(data)}); red: |t| > {T_HURDLE:g}")
    axis.set_ylabel("long-short Newey-West t")
    axis.grid(axis="y", alpha=0.3)
    passed = int((data["long_short_nw_t"].abs() > T_HURDLE).sum())
    significant = int((data["long_short_q_value"] < 0.05).sum())
    notes = [f"multiple testing: {passed} of {len(data)} factors clear |t| > {T_HURDLE:g}; "
             f"{significant} have a Benjamini-Hochberg q-value below 0.05"]
    if untested:
        notes.append(f"untested factors: {untested} have too few periods for a t (factor_summary.statistics_note)")
    return Drawn(figure, notes)


def figure_scheme_t_statistics(connection):
    """The strongest factors' long-short Newey-West t under each portfolio scheme (factor_scheme_summary):
    how much a factor's verdict depends on how its portfolios are built."""
    chosen = top_factors_or_reason(connection, "factor_scheme_summary")
    if isinstance(chosen, str):
        return chosen
    factors, left_out = chosen
    data = connection.execute(
        "select factor, scheme, scheme_index, long_short_nw_t from factor_scheme_summary "
        "where list_contains(?, factor) order by scheme_index, factor", [factors]).df()
    figure, axes = new_figure(8, 4.2)
    axis = axes[0][0]
    positions = {factor: position for position, factor in enumerate(factors)}
    for scheme, rows in data.groupby(["scheme_index", "scheme"], sort=True):
        axis.plot([positions[factor] for factor in rows["factor"]], rows["long_short_nw_t"], "o", label=scheme[1])
    for level in (T_HURDLE, -T_HURDLE):
        axis.axhline(level, color="black", linestyle="--", linewidth=0.9)
    axis.axhline(0, color="grey", linewidth=0.8)
    axis.set_xticks(range(len(factors)))
    axis.set_xticklabels([plain_text(factor) for factor in factors], rotation=20, ha="right", fontsize=8)
    axis.set_ylabel("long-short Newey-West t")
    axis.legend(loc="best", fontsize=8, title="scheme")
    axis.grid(axis="y", alpha=0.3)
    schemes = data["scheme"].nunique()
    notes = [note for note in [twins_note(left_out)] if note]
    if schemes == 1:
        notes.append("one portfolio scheme: list more in the dbt var portfolio_schemes to compare constructions")
    return Drawn(figure, notes)
