"""Maximal Information Coefficient in numba: minepy 1.2.6's algorithm step for step, with minepy's
values to rounding (tests/test_mic_engine.py checks every statistic and matrix cell to 1e-12).

Estimators: "mic_approx", the characteristic matrix of Reshef et al. (2011, Science 334:1518, SOM:
ApproxMaxMI, EquipartitionYAxis, GetClumpsPartition, GetSuperclumpsPartition, OptimizeXAxis), and
"mic_e", the equicharacteristic matrix of Reshef et al. (2016, JMLR 17(212): EquicharClump). From
either come MIC, MAS, MEV, MCN (eps=0) and normalised TIC; alpha sets the grid bound B =
max(n**alpha, 4) for alpha in (0, 1], min(alpha, n) for alpha >= 4; c the clumps, max(int(c *
columns), 1). Only the arithmetic is arranged to cost less (see _optimize_columns). The compiled
functions release the GIL (callers may run pairs in threads) and are cached on disk (cache=True).
"""

import math

import numba
import numpy as np

from factor_warehouse.research.mic_parameters import ESTIMATORS

# minepy's MCN counts a grid as reaching MIC when its score + this delta >= MIC.
MCN_DELTA = 0.0001
# MCN when no cell qualifies (C's DBL_MAX, as minepy returns it).
LARGEST_DOUBLE = float(np.finfo(np.float64).max)

_jit = numba.njit(cache=True, nogil=True)


def mic_statistics(x, y, alpha, c, estimator):
    """MIC, MAS, MEV, MCN (eps=0) and normalised TIC of the pair (x, y), as minepy's
    MINE(alpha, c, est=estimator) gives them."""
    matrix, row_lengths = _score_matrix(x, y, alpha, c, estimator)
    mic, mas, mev, mcn, tic = _statistics(matrix, row_lengths)
    return {"mic": float(mic), "mas": float(mas), "mev": float(mev), "mcn": float(mcn), "tic": float(tic)}


def characteristic_matrix(x, y, alpha, c, estimator):
    """The (equi)characteristic matrix row by row, like minepy's MINE.get_score():
    entry [i][j] is the normalised mutual information of the best grid with i + 2
    bins of y and j + 2 bins of x."""
    matrix, row_lengths = _score_matrix(x, y, alpha, c, estimator)
    return [matrix[i, : row_lengths[i]].copy() for i in range(len(row_lengths))]


def _score_matrix(x, y, alpha, c, estimator):
    x, y = _validated_pair(x, y)
    _validate_parameters(alpha, c, estimator)
    row_lengths = _row_lengths(len(x), float(alpha))
    matrix = _fill_matrix(x, y, row_lengths, float(c), estimator == "mic_e")
    return matrix, row_lengths


def _validated_pair(x, y):
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"MIC needs two 1-d arrays; got shapes {x.shape} and {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"MIC needs x and y of equal length; got {len(x)} and {len(y)}, pass paired values")
    if len(x) < 2:
        raise ValueError(f"MIC needs at least 2 pairs; got {len(x)}")
    if np.isnan(x).any() or np.isnan(y).any():
        raise ValueError("MIC input contains NaN; drop the pairs with a missing value first")
    return x, y


def _validate_parameters(alpha, c, estimator):
    if estimator not in ESTIMATORS:
        raise ValueError(f"MIC estimator {estimator!r} is unknown; use one of {ESTIMATORS}")
    if not (0 < float(alpha) <= 1 or float(alpha) >= 4):
        raise ValueError(f"MIC alpha {alpha!r} is out of range; use alpha in (0, 1] or alpha >= 4")
    if not float(c) > 0:
        raise ValueError(f"MIC c {c!r} is out of range; use c > 0")


def _row_lengths(n, alpha):
    """Row i of the matrix (i + 2 bins of y) holds the column counts 2 .. lengths[i] + 1,
    all grids with at most B cells, B as minepy derives it from n and alpha."""
    if alpha <= 1:
        bound = max(float(n) ** alpha, 4.0)
    else:
        bound = min(alpha, float(n))
    rows = max(math.floor(bound / 2.0), 2) - 1
    return np.array([math.floor(bound / (i + 2)) - 1 for i in range(rows)], dtype=np.int64)


@_jit
def _fill_matrix(x, y, row_lengths, c, equicharacteristic):
    """Both passes of minepy: y equipartitioned and x optimised, then the roles swapped;
    mic_approx keeps the larger score of a cell, mic_e takes each cell from the pass
    whose equipartitioned axis has at least as many bins."""
    n = len(x)
    plogp = _plogp_table(n)
    rows = len(row_lengths)
    width = max(row_lengths[0], 1)
    matrix = np.zeros((rows, width))
    swapped = np.zeros((rows, width))
    _one_pass(y, x, row_lengths, c, equicharacteristic, plogp, matrix)
    _one_pass(x, y, row_lengths, c, equicharacteristic, plogp, swapped)
    for i in range(rows):
        for j in range(row_lengths[i]):
            if equicharacteristic:
                if j <= i:
                    matrix[j, i] = swapped[i, j]
            elif swapped[i, j] > matrix[j, i]:
                matrix[j, i] = swapped[i, j]
    return matrix


@_jit
def _plogp_table(n):
    """k * log(k) for every count k = 0 .. n (0 for k = 0)."""
    table = np.zeros(n + 1)
    for k in range(2, n + 1):
        table[k] = k * math.log(k)
    return table


@_jit
def _tie_groups(values):
    """Sort order of `values`, the tie group of each sorted position (groups numbered
    in increasing value) and each group's size."""
    order = np.argsort(values)
    n = len(values)
    group_of_position = np.empty(n, np.int64)
    sizes = np.zeros(n, np.int64)
    group = 0
    for k in range(n):
        if k > 0 and values[order[k]] != values[order[k - 1]]:
            group += 1
        group_of_position[k] = group
        sizes[group] += 1
    return order, group_of_position, sizes[: group + 1]


@_jit
def _one_pass(row_values, column_values, row_lengths, c, equicharacteristic, plogp, out):
    """out[i, j]: best normalised mutual information over grids with `row_values`
    equipartitioned into i + 2 bins and `column_values` cut into j + 2 columns."""
    row_order, row_group_sorted, row_group_sizes = _tie_groups(row_values)
    column_order, _, column_group_sizes = _tie_groups(column_values)
    n = len(row_values)
    row_group_of_point = np.empty(n, np.int64)
    for k in range(n):
        row_group_of_point[row_order[k]] = row_group_sorted[k]
    row_group_by_column_rank = row_group_of_point[column_order]

    row_of_group = np.empty(len(row_group_sizes), np.int64)
    row_by_column_rank = np.empty(n, np.int64)
    column_of_tie_group = np.empty(len(column_group_sizes), np.int64)
    clump_sizes = np.empty(len(column_group_sizes), np.int64)
    superclump_of_clump = np.empty(len(column_group_sizes), np.int64)
    for i in range(len(row_lengths)):
        max_columns = row_lengths[i] + 1
        if equicharacteristic:
            max_columns = min(i + 2, max_columns)
        if max_columns < 2:
            continue
        rows = _equipartition(row_group_sizes, i + 2, row_of_group)
        for k in range(n):
            row_by_column_rank[k] = row_of_group[row_group_by_column_rank[k]]
        clumps = _clumps(column_group_sizes, row_by_column_rank, column_of_tie_group, clump_sizes)
        max_clumps = max(int(c * (row_lengths[i] + 1)), 1)
        if clumps > max_clumps:
            clumps = _equipartition(clump_sizes[:clumps], max_clumps, superclump_of_clump)
            for g in range(len(column_group_sizes)):
                column_of_tie_group[g] = superclump_of_clump[column_of_tie_group[g]]
        counts = _cumulative_counts(column_group_sizes, column_of_tie_group, row_by_column_rank, rows, clumps)
        _optimize_columns(counts, plogp, max_columns, out[i])


@_jit
def _equipartition(group_sizes, bins, bin_of_group):
    """EquipartitionYAxis over consecutive groups of tied points (a group is never
    split): a new bin starts before a group when the current bin is not empty and
    adding the group would not bring it closer to its target size; the target is
    the points left divided by the bins left. Returns the number of bins used."""
    total = 0
    for size in group_sizes:
        total += size
    target = total / bins
    current = 0
    filled = 0
    placed = 0
    for g in range(len(group_sizes)):
        size = group_sizes[g]
        if filled != 0 and abs(filled + size - target) >= abs(filled - target):
            current += 1
            filled = 0
            target = (total - placed) / (bins - current)
        bin_of_group[g] = current
        filled += size
        placed += size
    return current + 1


@_jit
def _clumps(tie_group_sizes, row_by_rank, clump_of_tie_group, clump_sizes):
    """GetClumpsPartition: walking the tie groups of the column variable in order,
    consecutive groups whose points all lie in the same row form one clump; a group
    whose tied points span several rows is a clump of its own. Returns the count."""
    clumps = 0
    previous_row = -1  # -1: no previous group, or it spanned several rows
    start = 0
    for g in range(len(tie_group_sizes)):
        size = tie_group_sizes[g]
        row = row_by_rank[start]
        for k in range(start + 1, start + size):
            if row_by_rank[k] != row:
                row = -1
                break
        if row == -1 or row != previous_row:
            clump_sizes[clumps] = 0
            clumps += 1
        clump_sizes[clumps - 1] += size
        clump_of_tie_group[g] = clumps - 1
        previous_row = row
        start += size
    return clumps


@_jit
def _cumulative_counts(tie_group_sizes, column_of_tie_group, row_by_rank, rows, columns):
    """counts[r, t]: points of row r in the first t columns (t = 0 .. columns)."""
    counts = np.zeros((rows, columns + 1), np.int64)
    start = 0
    for g in range(len(tie_group_sizes)):
        column = column_of_tie_group[g]
        for k in range(start, start + tie_group_sizes[g]):
            counts[row_by_rank[k], column + 1] += 1
        start += tie_group_sizes[g]
    for r in range(rows):
        for t in range(1, columns + 1):
            counts[r, t] += counts[r, t - 1]
    return counts


@_jit
def _optimize_columns(counts, plogp, max_columns, scores):
    """OptimizeXAxis: scores[l - 2] for l = 2 .. max_columns is the largest mutual
    information of the rows with l columns made of whole clumps, divided by
    log(min(l, rows)).

    best[l, t] holds c_t * (I(t, l) - H(Q)), where c_t counts the points of the
    first t clumps and I(t, l) is minepy's table: best[1, t] = -c_t H(Q | first t
    clumps) and best[l, t] = max over s = l-1 .. t of best[l - 1, s] - W(s, t), with
    W(s, t) the count-weighted entropy of the rows within clumps s+1 .. t (W(t, t) = 0).
    Right edges run in the outer loop so that W(., t) is computed once for all l."""
    rows, columns = counts.shape[0], counts.shape[1] - 1
    if columns == 1:
        scores[: max_columns - 1] = 0.0
        return
    totals = _column_totals(counts)
    best = np.empty((max_columns + 1, columns + 1))
    for t in range(1, columns + 1):
        best[1, t] = -_weighted_entropy(counts, t, 0, totals, plogp)
    block_entropy = np.empty(columns + 1)
    for t in range(2, columns + 1):
        # best[max_columns, t] is read only at the last edge, t = columns.
        top_level = min(t, max_columns if t == columns else max_columns - 1)
        if top_level < 2:
            continue
        _block_entropies(counts, t, totals, plogp, block_entropy)
        for level in range(2, top_level + 1):
            best[level, t] = _best_split(best[level - 1], block_entropy, level - 1, t)
    row_entropy = _row_entropy(counts, totals[columns])
    for level in range(2, max_columns + 1):
        information = row_entropy + best[min(level, columns), columns] / totals[columns]
        scores[level - 2] = information / min(math.log(level), math.log(rows))


@_jit
def _best_split(previous_level, block_entropy, first, t):
    """max over s = first .. t of previous_level[s] - W(s, t); s = t, an empty last
    column, offers previous_level[t]."""
    best = previous_level[t]
    for s in range(first, t):
        candidate = previous_level[s] - block_entropy[s]
        if candidate > best:
            best = candidate
    return best


@_jit
def _column_totals(counts):
    totals = np.zeros(counts.shape[1], np.int64)
    for r in range(counts.shape[0]):
        for t in range(counts.shape[1]):
            totals[t] += counts[r, t]
    return totals


@_jit
def _weighted_entropy(counts, t, s, totals, plogp):
    """(c_t - c_s) times the entropy of the rows among the points of clumps s+1 .. t."""
    inner = 0.0
    for r in range(counts.shape[0]):
        inner += plogp[counts[r, t] - counts[r, s]]
    return plogp[totals[t] - totals[s]] - inner


@_jit
def _block_entropies(counts, t, totals, plogp, out):
    """out[s] = W(s, t) for s = 1 .. t - 1. Rows form the outer loop so that the inner
    loop reads contiguous counts; each out[s] still sums its rows in row order."""
    for s in range(1, t):
        out[s] = plogp[totals[t] - totals[s]]
    for r in range(counts.shape[0]):
        edge = counts[r, t]
        row = counts[r]
        for s in range(1, t):
            out[s] -= plogp[edge - row[s]]


@_jit
def _row_entropy(counts, n):
    """H(Q): entropy of the row sizes."""
    entropy = 0.0
    log_n = math.log(n)
    last = counts.shape[1] - 1
    for r in range(counts.shape[0]):
        size = counts[r, last]
        if size > 0:
            entropy -= (size / n) * (math.log(size) - log_n)
    return entropy


@_jit
def _statistics(matrix, row_lengths):
    """minepy's MIC, MAS, MEV, MCN (eps=0) and normalised TIC of the matrix."""
    mic = 0.0
    mev = 0.0
    tic = 0.0
    cells = 0
    for i in range(len(row_lengths)):
        for j in range(row_lengths[i]):
            score = matrix[i, j]
            mic = max(mic, score)
            if i == 0 or j == 0:
                mev = max(mev, score)
            tic += score
            cells += 1
    mas = 0.0
    mcn = LARGEST_DOUBLE
    for i in range(len(row_lengths)):
        for j in range(row_lengths[i]):
            mas = max(mas, abs(matrix[i, j] - matrix[j, i]))
            if matrix[i, j] + MCN_DELTA >= mic:
                mcn = min(mcn, math.log((i + 2) * (j + 2)) / math.log(2.0))
    tic = tic / cells if cells > 0 else np.nan
    return mic, mas, mev, mcn, tic
