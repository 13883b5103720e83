"""Choosing the penalty of lasso, ridge and elastic net by cross-validation over folds
that keep whole years of periods together (sklearn's LassoCV / ElasticNetCV grid, one Gram
matrix per fold). For yearly data a year of periods is one fiscal year."""

import warnings

import numpy as np

from factor_warehouse.research.design_matrix import Filler


def cross_validation_splits(years, single_year_folds):
    """Folds over rows whose period years are `years`: leave one year out (every period of
    the year held out together) when there are two years or more; with one year only,
    `single_year_folds` consecutive folds of the rows (ordered by period, stock_id, so the
    folds roughly follow the periods)."""
    from sklearn.model_selection import KFold, LeaveOneGroupOut
    distinct = np.unique(years)
    if distinct.size >= 2:
        splits = list(LeaveOneGroupOut().split(years, groups=years))
        return splits, f"leave_one_year_out ({len(splits)} folds)"
    splits = list(KFold(n_splits=single_year_folds).split(years))
    return splits, f"kfold_within_single_year ({len(splits)} folds)"


def penalty_grid(matrix, target, l1_ratio, settings):
    """sklearn's LassoCV / ElasticNetCV grid: geometric from the smallest all-zero penalty."""
    centered_x = matrix - matrix.mean(axis=0)
    largest = np.abs(centered_x.T @ (target - target.mean())).max() / (len(target) * l1_ratio)
    largest = max(largest, np.finfo("float64").tiny / settings.penalty_grid_ratio)
    return np.geomspace(largest, largest * settings.penalty_grid_ratio, num=settings.penalty_grid_size)


def penalized_estimator(model, penalty, l1_ratio, settings):
    from sklearn.linear_model import ElasticNet, Lasso, Ridge
    if model == "ridge":
        return Ridge(alpha=penalty)
    common = {"max_iter": settings.coordinate_descent_max_iter, "tol": settings.coordinate_descent_tol}
    if model == "lasso":
        return Lasso(alpha=penalty, **common)
    return ElasticNet(alpha=penalty, l1_ratio=l1_ratio, **common)


def validation_errors(model, candidates, train_x, train_y, validation_x, validation_y, settings):
    """Mean squared validation error of every (penalty, l1_ratio) candidate on one fold.

    Both solvers work on the centered training data (as sklearn's fit_intercept does) and
    share one Gram matrix per fold: ridge through its eigendecomposition, lasso and
    elastic net through enet_path with the Gram matrix precomputed.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import enet_path
    errors = np.empty(len(candidates))
    mean_x, mean_y = train_x.mean(axis=0), train_y.mean()
    centered_x, centered_y = train_x - mean_x, train_y - mean_y
    gram, moment = centered_x.T @ centered_x, centered_x.T @ centered_y
    centered_validation = validation_x - mean_x
    if model == "ridge":
        eigenvalues, eigenvectors = np.linalg.eigh(gram)
        rotated_moment = eigenvectors.T @ moment
        for i, (penalty, _) in enumerate(candidates):
            coefficients = eigenvectors @ (rotated_moment / (eigenvalues + penalty))
            errors[i] = np.mean((validation_y - centered_validation @ coefficients - mean_y) ** 2)
        return errors
    for l1_ratio in dict.fromkeys(ratio for _, ratio in candidates):
        positions = [i for i, (_, ratio) in enumerate(candidates) if ratio == l1_ratio]
        # With about as many factors as rows the grid's smallest penalties may not converge;
        # only their validation error is used here; the refit records whether it converged.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            _, coefficients, _ = enet_path(
                centered_x,
                centered_y,
                l1_ratio=l1_ratio,
                alphas=np.array([candidates[i][0] for i in positions]),
                precompute=gram,
                Xy=moment,
                max_iter=settings.coordinate_descent_max_iter,
                tol=settings.coordinate_descent_tol,
            )
        predictions = centered_validation @ coefficients + mean_y
        errors[positions] = np.mean((validation_y[:, None] - predictions) ** 2, axis=0)
    return errors


def choose_penalty(model, design, settings):
    """Penalty (and l1_ratio) with the least mean validation MSE over year-keeping folds.

    Each fold fills missing ranks with its own training rows' means, so not even the
    imputation sees the validation year. Ties go to the earlier (larger) penalty.
    Returns (penalty, l1_ratio or None, description of the folds).
    """
    target = design.alpha_rank
    full = Filler.fit(design.ranks).transform(design.ranks)
    if model == "ridge":
        candidates = [(float(penalty), None) for penalty in settings.ridge_penalties]
    else:
        ratios = (1.0,) if model == "lasso" else settings.elastic_net_l1_ratios
        candidates = [
            (float(penalty), float(ratio)) for ratio in ratios for penalty in penalty_grid(full, target, ratio, settings)
        ]
    splits, description = cross_validation_splits(design.period_years, settings.single_year_folds)
    errors = np.zeros(len(candidates))
    for train_rows, validation_rows in splits:
        fold = Filler.fit(design.ranks.iloc[train_rows])
        errors += validation_errors(
            model,
            candidates,
            fold.transform(design.ranks.iloc[train_rows]),
            target[train_rows],
            fold.transform(design.ranks.iloc[validation_rows]),
            target[validation_rows],
            settings,
        )
    penalty, l1_ratio = candidates[int(np.argmin(errors / len(splits)))]
    return penalty, (None if model == "lasso" else l1_ratio), description
