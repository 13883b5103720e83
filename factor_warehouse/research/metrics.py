"""How well predictions do: MSE, R2, rank IC and the top-minus-bottom quintile alpha per
(model, evaluation, scope), from the alpha_predictions table.

Scope is 'all' or a year of periods. MSE and R2 pool the scope's rows. Rank IC and the
quintile spread are cross-sectional: computed within each period, then averaged over the
scope's periods (for yearly data one period per year, so a year's value is its own)."""

import numpy as np
import pandas as pd

from factor_warehouse.research.design_matrix import period_years

METRIC_COLUMNS = [
    "model", "evaluation", "scope", "n_years", "n_periods", "n_rows", "mse", "r2", "rank_ic", "top_minus_bottom_alpha",
]


def quintile_spread(predicted, alpha):
    """Mean alpha of the top minus the bottom prediction quintile (floor(5 (r - 1) / n),
    r the ordinal rank of the prediction; ties keep row order); NaN below 5 rows."""
    from scipy import stats
    count = len(predicted)
    if count < 5:
        return np.nan
    quintile = np.floor(5 * (stats.rankdata(predicted, method="ordinal") - 1) / count)
    return alpha[quintile == 4].mean() - alpha[quintile == 0].mean()


def cross_section_scores(rows):
    """Rank IC (Spearman of predicted against actual; NaN when either is constant or there
    are fewer than 2 rows) and quintile spread of one period's predictions."""
    from scipy import stats
    actual, predicted, alpha = (rows[c].to_numpy(dtype="float64") for c in ("actual", "predicted", "alpha"))
    constant = len(actual) < 2 or np.ptp(actual) == 0 or np.ptp(predicted) == 0
    return {
        "rank_ic": np.nan if constant else stats.spearmanr(predicted, actual).statistic,
        "top_minus_bottom_alpha": quintile_spread(predicted, alpha),
    }


def pooled_errors(rows):
    """n_rows, MSE and R2 (1 - SSE / SST, NaN when actual is constant) over all `rows`."""
    actual, predicted = rows["actual"].to_numpy(dtype="float64"), rows["predicted"].to_numpy(dtype="float64")
    residual_sum = np.sum((actual - predicted) ** 2)
    total_sum = np.sum((actual - actual.mean()) ** 2)
    return {
        "n_rows": len(actual),
        "mse": residual_sum / len(actual),
        "r2": 1 - residual_sum / total_sum if total_sum > 0 else np.nan,
    }


def mean_of_defined(values):
    """Mean of the non-NaN values; NaN when there is none."""
    values = np.asarray(values, dtype="float64")
    return values[~np.isnan(values)].mean() if (~np.isnan(values)).any() else np.nan


def alpha_model_metrics(predictions):
    """One row per (model, evaluation, scope) of `predictions` (columns model, evaluation,
    period, actual, predicted, alpha; rows in the order quintile ties should follow).

    scope 'all' covers every predicted period, scope '2016' etc. the periods of that year.
    n_rows, mse and r2 pool the scope's rows; rank_ic and top_minus_bottom_alpha are the mean
    over the scope's periods of the per-period values (periods where a value is undefined are
    left out of the mean); n_years and n_periods count the scope's years and periods."""
    rows = []
    for (model, evaluation), group in predictions.groupby(["model", "evaluation"], sort=True):
        periods, period_scores = [], []
        for period, period_rows in group.groupby("period", sort=True):
            periods.append(period)
            period_scores.append(cross_section_scores(period_rows))
        scores = pd.DataFrame(period_scores, columns=["rank_ic", "top_minus_bottom_alpha"])
        scores["year"] = period_years(periods)
        row_years = period_years(group["period"])
        scopes = [("all", group, scores)] + [
            (str(year), group[row_years == year], scores[scores["year"] == year]) for year in scores["year"].unique()
        ]
        for scope, scope_rows, scope_scores in scopes:
            rows.append({
                "model": model,
                "evaluation": evaluation,
                "scope": scope,
                "n_years": scope_scores["year"].nunique(),
                "n_periods": len(scope_scores),
                **pooled_errors(scope_rows),
                "rank_ic": mean_of_defined(scope_scores["rank_ic"]),
                "top_minus_bottom_alpha": mean_of_defined(scope_scores["top_minus_bottom_alpha"]),
            })
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)
