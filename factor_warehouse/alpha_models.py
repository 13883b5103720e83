"""Which factors predict alpha, and how well models built on them do: the article's second
half (f_regression / SelectKBest, single-factor lines, the top-k LinearRegression and
SGDRegressor, learning curves, Lasso / Ridge / Elastic Net) plus honest out-of-sample
(walk-forward) evaluation. Pure functions on a `design_matrix.Design`; the dbt Python
models in python_models/alpha_models/ are thin shims around them.

Targets as in the article: alpha for the f-scores and single-factor fits, alpha_rank
for the multi-factor models.
"""

import functools
import warnings
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import yaml
from scipy import stats
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import f_regression
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge, SGDRegressor, enet_path
from sklearn.model_selection import KFold, LeaveOneGroupOut, learning_curve
from threadpoolctl import threadpool_limits

from factor_warehouse.design_matrix import Filler

MODELS = ("linear_topk", "sgd_topk", "lasso", "ridge", "elastic_net")
TOP_K_MODELS = ("linear_topk", "sgd_topk")
INTERCEPT = "(intercept)"
MULTI_FACTOR_TARGET = "alpha_rank"


def one_blas_thread(function):
    """Run with one BLAS / OpenMP thread. The matrices are small (221 columns) and dbt runs
    models in parallel on few cores: measured on the demo data under load, the learning
    curve took 10 s with BLAS's default threads and 2 s with one."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1):
            return function(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class ModelSettings:
    """Every knob of the models; the dbt models pass the YAML config `alpha_model_settings`."""

    top_k: int = 10  # factors kept by f_regression for the *_topk models (the article's k)
    sgd_max_iter: int = 100_000  # SGDRegressor settings exactly as the article
    sgd_tol: float = 1e-5
    sgd_eta0: float = 0.01
    sgd_n_iter_no_change: int = 100
    sgd_random_state: int = 42
    penalty_grid_size: int = 30  # lasso / elastic net: penalties per grid, geometric
    penalty_grid_ratio: float = 1e-3  # smallest / largest penalty (sklearn's eps)
    ridge_penalties: tuple = (0.1, 1.0, 10.0, 100.0, 1_000.0, 10_000.0, 100_000.0)
    elastic_net_l1_ratios: tuple = (0.2, 0.5, 0.8)
    single_year_folds: int = 5  # CV folds within the year when only one fiscal year is fitted
    coordinate_descent_max_iter: int = 1_000  # sklearn default; 10,000 was 7x slower on the 2018 sample, same choices
    coordinate_descent_tol: float = 1e-4
    learning_curve_sizes: int = 40  # np.linspace(0.01, 1.0, sizes), as the article
    learning_curve_folds: int = 5

    @classmethod
    def from_config(cls, config, source="alpha_model_settings"):
        """Build from a mapping; unknown or missing keys are errors (no silent defaults).

        Values may be text, as dbt renders "{{ var(...) }}": they are converted to each
        setting's type (lists as YAML, e.g. "[0.2, 0.5, 0.8]")."""
        if not isinstance(config, dict):
            raise ValueError(f"{source}: expected a mapping of settings, got {config!r}; see _alpha_models__models.yml")
        names = [field.name for field in fields(cls)]
        unknown = sorted(set(config) - set(names))
        missing = sorted(set(names) - set(config))
        if unknown or missing:
            raise ValueError(
                f"{source}: unknown keys {unknown}, missing keys {missing}; "
                "declare every setting in python_models/alpha_models/_alpha_models__models.yml"
            )
        values = {}
        for field in fields(cls):
            value = config[field.name]
            try:
                if field.type is tuple:
                    value = yaml.safe_load(value) if isinstance(value, str) else value
                    values[field.name] = tuple(float(item) for item in value)
                else:
                    values[field.name] = field.type(value)
            except (TypeError, ValueError, yaml.YAMLError) as error:
                raise ValueError(f"{source}.{field.name}: cannot read {value!r} as {field.type.__name__} ({error})") from None
        return cls(**values)


# ----------------------------------------------------------------------------- f-scores


def benjamini_hochberg(p_values):
    """Benjamini-Hochberg q-values (step-up FDR adjustment) of a vector of p-values."""
    p_values = np.asarray(p_values, dtype="float64")
    count = p_values.size
    order = np.argsort(p_values, kind="stable")
    scaled = p_values[order] * count / np.arange(1, count + 1)
    q_sorted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    q_values = np.empty(count)
    q_values[order] = q_sorted
    return q_values


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


# ------------------------------------------------------------ single-factor regressions


def factor_regressions(pairs):
    """Least squares alpha ~ pct_rank per factor over the rows where both are present.

    pairs: columns factor, pct_rank, alpha. Vectorised over factors; equals
    scipy.stats.linregress per factor (t = slope / its standard error, two-sided p).
    """
    pairs = pairs[pairs["pct_rank"].notna() & pairs["alpha"].notna()]
    grouped = pairs.groupby("factor", sort=True)
    n = grouped.size()
    mean_x = grouped["pct_rank"].transform("mean")
    mean_y = grouped["alpha"].transform("mean")
    centered = pd.DataFrame(
        {
            "factor": pairs["factor"],
            "sxx": (pairs["pct_rank"] - mean_x) ** 2,
            "syy": (pairs["alpha"] - mean_y) ** 2,
            "sxy": (pairs["pct_rank"] - mean_x) * (pairs["alpha"] - mean_y),
            "x": pairs["pct_rank"],
            "y": pairs["alpha"],
        }
    )
    sums = centered.groupby("factor", sort=True).agg(
        sxx=("sxx", "sum"), syy=("syy", "sum"), sxy=("sxy", "sum"), mean_x=("x", "mean"), mean_y=("y", "mean")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        sxx = sums["sxx"].to_numpy()
        syy = sums["syy"].to_numpy()
        sxy = sums["sxy"].to_numpy()
        count = n.to_numpy()
        slope = np.where(sxx > 0, sxy / sxx, np.nan)
        intercept = sums["mean_y"].to_numpy() - slope * sums["mean_x"].to_numpy()
        r2 = np.where((sxx > 0) & (syy > 0), np.minimum(sxy**2 / (sxx * syy), 1.0), np.nan)
        degrees = count - 2
        residual = np.maximum(syy - slope * sxy, 0.0)
        standard_error = np.sqrt(residual / np.where(degrees > 0, degrees, np.nan) / sxx)
        t_statistic = slope / standard_error
        p_value = 2 * stats.t.sf(np.abs(t_statistic), np.where(degrees > 0, degrees, np.nan))
    return pd.DataFrame(
        {
            "factor": pd.Series(list(sums.index), dtype=object),
            "target": "alpha",
            "n": count,
            "intercept": intercept,
            "slope": slope,
            "r2": r2,
            "slope_standard_error": standard_error,
            "slope_t_statistic": t_statistic,
            "slope_p_value": p_value,
        }
    )


# ------------------------------------------------------------------ multi-factor models


def cross_validation_splits(fiscal_years, single_year_folds):
    """Folds that keep whole fiscal years together; within-year K-fold if one year only."""
    distinct = np.unique(fiscal_years)
    if distinct.size >= 2:
        splits = list(LeaveOneGroupOut().split(fiscal_years, groups=fiscal_years))
        return splits, f"leave_one_year_out ({len(splits)} folds)"
    splits = list(KFold(n_splits=single_year_folds).split(fiscal_years))
    return splits, f"kfold_within_single_year ({len(splits)} folds)"


def penalty_grid(matrix, target, l1_ratio, settings):
    """sklearn's LassoCV / ElasticNetCV grid: geometric from the smallest all-zero penalty."""
    centered_x = matrix - matrix.mean(axis=0)
    largest = np.abs(centered_x.T @ (target - target.mean())).max() / (len(target) * l1_ratio)
    largest = max(largest, np.finfo("float64").tiny / settings.penalty_grid_ratio)
    return np.geomspace(largest, largest * settings.penalty_grid_ratio, num=settings.penalty_grid_size)


def penalized_estimator(model, penalty, l1_ratio, settings):
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
    splits, description = cross_validation_splits(design.fiscal_years, settings.single_year_folds)
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


@dataclass(frozen=True)
class FittedModel:
    """A model fitted on some rows, with the training means used to fill its inputs."""

    model: str
    filler: Filler
    positions: np.ndarray  # filler columns fed to the estimator, in order
    estimator: object
    n_rows: int
    penalty: float | None = None
    l1_ratio: float | None = None
    cross_validation: str | None = None

    @property
    def factors(self):
        return [self.filler.columns[i] for i in self.positions]

    def predict(self, ranks):
        return self.estimator.predict(self.filler.transform(ranks)[:, self.positions])

    @property
    def converged(self):
        """False when an iterative solver (SGD, coordinate descent) stopped at max_iter."""
        iterations, limit = getattr(self.estimator, "n_iter_", None), getattr(self.estimator, "max_iter", None)
        return iterations is None or limit is None or iterations < limit

    def coefficients(self):
        coefficient = np.concatenate([np.atleast_1d(self.estimator.intercept_), self.estimator.coef_])
        factors = [INTERCEPT, *self.factors]
        return pd.DataFrame(
            {
                "model": self.model,
                "target": MULTI_FACTOR_TARGET,
                "factor": pd.Series(factors, dtype=object),
                "is_intercept": [True] + [False] * len(self.positions),
                "coefficient": coefficient.astype("float64"),
                "n_rows": self.n_rows,
                "penalty": self.penalty,
                "l1_ratio": self.l1_ratio,
                "cross_validation": self.cross_validation,
                "converged": self.converged,
            }
        )


def fit_alpha_model(model, design, settings):
    """Fit one of MODELS on `design` alone: filling, selection and penalty included."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {MODELS}")
    filler = Filler.fit(design.ranks)
    matrix = filler.transform(design.ranks)
    if model in TOP_K_MODELS:
        positions = top_k_positions(matrix, design.alpha, filler.columns, settings.top_k)
        if model == "linear_topk":
            estimator = LinearRegression()
        else:
            estimator = SGDRegressor(
                max_iter=settings.sgd_max_iter,
                tol=settings.sgd_tol,
                penalty=None,
                eta0=settings.sgd_eta0,
                n_iter_no_change=settings.sgd_n_iter_no_change,
                random_state=settings.sgd_random_state,
            )
        estimator.fit(matrix[:, positions], design.alpha_rank)
        return FittedModel(model, filler, positions, estimator, len(design.alpha_rank))
    penalty, l1_ratio, description = choose_penalty(model, design, settings)
    estimator = penalized_estimator(model, penalty, l1_ratio, settings).fit(matrix, design.alpha_rank)
    positions = np.arange(len(filler.columns))
    return FittedModel(model, filler, positions, estimator, len(design.alpha_rank), penalty, l1_ratio, description)


@one_blas_thread
def alpha_model_coefficients(design, settings, models=MODELS):
    """In-sample coefficients of every model, the intercept as its own row."""
    return pd.concat([fit_alpha_model(m, design, settings).coefficients() for m in models], ignore_index=True)


def prediction_frame(model, evaluation, design, predicted, train_years):
    return pd.DataFrame(
        {
            "model": model,
            "evaluation": evaluation,
            "ticker": design.keys["ticker"].to_numpy(dtype=object),
            "fiscal_year": design.keys["fiscal_year"].to_numpy(dtype="int64"),
            "target": MULTI_FACTOR_TARGET,
            "actual": design.alpha_rank,
            "predicted": predicted,
            "alpha": design.alpha,
            "train_first_year": int(train_years.min()),
            "train_last_year": int(train_years.max()),
        }
    )


@one_blas_thread
def alpha_predictions(design, settings, models=MODELS):
    """In-sample predictions (the article) and walk-forward ones: for each fiscal year t
    after the first, every step (filling, top-k selection, penalty choice, fit) sees only
    the years before t, then predicts t. One fiscal year only gives no walk-forward rows."""
    years = design.fiscal_years
    frames = []
    for model in models:
        fitted = fit_alpha_model(model, design, settings)
        frames.append(prediction_frame(model, "in_sample", design, fitted.predict(design.ranks), years))
        for test_year in np.unique(years)[1:]:
            train, test = design.subset(years < test_year), design.subset(years == test_year)
            fitted = fit_alpha_model(model, train, settings)
            frames.append(prediction_frame(model, "walk_forward", test, fitted.predict(test.ranks), train.fiscal_years))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------- metrics


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


# ------------------------------------------------------------------- learning curve


@one_blas_thread
def alpha_learning_curve(design, settings):
    """The article's learning_curve(LinearRegression(), X, y, train_sizes=np.linspace(0.01,
    1.0, 40), cv=5, scoring="neg_root_mean_squared_error") on the in-sample top-k design."""
    filler = Filler.fit(design.ranks)
    matrix = filler.transform(design.ranks)
    positions = top_k_positions(matrix, design.alpha, filler.columns, settings.top_k)
    train_fractions = np.linspace(0.01, 1.0, settings.learning_curve_sizes)
    sizes, train_scores, validation_scores = learning_curve(
        LinearRegression(),
        matrix[:, positions],
        design.alpha_rank,
        train_sizes=train_fractions,
        cv=settings.learning_curve_folds,
        scoring="neg_root_mean_squared_error",
    )
    return pd.DataFrame(
        {
            "model": "linear_topk",
            "target": MULTI_FACTOR_TARGET,
            "train_size": sizes.astype("int64"),
            "train_rmse": -train_scores.mean(axis=1),
            "validation_rmse": -validation_scores.mean(axis=1),
            "train_rmse_std": train_scores.std(axis=1),
            "validation_rmse_std": validation_scores.std(axis=1),
            "n_folds": settings.learning_curve_folds,
        }
    )
