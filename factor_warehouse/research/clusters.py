"""Clusters of factors by the correlation of their long-short returns, as Jensen, Kelly and
Pedersen (2023) group their 153 factors into 13 themes: hierarchical agglomerative clustering
(average linkage, scipy.cluster.hierarchy) on the distance 1 - rho, rho the Pearson correlation
of two factors' long-short returns over the periods both have, cut into at most `count` clusters.
A pair with fewer than 3 shared periods (no correlation) is at distance 1, as uncorrelated.
Clusters are numbered 1.. in the order of their first factor by name.
"""

import numpy as np
import pandas as pd

MIN_SHARED_PERIODS = 3


def factor_clusters(long_short, count, keys=("factor",)):
    """One row per factor of `long_short` (columns keys, period, value): cluster (1..), the
    number of factors in it and the count asked for; min(count, factors) clusters at most."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    if int(count) != count or count < 1:
        raise ValueError(f"the number of clusters must be a whole number >= 1; got {count!r} (dbt var factor_cluster_count)")
    keys = list(keys)
    wide = long_short.pivot_table(index="period", columns=keys, values="value", aggfunc="first", dropna=False)
    names = list(wide.columns)
    if len(names) == 1:
        labels = np.array([1])
    else:
        correlation = wide.corr(min_periods=MIN_SHARED_PERIODS).to_numpy()
        distance = np.where(np.isfinite(correlation), 1.0 - correlation, 1.0)
        distance = np.clip((distance + distance.T) / 2.0, 0.0, 2.0)
        np.fill_diagonal(distance, 0.0)
        labels = fcluster(linkage(squareform(distance, checks=False), method="average"),
                          t=min(int(count), len(names)), criterion="maxclust")
    frame = pd.DataFrame([dict(zip(keys, name if isinstance(name, tuple) else (name,))) for name in names])
    # number the clusters by their first factor in name order
    order = {label: number for number, label in enumerate(dict.fromkeys(labels[np.argsort(
        frame[keys].astype(str).agg("\x00".join, axis=1).to_numpy(), kind="stable")]), start=1)}
    frame["cluster"] = [order[label] for label in labels]
    frame["cluster_size"] = frame.groupby("cluster")["cluster"].transform("size")
    frame["cluster_count_setting"] = int(count)
    return frame.sort_values(keys).reset_index(drop=True)
