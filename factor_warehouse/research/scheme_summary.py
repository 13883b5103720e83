"""One row per (factor, portfolio scheme): how much a factor's verdict depends on how its
portfolios are built. For each scheme's long-short series (factor_long_short_returns) the same
statistics as factor_summary's spread, gross and net of trading costs: periods, mean, i.i.d. t and
Newey-West t, with the same rules for when they are null (statistics_note says which and why)."""

import pandas as pd

from factor_warehouse.research.factor_summary import iid_statistics, newey_west_statistics, periods_needed

COLUMNS = ["factor", "scheme", "scheme_index", "spread_periods", "mean_spread", "spread_t_statistic",
           "long_short_nw_t", "net_spread_periods", "mean_net_spread", "net_long_short_nw_t", "newey_west_lags",
           "periods_needed", "statistics_note"]


def one_scheme(factor, scheme, scheme_index, series, lags):
    notes = []
    n, mean, _, nw_t = newey_west_statistics(series["long_short_return"], lags, "long_short_nw_t",
                                             "a long-short return", notes)
    _, iid_t = iid_statistics(series["long_short_return"], (["mean_spread"], [], ["spread_t_statistic"]),
                              "a long-short return", notes)
    net_n, net_mean, _, net_t = newey_west_statistics(series["net_long_short_return"], lags, "net_long_short_nw_t",
                                                      "a net long-short return", notes)
    return {"factor": factor, "scheme": scheme, "scheme_index": scheme_index, "spread_periods": n,
            "mean_spread": mean, "spread_t_statistic": iid_t, "long_short_nw_t": nw_t, "net_spread_periods": net_n,
            "mean_net_spread": net_mean, "net_long_short_nw_t": net_t, "newey_west_lags": int(lags),
            "periods_needed": periods_needed(lags), "statistics_note": "; ".join(notes) or None}


def scheme_summary(long_short, scheme_names, lags):
    """One row per (factor, scheme) of `long_short` (scheme, factor, period, long_short_return,
    net_long_short_return), each series in period order; scheme_index is the scheme's place in
    `scheme_names` (the var portfolio_schemes' order), from 1."""
    positions = {name: index for index, name in enumerate(scheme_names, start=1)}
    long_short = long_short.assign(scheme_index=long_short["scheme"].map(positions)).sort_values(
        ["factor", "scheme_index", "period"])
    rows = [one_scheme(factor, scheme, scheme_index, series, lags)
            for (factor, scheme_index, scheme), series in long_short.groupby(["factor", "scheme_index", "scheme"],
                                                                            sort=True)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"spread_periods": "int64", "net_spread_periods": "int64", "scheme_index": "int64",
                         "mean_spread": "float64", "mean_net_spread": "float64"}) if len(frame) else frame

