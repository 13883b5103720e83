"""The article's SelectKBest(f_regression): F statistic of every factor against alpha,
Benjamini-Hochberg q-values, the f-score rank and the top-k selection the top-k models use."""

import numpy as np
import pandas as pd

from factor_warehouse.research.blas_threads import one_blas_thread
from factor_warehouse.research.design_matrix import Filler
from factor_warehouse.research.multiple_testing import benjamini_hochberg


def f_score_ranks(matrix, alpha, columns):
    """f_regression of every column against alpha; rank 1 = largest F (ties by name)."""
    from sklearn.feature_selection import f_regression
    with np.errstate(invalid="ignore", divide="ignore"):  # constant columns: F = 0, p = 1
        f_statistic, p_value = f_regression(matrix, alpha)
    order = sorted(range(len(columns)), key=lambda i: (-f_statistic[i], columns[i]))
    score_rank = np.empty(len(columns), dtype="int64")
    score_rank[order] = np.arange(1, len(columns) + 1)
    return f_statistic, p_value, score_rank


def top_k_positions(matrix, alpha, columns, top_k):
    """Column positions of the top_k factors by f_regression F statistic, best first."""
    _, _, score_rank = f_score_ranks(matrix, alpha, columns)
    return np.argsort(score_rank)[:top_k]


@one_blas_thread
def factor_f_scores(design, top_k):
    """The article's SelectKBest(f_regression) on the mean-filled ranks, against alpha."""
    filler = Filler.fit(design.ranks)
    matrix = filler.transform(design.ranks)
    f_statistic, p_value, score_rank = f_score_ranks(matrix, design.alpha, filler.columns)
    return pd.DataFrame(
        {
            "factor": pd.Series(filler.columns, dtype=object),
            "target": "alpha",
            "n_rows": len(design.alpha),
            "n_present": design.ranks[filler.columns].notna().sum().to_numpy(),
            "f_statistic": f_statistic,
            "p_value": p_value,
            "q_value": benjamini_hochberg(p_value),
            "score_rank": score_rank,
            "is_top_k": score_rank <= top_k,
        }
    )
