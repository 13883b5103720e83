"""How well predictions do: MSE, R2, rank IC and the top-minus-bottom quintile alpha per
(model, evaluation, scope), from the alpha_predictions table."""

import numpy as np
import pandas as pd
from scipy import stats


def quintile_spread(predicted, alpha):
    """Mean alpha of the top minus the bottom prediction quintile (floor(5 (r - 1) / n),
    r the ordinal rank of the prediction; ties keep row order)."""
    count = len(predicted)
    if count < 5:
        return np.nan
    quintile = np.floor(5 * (stats.rankdata(predicted, method="ordinal") - 1) / count)
    return alpha[quintile == 4].mean() - alpha[quintile == 0].mean()


def year_metrics(group):
    actual, predicted, alpha = (group[c].to_numpy(dtype="float64") for c in ("actual", "predicted", "alpha"))
    residual_sum = np.sum((actual - predicted) ** 2)
    total_sum = np.sum((actual - actual.mean()) ** 2)
    constant = np.ptp(actual) == 0 or np.ptp(predicted) == 0
    return {
        "n_rows": len(actual),
        "mse": residual_sum / len(actual),
        "r2": 1 - residual_sum / total_sum if total_sum > 0 else np.nan,
        "rank_ic": np.nan if constant or len(actual) < 2 else stats.spearmanr(predicted, actual).statistic,
        "top_minus_bottom_alpha": quintile_spread(predicted, alpha),
    }


def alpha_model_metrics(predictions):
    """Per (model, evaluation, scope): scope is 'all' or a fiscal year. For 'all', MSE and R2
    are pooled over rows; rank IC and the quintile spread are means of the yearly values."""
    rows = []
    for (model, evaluation), group in predictions.groupby(["model", "evaluation"], sort=True):
        yearly = {year: year_metrics(rows_of_year) for year, rows_of_year in group.groupby("fiscal_year", sort=True)}
        pooled = year_metrics(group)
        pooled["rank_ic"] = np.nanmean([m["rank_ic"] for m in yearly.values()]) if yearly else np.nan
        spreads = [m["top_minus_bottom_alpha"] for m in yearly.values()]
        pooled["top_minus_bottom_alpha"] = np.nan if np.all(np.isnan(spreads)) else np.nanmean(spreads)
        scopes = [("all", len(yearly), pooled)] + [(str(year), 1, m) for year, m in yearly.items()]
        for scope, n_years, metrics in scopes:
            rows.append({"model": model, "evaluation": evaluation, "scope": scope, "n_years": n_years, **metrics})
    columns = ["model", "evaluation", "scope", "n_years", "n_rows", "mse", "r2", "rank_ic", "top_minus_bottom_alpha"]
    return pd.DataFrame(rows, columns=columns)
