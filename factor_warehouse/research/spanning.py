"""Spanning: does a factor add anything to a model and to the factors like it? Its long-short
return regressed on the model's factor returns plus the long-short returns of the other factors
of its cluster (factor_warehouse.research.clusters), the alpha and its Newey-West t as in
factor_models (Huberman and Kandel 1987 for spanning by regression; JKP's clusters as the
factors "like it"). A factor alone in its cluster is tested against the model alone.
"""

import pandas as pd

from factor_warehouse.research.design_matrix import as_date_column
from factor_warehouse.research.factor_models import ALPHA_COLUMNS, model_matrices, one_regression

COLUMNS = ["cluster", "n_cluster_peers", *ALPHA_COLUMNS]


def factor_spanning(long_short, model_returns, clusters, lags, keys=("factor",)):
    """One row per (model, keys) of `long_short` (keys, period, value): the alpha against the
    model of `model_returns` (model, regressor, period, value) augmented by the long-short returns
    of the other factors of its cluster in `clusters` (keys, cluster)."""
    keys = list(keys)
    wide = long_short.pivot_table(index="period", columns=keys, values="value", aggfunc="first", dropna=False)
    label = {name: " / ".join(map(str, name)) if isinstance(name, tuple) else str(name) for name in wide.columns}
    cluster_of = {tuple(row[keys]) if len(keys) > 1 else row[keys[0]]: row["cluster"]
                  for _, row in clusters.iterrows()}
    rows = []
    for model, regressors in model_matrices(model_returns).items():
        for name in wide.columns:
            peers = [other for other in wide.columns if other != name and cluster_of.get(other) == cluster_of.get(name)]
            augmented = regressors.join(wide[peers].rename(columns=label), how="outer") if peers else regressors
            alpha, _ = one_regression(wide[name].dropna(), augmented, lags)
            identity = dict(zip(keys, name if isinstance(name, tuple) else (name,)))
            rows.append({"model": model, **identity, "cluster": cluster_of.get(name), "n_cluster_peers": len(peers),
                         **alpha})
    frame = pd.DataFrame(rows, columns=["model", *keys, *COLUMNS])
    for column in ("first_period", "last_period"):
        frame[column] = as_date_column(frame[column])
    frame["cluster"] = frame["cluster"].astype("Int64")
    frame["statistics_note"] = frame["statistics_note"].astype("string")
    return frame
