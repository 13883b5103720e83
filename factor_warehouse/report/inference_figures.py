"""Figures of the inference tables (README "Is it alpha?"), under CAPM, the model every warehouse has:
each factor's long-short alpha t against its raw t with the hurdles 1.96, 3 and the
Benjamini-Yekutieli threshold, and the empirical-Bayes posterior means with their intervals by
cluster. Each function takes a read-only connection and returns a `Drawn` figure or the reason its
panel is empty."""

from scipy import stats

from factor_warehouse.report.drawing import CONFIDENCE, Drawn, new_figure
from factor_warehouse.report.queries import count_and_list, missing_tables_reason, period_labels

MODEL = "capm"
HURDLES = (1.96, 3.0)  # the 5% two-sided hurdle and Harvey, Liu and Zhu's
FALSE_DISCOVERY_RATE = 0.05  # the Benjamini-Yekutieli q below which an alpha is a discovery


def no_alpha_reason(connection, table):
    """Why `table` has no CAPM long-short alpha with a t: the periods there are."""
    return (f"no factor has a CAPM long-short alpha t in {table}: a regression needs at least "
            "max(3, newey_west_lags + 2) periods with a long-short return (factor_alphas.statistics_note), "
            f"and this warehouse has {count_and_list(period_labels(connection))}")


def by_threshold(alphas):
    """The smallest |alpha t| of the alphas with a Benjamini-Yekutieli q at most FALSE_DISCOVERY_RATE:
    every |t| at or above it is a discovery; None when none is."""
    discovered = alphas.loc[alphas["alpha_by_q_value"] <= FALSE_DISCOVERY_RATE, "alpha_nw_t"].abs()
    return None if discovered.empty else float(discovered.min())


def figure_alpha_against_raw_t(connection):
    """Each factor's CAPM long-short alpha Newey-West t against its raw long-short t, with the hurdles."""
    reason = missing_tables_reason(connection, "factor_alphas", "factor_summary")
    if reason:
        return reason
    alphas = connection.execute(
        "select a.factor, s.long_short_nw_t, a.alpha_nw_t, a.alpha_by_q_value from factor_alphas as a "
        "inner join factor_summary as s on a.factor = s.factor "
        "where a.model = ? and a.series = 'long_short' and a.alpha_nw_t is not null "
        "and s.long_short_nw_t is not null order by a.factor", [MODEL]).df()
    if alphas.empty:
        return no_alpha_reason(connection, "factor_alphas")
    threshold = by_threshold(alphas)
    figure, axes = new_figure(6.5, 5)
    axis = axes[0][0]
    axis.scatter(alphas["long_short_nw_t"], alphas["alpha_nw_t"], s=14, color="tab:blue")
    limit = max(alphas["long_short_nw_t"].abs().max(), alphas["alpha_nw_t"].abs().max(), HURDLES[-1]) * 1.1
    axis.plot([-limit, limit], [-limit, limit], color="grey", linewidth=0.8, label="alpha t = raw t")
    levels = [(hurdle, ":" if hurdle == HURDLES[0] else "--", "black", f"|t| = {hurdle:g}") for hurdle in HURDLES]
    if threshold is not None:
        levels.append((threshold, "-", "tab:red", f"BY q <= {FALSE_DISCOVERY_RATE:g}: |t| >= {threshold:.2f}"))
    for level, style, color, label in levels:
        axis.axhline(level, linestyle=style, color=color, linewidth=0.9, label=label)
        axis.axhline(-level, linestyle=style, color=color, linewidth=0.9)
    axis.set_xlim(-limit, limit)
    axis.set_ylim(-limit, limit)
    axis.set_xlabel("raw long-short Newey-West t (factor_summary)")
    axis.set_ylabel("CAPM alpha Newey-West t (factor_alphas)")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    cleared = ", ".join(f"{int((alphas['alpha_nw_t'].abs() > hurdle).sum())} clear |t| > {hurdle:g}"
                        for hurdle in HURDLES)
    discoveries = "none has" if threshold is None else f"{int((alphas['alpha_by_q_value'] <= FALSE_DISCOVERY_RATE).sum())} have"
    return Drawn(figure, [f"CAPM alphas of {len(alphas)} factors: {cleared}; {discoveries} a Benjamini-Yekutieli "
                          f"q-value at most {FALSE_DISCOVERY_RATE:g}"])


def figure_posteriors_by_cluster(connection):
    """The empirical-Bayes posterior mean of each factor's CAPM alpha with its interval, grouped by cluster."""
    reason = missing_tables_reason(connection, "factor_alpha_posteriors")
    if reason:
        return reason
    posteriors = connection.execute(
        "select factor, cluster, alpha, posterior_mean, posterior_standard_deviation, is_significant, "
        "significant_set_fdr from factor_alpha_posteriors where model = ? and posterior_mean is not null "
        "order by cluster, posterior_mean, factor", [MODEL]).df()
    if posteriors.empty:
        return no_alpha_reason(connection, "factor_alpha_posteriors")
    z = stats.norm.ppf(0.5 + CONFIDENCE / 2)
    figure, axes = new_figure(8, 4.5)
    axis = axes[0][0]
    positions = range(len(posteriors))
    colors = [f"C{int(cluster) % 10}" for cluster in posteriors["cluster"]]
    axis.errorbar(positions, posteriors["posterior_mean"], yerr=z * posteriors["posterior_standard_deviation"],
                  fmt="none", ecolor=colors, linewidth=1)
    axis.scatter(positions, posteriors["posterior_mean"], c=colors, s=16, zorder=3, label="posterior mean")
    axis.scatter(positions, posteriors["alpha"], marker="x", color="grey", s=14, label="estimated alpha")
    axis.axhline(0, color="grey", linewidth=0.8)
    starts = posteriors.reset_index().groupby("cluster")["index"].min()
    axis.set_xticks(list(starts), [f"cluster {cluster}" for cluster in starts.index], rotation=30, ha="right",
                    fontsize=8)
    axis.set_xlabel("factors by cluster (factor_clusters), each sorted by posterior mean")
    axis.set_ylabel("CAPM alpha (pp per period)")
    axis.legend(loc="best", fontsize=8)
    axis.grid(axis="y", alpha=0.3)
    significant = posteriors[posteriors["is_significant"]]
    fdr = "" if significant.empty else f", with a false discovery rate of {significant['significant_set_fdr'].iloc[0]:.4f}"
    return Drawn(figure, [f"{CONFIDENCE:.0%} posterior intervals: mean +/- {z:.2f} posterior sd (normal posterior); "
                          f"{len(significant)} of {len(posteriors)} factors have a sign probability of at least "
                          f"0.975{fdr}"])
