"""The article's SelectKBest(f_regression): F statistic of every factor against alpha,
Benjamini-Hochberg q-values, the f-score rank and the top-k selection the top-k models use."""

import numpy as np
import pandas as pd
from sklearn.feature_selection import f_regression

from factor_warehouse.research.blas_threads import one_blas_thread
from factor_warehouse.research.design_matrix import Filler


def benjamini_hochberg(p_values):
    """Benjamini-Hochberg q-values (step-up FDR adjustment) of a vector of p-values."""
    p_values = np.asarray(p_values, dtype="float64")
    count = p_values.size
    order = np.argsort(p_values, kind="stable")
    scaled = p_values[order] * count / np.arange(1, count + 1)
    q_sorted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    q_values = np.empty(count)
    q_values[order] = q_sorted
    # q >= p always; p * n / n can round one ulp below p
    return np.maximum(q_values, p_values)


def f_score_ranks(matrix, alpha, columns):
    """f_regression of every column against alpha; rank 1 = largest F (ties by name)."""
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
