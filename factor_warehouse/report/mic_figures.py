"""Figure of the MIC table: each factor's pooled MIC against its |mean rank IC|, the
non-linear candidates labelled. Returns a `Drawn` figure or the reason its panel is empty."""

from factor_warehouse.report.drawing import Drawn, new_figure, plain_text
from factor_warehouse.report.queries import missing_tables_reason


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
    axis.set_xlabel("|mean rank IC| across periods (factor_summary)")
    axis.set_ylabel(f"MIC, all periods pooled ({estimators})")
    axis.legend(loc="center right", fontsize=8)
    axis.grid(alpha=0.3)
    return Drawn(figure)
