"""The rank IC's statistics across periods at every horizon, with a Newey-West t whose lags
cover the overlap of the horizon: an IC at horizon h shares h - 1 periods with its neighbours,
so its t uses lags = max(newey_west_lags, h - 1) (fewer lags inflate it by about sqrt(h)).

One row per key group (factor and horizon, and any further key such as a scheme), each
series taken in period order, a period without an IC left out.
"""

import numpy as np
import pandas as pd

from factor_warehouse.research.factor_summary import iid_statistics, newey_west_statistics, periods_needed

COLUMNS = ["rank_ic_periods", "mean_rank_ic", "rank_ic_standard_deviation", "rank_ic_t_statistic",
           "newey_west_lags", "periods_needed",
           "rank_ic_nw_standard_error", "rank_ic_nw_t", "rank_ic_p_value", "statistics_note"]


def horizon_lags(lags, horizon):
    """Newey-West lags of an IC at `horizon`: max(lags, horizon - 1)."""
    return max(int(lags), int(horizon) - 1)


def one_series(values, horizon, lags):
    from scipy import stats
    notes = []
    used = horizon_lags(lags, horizon)
    n, mean, se, t = newey_west_statistics(values, used, "rank_ic_nw_t", "a rank IC", notes)
    sd, iid_t = iid_statistics(values, (["mean_rank_ic"], ["rank_ic_standard_deviation"], ["rank_ic_t_statistic"]),
                               "a rank IC", notes)
    if used > lags:
        notes.append(f"newey_west_lags is horizon - 1 = {used}, above the setting {int(lags)}: "
                     f"an IC at horizon {int(horizon)} overlaps {used} periods with its neighbours")
    return {
        "rank_ic_periods": n, "mean_rank_ic": mean, "rank_ic_standard_deviation": sd, "rank_ic_t_statistic": iid_t,
        "newey_west_lags": used,
        "periods_needed": periods_needed(used), "rank_ic_nw_standard_error": se, "rank_ic_nw_t": t,
        "rank_ic_p_value": 2.0 * stats.t.sf(abs(t), n - 1) if np.isfinite(t) else np.nan,
        "statistics_note": "; ".join(notes) or None,
    }


def ic_by_horizon(rank_ic, lags, keys=("factor", "horizon")):
    """One row per `keys` group of `rank_ic` (columns keys, period, rank_ic; `horizon` among
    the keys): periods with an IC, mean, sample sd, i.i.d. t, and the Newey-West standard error, t and
    two-sided p (t distribution, n - 1 degrees of freedom) with max(lags, horizon - 1) lags."""
    keys = list(keys)
    rows = [{**dict(zip(keys, key)), **one_series(series["rank_ic"], dict(zip(keys, key))["horizon"], lags)}
            for key, series in rank_ic.sort_values([*keys, "period"]).groupby(keys, sort=True)]
    frame = pd.DataFrame(rows, columns=[*keys, *COLUMNS])
    frame["horizon"] = frame["horizon"].astype("int32")
    frame["statistics_note"] = frame["statistics_note"].astype("string")  # text even when every note is null
    return frame
