"""The multivariate Fama-MacBeth models of the warehouse: alpha on the percentile ranks of a
list of factors (default: the top-k by f-score), over the stock-periods where every listed rank
exists, and on every factor with missing ranks filled as the in-sample alpha models fill them
(design_matrix.Filler: the factor's mean over all rows). Estimates: research.fama_macbeth."""

import numpy as np
import pandas as pd

from factor_warehouse.research.design_matrix import Filler
from factor_warehouse.research.fama_macbeth import fama_macbeth
from factor_warehouse.research.factor_summary import periods_needed

COLUMNS = ["model", "factor", "coefficient", "standard_error", "nw_t", "n_periods", "n_periods_skipped",
           "n_factors", "n_stock_periods", "newey_west_lags", "statistics_note"]


def estimates(model, design, matrix, names, lags, note):
    """fama_macbeth of alpha on `matrix` (rows of `design`), one row per regressor, labelled."""
    periods = design.keys["period"].to_numpy()
    result = fama_macbeth(periods, design.alpha, matrix, names, lags)
    notes = [note] if note else []
    needed = periods_needed(lags)
    too_few = result["n_periods"] < needed
    if too_few.any():
        result.loc[too_few, ["standard_error", "nw_t"]] = np.nan
        notes.append(f"nw_t needs at least {needed} fitted periods (max(3, newey_west_lags + 2), newey_west_lags = "
                     f"{lags}); {int(result['n_periods'].min())} were fitted")
    skipped = int(result["n_periods_skipped"].iloc[0])
    if skipped:
        notes.append(f"{skipped} periods skipped: no more stocks than regressors, or collinear ranks")
    return result.assign(model=model, n_factors=len(names), n_stock_periods=len(matrix),
                         newey_west_lags=int(lags), statistics_note="; ".join(notes) or None)


def fama_macbeth_models(design, listed_factors, lags, listed_model="top_k"):
    """Rows for `listed_model` (the factors of `listed_factors` present in the design, complete
    cases only) and 'all_factors' (every factor of the design, missing ranks filled)."""
    listed = [factor for factor in dict.fromkeys(listed_factors) if factor in design.ranks.columns]
    absent = [factor for factor in dict.fromkeys(listed_factors) if factor not in design.ranks.columns]
    frames = []
    if listed:
        complete = design.ranks[listed].notna().all(axis=1).to_numpy()
        subset = design.subset(complete)
        note = f"listed factors without ranks left out: {', '.join(map(str, absent))}" if absent else None
        frames.append(estimates(listed_model, subset, subset.ranks[listed].to_numpy(dtype="float64"), listed, lags,
                                note))
    filler = Filler.fit(design.ranks)
    frames.append(estimates("all_factors", design, filler.transform(design.ranks), filler.columns, lags, None))
    return pd.concat(frames, ignore_index=True)[COLUMNS]
