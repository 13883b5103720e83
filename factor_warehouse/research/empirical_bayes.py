"""A hierarchical empirical-Bayes model of factor alphas within clusters, in the spirit of Jensen,
Kelly and Pedersen (2023, "Is there a replication crisis in finance?"):

    alpha_hat_i = alpha_i + e_i,        e_i ~ N(0, s_i^2)   (s_i its Newey-West standard error)
    alpha_i     = mu + c_j(i) + w_i,    c_j ~ N(0, tau_c^2), w_i ~ N(0, tau_w^2)

so alpha_hat ~ N(mu 1, Sigma + S), Sigma = tau_c^2 Z Z' + tau_w^2 I (Z the cluster membership),
S = diag(s_i^2). The hyperparameters (mu, tau_c, tau_w) maximize that marginal likelihood (mu by
generalized least squares given the taus; the variances tau^2 by L-BFGS-B with the analytic gradient,
from a grid of starts, within [0, 100] times the squared scale of the estimates). Simplifications against JKP, stated:
the estimation errors are taken as independent across factors, and one prior mean is shared by all
clusters. The posterior is normal:

    mean = mu 1 + Sigma (Sigma + S)^-1 (alpha_hat - mu 1),  cov = Sigma - Sigma (Sigma + S)^-1 Sigma.

A factor is declared significant when the posterior probability of its alpha's sign is at least
0.975 (as |t| > 1.96 two-sided); the false discovery rate of that set is the mean over it of the
posterior probability that the sign is wrong.
"""

import numpy as np
import pandas as pd

SIGN_PROBABILITY = 0.975
BOUNDS = (0.0, 100.0)  # the prior variances tau^2, as multiples of the estimates' squared scale
ZERO_VARIANCE = 1e-10  # a prior variance below this (times the squared scale) is taken as 0
COLUMNS = ["cluster", "alpha", "alpha_standard_error", "posterior_mean", "posterior_standard_deviation",
           "probability_positive", "is_significant", "significant_set_fdr", "n_significant", "prior_mean",
           "cluster_standard_deviation", "factor_standard_deviation", "n_factors", "log_likelihood",
           "statistics_note"]


def prior_covariance(membership, cluster_sd, factor_sd):
    """tau_c^2 Z Z' + tau_w^2 I of the cluster labels `membership`."""
    same = (membership[:, None] == membership[None, :]).astype("float64")
    return cluster_sd ** 2 * same + factor_sd ** 2 * np.eye(len(membership))


def generalized_mean(estimates, covariance):
    """The GLS mean of `estimates` under `covariance`: 1'C^-1 a / 1'C^-1 1."""
    weights = np.linalg.solve(covariance, np.ones(len(estimates)))
    return weights @ estimates / weights.sum()


def log_likelihood(estimates, variances, membership, mean, cluster_sd, factor_sd):
    """log N(estimates; mean 1, Sigma + S)."""
    covariance = prior_covariance(membership, cluster_sd, factor_sd) + np.diag(variances)
    residual = estimates - mean
    _, log_determinant = np.linalg.slogdet(covariance)
    return -0.5 * (len(estimates) * np.log(2 * np.pi) + log_determinant
                   + residual @ np.linalg.solve(covariance, residual))


def fit_hyperparameters(estimates, variances, membership):
    """(mu, tau_c, tau_w, log likelihood) maximizing the marginal likelihood. The prior variances
    tau^2 / scale^2 are found in [0, 100] with the analytic gradient (mu profiled out, so by the
    envelope theorem d(-log L)/d tau^2 = tr(V^-1 dV) / 2 - r'V^-1 dV V^-1 r / 2) and tight
    tolerances: a variance of 0 is a point of the boundary, not a flat tail, so inputs equal to
    1e-15 give hyperparameters equal far below the 1e-9 a rebuild is held to."""
    from scipy import optimize
    scale = max(float(np.std(estimates)), float(np.sqrt(np.mean(variances))), 1e-12) ** 2
    same = (membership[:, None] == membership[None, :]).astype("float64")
    identity = np.eye(len(estimates))

    def profiled(scaled):
        covariance = scale * (scaled[0] * same + scaled[1] * identity) + np.diag(variances)
        return generalized_mean(estimates, covariance), covariance

    def objective(scaled):
        mean, covariance = profiled(scaled)
        inverse = np.linalg.inv(covariance)
        weighted = inverse @ (estimates - mean)
        gradient = [scale * (0.5 * np.sum(inverse * derivative) - 0.5 * weighted @ derivative @ weighted)
                    for derivative in (same, identity)]
        value = -log_likelihood(estimates, variances, membership, mean, *np.sqrt(scale * np.asarray(scaled)))
        return value, np.array(gradient)

    # with every factor alone in its cluster, tau_c and tau_w are one dispersion: tau_c is 0
    clustered = len(np.unique(membership)) < len(membership)
    bounds = [BOUNDS if clustered else (0.0, 0.0), BOUNDS]
    starts = [np.array([a if clustered else 0.0, b]) for a in (1e-4, 0.09, 1.0) for b in (1e-4, 0.09, 1.0)]
    best = min((optimize.minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds,
                                  options={"ftol": 0.0, "gtol": 1e-11, "maxiter": 2000})
                for start in starts), key=lambda result: result.fun)
    scaled = polished(objective, best.x)
    # a variance within rounding of 0 is 0: its square root would turn 1e-16 into a tau of 1e-8
    scaled = np.where(scaled < ZERO_VARIANCE, 0.0, scaled)
    mean, _ = profiled(scaled)
    cluster_sd, factor_sd = np.sqrt(scale * scaled)
    return mean, float(cluster_sd), float(factor_sd), -float(objective(scaled)[0])


def polished(objective, point):
    """`point` with its coordinates inside BOUNDS moved to the root of the gradient (Powell's hybrid
    method), where L-BFGS-B stops on a flat objective some 1e-8 short; kept when the root leaves the
    bounds, has a larger gradient or a higher objective (beyond its rounding)."""
    from scipy import optimize
    free = (point > BOUNDS[0]) & (point < BOUNDS[1])
    if not free.any():
        return point

    def moved(values):
        candidate = point.copy()
        candidate[free] = values
        return candidate

    root = optimize.root(lambda values: objective(moved(values))[1][free], point[free], method="hybr",
                         options={"xtol": 1e-14})
    candidate = moved(root.x)
    inside = ((candidate >= BOUNDS[0]) & (candidate <= BOUNDS[1])).all()
    closer = np.abs(objective(candidate)[1][free]).max() <= np.abs(objective(point)[1][free]).max()
    return candidate if inside and closer and objective(candidate)[0] <= objective(point)[0] + 1e-9 else point


def posterior(estimates, variances, membership, mean, cluster_sd, factor_sd):
    """Posterior means and standard deviations of the alphas."""
    prior = prior_covariance(membership, cluster_sd, factor_sd)
    gain = prior @ np.linalg.inv(prior + np.diag(variances))
    covariance = prior - gain @ prior
    return mean + gain @ (estimates - mean), np.sqrt(np.clip(np.diag(covariance), 0.0, None))


def one_model(frame):
    """The posterior rows of one model's factors (columns cluster, alpha, alpha_standard_error)."""
    from scipy import stats
    usable = (np.isfinite(frame["alpha"]) & np.isfinite(frame["alpha_standard_error"])
              & (frame["alpha_standard_error"] > 0)).to_numpy()
    result = frame.assign(**{column: np.nan for column in COLUMNS[3:] if column not in ("is_significant",)})
    result["is_significant"] = pd.array([None] * len(frame), dtype="boolean")
    result["statistics_note"] = None
    result.loc[~usable, "statistics_note"] = "posterior: the factor has no alpha with a standard error in this model"
    if usable.sum() < 3:
        result.loc[usable, "statistics_note"] = (f"posterior: the hyperparameters need at least 3 factors with an alpha; "
                                                 f"this model has {int(usable.sum())}")
        return result
    estimates = frame.loc[usable, "alpha"].to_numpy(dtype="float64")
    variances = frame.loc[usable, "alpha_standard_error"].to_numpy(dtype="float64") ** 2
    membership = frame.loc[usable, "cluster"].to_numpy()
    mean, cluster_sd, factor_sd, fitted = fit_hyperparameters(estimates, variances, membership)
    posterior_mean, posterior_sd = posterior(estimates, variances, membership, mean, cluster_sd, factor_sd)
    positive = stats.norm.cdf(posterior_mean / posterior_sd)
    significant = np.maximum(positive, 1.0 - positive) >= SIGN_PROBABILITY
    wrong_sign = np.minimum(positive, 1.0 - positive)
    index = frame.index[usable]
    if len(np.unique(membership)) == len(membership):
        result.loc[index, "statistics_note"] = ("cluster_standard_deviation is 0: every factor is alone in its cluster, "
                                                "so factor_standard_deviation holds the whole dispersion")
    result.loc[index, "posterior_mean"] = posterior_mean
    result.loc[index, "posterior_standard_deviation"] = posterior_sd
    result.loc[index, "probability_positive"] = positive
    result.loc[index, "is_significant"] = significant
    result.loc[index, "significant_set_fdr"] = wrong_sign[significant].mean() if significant.any() else np.nan
    result.loc[index, "n_significant"] = int(significant.sum())
    result.loc[index, ["prior_mean", "cluster_standard_deviation", "factor_standard_deviation", "log_likelihood"]] = \
        [mean, cluster_sd, factor_sd, fitted]
    result.loc[index, "n_factors"] = int(usable.sum())
    return result


def empirical_bayes_alphas(alphas, clusters, keys=("factor",), group=("model",)):
    """One row per (group, keys) of `alphas` (columns group, keys, alpha, alpha_standard_error),
    the cluster from `clusters` (keys, cluster): the posterior of each factor's alpha under the
    model fitted within each group (a factor model)."""
    keys, group = list(keys), list(group)
    merged = alphas[[*group, *keys, "alpha", "alpha_standard_error"]].merge(clusters[[*keys, "cluster"]], on=keys,
                                                                          how="left")
    parts = [one_model(frame.reset_index(drop=True)) for _, frame in merged.sort_values([*group, *keys]).groupby(
        group, sort=True)]
    if not parts:
        return pd.DataFrame(columns=[*group, *keys, *COLUMNS])
    frame = pd.concat(parts, ignore_index=True)[[*group, *keys, *COLUMNS]]
    for column in ("n_significant", "n_factors", "cluster"):
        frame[column] = frame[column].astype("Int64")
    frame["statistics_note"] = frame["statistics_note"].astype("string")
    return frame
