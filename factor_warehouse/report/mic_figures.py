"""Figure of the MIC table: each factor's pooled MIC against its |mean rank IC|, duplicate
factors left out, the non-linear candidates and the most linear factors numbered on the plot
and named in a table next to it (names written on the plot overlap where points crowd).
Returns a `Drawn` figure or the reason its panel is empty."""

from factor_warehouse.report.drawing import Drawn, Table, new_figure
from factor_warehouse.report.queries import factor_twins, missing_tables_reason


LABELLED_MIC_FACTORS = 3  # factors labelled in figure 4, by MIC minus |rank IC|
LABELLED_IC_FACTORS = 3  # and by |rank IC|


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
    kept, left_out = factor_twins(connection).without_twins(list(data["factor"]))
    data = data[data["factor"].isin(kept)]
    nonlinear = data.nlargest(LABELLED_MIC_FACTORS, "mic_minus_absolute_rank_ic")
    linear = data[~data["factor"].isin(nonlinear["factor"])].nlargest(LABELLED_IC_FACTORS, "absolute_rank_ic")
    figure, axes = new_figure(7, 5.5)
    axis = axes[0][0]
    axis.scatter(data["absolute_rank_ic"], data["mic"], s=12, color="lightgrey", label="factor")
    axis.scatter(nonlinear["absolute_rank_ic"], nonlinear["mic"], s=24, color="tab:red",
                 label="highest MIC minus |rank IC| (non-linear candidates)")
    axis.scatter(linear["absolute_rank_ic"], linear["mic"], s=24, color="tab:blue", label="highest |rank IC|")
    labelled = [("non-linear candidate", row) for row in nonlinear.itertuples()] + [
        ("highest |rank IC|", row) for row in linear.itertuples()]
    for number, (_, row) in enumerate(labelled, start=1):
        axis.annotate(str(number), (row.absolute_rank_ic, row.mic), fontsize=8, fontweight="bold",
                      xytext=(4, 4), textcoords="offset points")
    estimators = ", ".join(sorted(data["estimator"].unique()))
    axis.set_xlabel("|mean rank IC| across periods (factor_summary)")
    axis.set_ylabel(f"MIC, all periods pooled ({estimators})")
    axis.legend(loc="best", fontsize=8)
    axis.grid(alpha=0.3)
    table = Table(("number", "factor", "role", "MIC", "|rank IC|", "MIC - |rank IC|"), tuple(
        (str(number), row.factor, role, f"{row.mic:.3f}", f"{row.absolute_rank_ic:.3f}",
         f"{row.mic_minus_absolute_rank_ic:.3f}")
        for number, (role, row) in enumerate(labelled, start=1)))
    notes = []
    if left_out:
        notes.append(f"duplicates: {len(left_out)} factors are left out as twins of another factor (table "
                     "factor_duplicates, listed under Duplicate factors): "
                     + ", ".join(f"'{factor}'" for factor, _ in left_out))
    return Drawn(figure, notes, table)
