"""Maximal Information Coefficient between each factor's within-period percentile rank and the
target (alpha), for every (factor, scope).

Scope is 'pooled' (all periods together) or one year of periods as text ('2018': every
period of 2018 pooled; for yearly data that is the fiscal year, for monthly data its twelve
months, never one MIC per month); the per-year scopes exist only when the input's periods
span more than one year.

Two engines compute the same statistics: 'numba' (this package's research/mic_engine.py,
minepy's algorithm compiled by numba, about 15x faster per pair for MICe) and 'minepy' (the
C library, kept as the reference the engine is tested against). Both release the GIL, so
the pairs can run in threads; `pair_statistics` is one pair's row, the unit that
factor_warehouse.execution.model_units caches and runs in a pool.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from minepy import MINE

from factor_warehouse.research.design_matrix import ordered_pairs, period_years

POOLED_SCOPE = "pooled"
TARGET = "alpha"  # stock_periods column the factor ranks are compared with
STATISTICS = ("mic", "mas", "mev", "mcn", "tic")
# Columns the observations frame must have, ordered by factor, period, stock_id.
OBSERVATION_COLUMNS = ("factor", "period", "factor_rank", "target_value")


@dataclass(frozen=True)
class MicPair:
    """The paired factor ranks (x) and target values (y) of one (factor, scope)."""

    factor: str
    scope: str
    x: np.ndarray
    y: np.ndarray

    @property
    def n(self):
        return len(self.x)


def mic_statistics(x, y, parameters):
    """minepy's statistics of one pair, from the parameters' engine. tic is normalized to
    [0, 1] (tic(norm=True)) so that scopes of different size compare; mcn uses eps=0
    (minepy's default)."""
    if parameters.engine == "numba":
        from factor_warehouse.research import mic_engine  # numba: imported only when a pair is computed

        return mic_engine.mic_statistics(x, y, float(parameters.alpha), float(parameters.c), parameters.estimator)
    mine = MINE(alpha=float(parameters.alpha), c=float(parameters.c), est=parameters.estimator)
    mine.compute_score(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return {"mic": mine.mic(), "mas": mine.mas(), "mev": mine.mev(), "mcn": mine.mcn(0), "tic": mine.tic(norm=True)}


def pair_statistics(x, y, parameters):
    """One pair's row of factor_mic, without its factor and scope: the target, n, the
    statistics and the parameters that computed them."""
    statistics = mic_statistics(x, y, parameters)
    return pd.DataFrame([{"target": TARGET, "n": len(x), **{name: float(statistics[name]) for name in STATISTICS},
                          "engine": parameters.engine, "estimator": parameters.estimator,
                          "alpha_param": float(parameters.alpha), "c_param": float(parameters.c)}])


def mic_pairs(observations):
    """Split the observations (columns OBSERVATION_COLUMNS, ordered by factor, period,
    stock_id; no missing values) into one MicPair per (factor, scope): 'pooled', and when
    the periods span two years or more, one per year of periods."""
    missing_columns = [column for column in OBSERVATION_COLUMNS if column not in observations.columns]
    if missing_columns:
        raise ValueError(f"MIC observations lack columns {missing_columns}; the query must select {OBSERVATION_COLUMNS}")
    values = observations[["factor_rank", "target_value"]]
    if values.isna().any().any():
        raise ValueError("MIC observations hold missing factor_rank or target_value; keep only rows where both exist")
    years = pd.Series(period_years(observations["period"]), index=observations.index)
    per_year = years.nunique() > 1
    pairs = []
    for factor, rows in observations.groupby("factor", sort=False):
        scopes = [(POOLED_SCOPE, rows)]
        if per_year:
            scopes += [(str(year), year_rows) for year, year_rows in rows.groupby(years[rows.index], sort=True)]
        for scope, scope_rows in scopes:
            x = scope_rows["factor_rank"].to_numpy(dtype=np.float64)
            y = scope_rows["target_value"].to_numpy(dtype=np.float64)
            pairs.append(MicPair(factor, scope, x, y))
    return pairs


def load_observations(ranks, targets):
    """The observations frame of the relations (ranks, targets) of design_matrix.design_relations:
    every stock-period where both the factor's pct_rank and alpha exist, ordered by factor,
    period, stock_id (the order MIC reads them in)."""
    return ordered_pairs(ranks, targets).rename(columns={"pct_rank": "factor_rank", TARGET: "target_value"})


def load_pairs(ranks, targets):
    """{(factor, scope): MicPair} of the relations (ranks, targets) (see load_observations)."""
    return {(pair.factor, pair.scope): pair for pair in mic_pairs(load_observations(ranks, targets))}
