"""Maximal Information Coefficient between each factor's within-period percentile rank and the
target (alpha), for every (factor, scope).

Scope is 'pooled' (all periods together) or one year of periods as text ('2018': every
period of 2018 pooled; for yearly data that is the fiscal year, for monthly data its twelve
months, never one MIC per month); the per-year scopes exist only when the input's periods
span more than one year.

Two engines compute the same statistics: 'numba' (the default: this package's
research/mic_engine.py, minepy's algorithm compiled by numba, about 15x faster per pair for
MICe) and 'minepy' (the C library, kept as the reference the engine is tested against).
Both release the GIL, so the pairs run in a thread pool (minepy with one MINE object per
thread, as it keeps its state there). Each pair carries a content fingerprint of everything
its result depends on (the paired values in input order, the scope, the target, the
engine and its version, the estimator, alpha and c); a pair whose fingerprint is found
among the previous results is reused instead of recomputed. Unlike the other Python
models (`result_cache`, which reuse rows as they were), MIC reuses statistics by the
fingerprint of the pair's input alone, whatever factor it belonged to, so identical
inputs are computed once. The code version in the fingerprint is the engine's (minepy's
release, or a digest of mic_engine.py's source and numba's release) plus
FINGERPRINT_VERSION, bumped by hand when `mic_statistics` changes, because hashing this
module's source would recompute hundreds of seconds of MIC for an edit to the progress
report.
"""

import hashlib
import json
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import minepy
import numba
import numpy as np
import pandas as pd
from minepy import MINE

from factor_warehouse.research import mic_engine
from factor_warehouse.research.design_matrix import period_years, rank_alpha_pairs
from factor_warehouse.research.result_cache import FINGERPRINT_COLUMN

POOLED_SCOPE = "pooled"
TARGET = "alpha"  # stock_periods column the factor ranks are compared with
ESTIMATORS = mic_engine.ESTIMATORS
ENGINES = ("numba", "minepy")
STATISTICS = ("mic", "mas", "mev", "mcn", "tic")
# Bump when the way a statistic is derived changes, so cached results are recomputed.
FINGERPRINT_VERSION = "factor_mic-1"
# Columns the observations frame must have, ordered by factor, period, stock_id.
OBSERVATION_COLUMNS = ("factor", "period", "factor_rank", "target_value")
RESULT_COLUMNS = (
    "factor", "scope", "target", "n", *STATISTICS, "engine", "estimator", "alpha_param", "c_param",
    FINGERPRINT_COLUMN, "computed_at",
)
# Cost of one minepy call grows about as n**1.4 (issue 4: n=4,400 0.38 s, n=22,000 3.4 s);
# used only to order the work (largest first) and to estimate the time left.
COST_EXPONENT = 1.4
MINEPY_VERSION = minepy.__version__.decode() if isinstance(minepy.__version__, bytes) else str(minepy.__version__)
ENGINE_VERSIONS = {
    "minepy": MINEPY_VERSION,
    "numba": f"mic_engine-{hashlib.sha256(Path(mic_engine.__file__).read_bytes()).hexdigest()[:16]}"
             f"-numba-{numba.__version__}",
}


@dataclass(frozen=True)
class MicParameters:
    """MIC settings: estimator 'mic_e' (MICe, Reshef et al. 2016) or 'mic_approx' (the original
    MIC, as the article), alpha (B = max(n**alpha, 4)), c (clumps factor) and the engine that
    computes them, 'numba' or 'minepy' (same values)."""

    estimator: str = "mic_e"
    alpha: float = 0.6
    c: float = 15.0
    engine: str = "numba"

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise ValueError(f"MIC engine {self.engine!r} is unknown; set mic_engine to one of {ENGINES}")
        if self.estimator not in ESTIMATORS:
            raise ValueError(f"MIC estimator {self.estimator!r} is unknown; set mic_estimator to one of {ESTIMATORS}")
        if not (0 < float(self.alpha) <= 1 or float(self.alpha) >= 4):
            raise ValueError(f"MIC alpha {self.alpha!r} is out of range; set mic_alpha in (0, 1] or >= 4 (minepy's rule)")
        if not float(self.c) > 0:
            raise ValueError(f"MIC c {self.c!r} is out of range; set mic_c to a number > 0")

    def new_mine(self):
        return MINE(alpha=float(self.alpha), c=float(self.c), est=self.estimator)


@dataclass(frozen=True)
class MicPair:
    """One unit of work: the paired factor ranks (x) and target values (y) of one (factor, scope)."""

    factor: str
    scope: str
    x: np.ndarray
    y: np.ndarray
    fingerprint: str

    @property
    def n(self):
        return len(self.x)


@dataclass
class MicRun:
    """The result table and what happened: pairs computed, reused from the cache, skipped as too small."""

    table: pd.DataFrame
    computed: int
    reused: int
    skipped: list = field(default_factory=list)  # (factor, scope, n) below min_rows


def mic_statistics(x, y, parameters, mine=None):
    """minepy's statistics of one pair, from the parameters' engine (`mine`: a MINE object to
    reuse, minepy engine only). tic is normalized to [0, 1] (tic(norm=True)) so that scopes of
    different size compare; mcn uses eps=0 (minepy's default)."""
    if parameters.engine == "numba":
        return mic_engine.mic_statistics(x, y, float(parameters.alpha), float(parameters.c), parameters.estimator)
    mine = mine if mine is not None else parameters.new_mine()
    mine.compute_score(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return {"mic": mine.mic(), "mas": mine.mas(), "mev": mine.mev(), "mcn": mine.mcn(0), "tic": mine.tic(norm=True)}


def input_fingerprint(x, y, scope, target, parameters):
    """sha256 of everything a pair's statistics depend on (values in order, scope, target, parameters)."""
    x = np.ascontiguousarray(x, dtype="<f8")
    y = np.ascontiguousarray(y, dtype="<f8")
    header = [FINGERPRINT_VERSION, parameters.engine, ENGINE_VERSIONS[parameters.engine], scope, target,
              parameters.estimator,
              float(parameters.alpha), float(parameters.c), len(x), len(y)]
    digest = hashlib.sha256(json.dumps(header).encode())
    digest.update(x.tobytes())
    digest.update(y.tobytes())
    return digest.hexdigest()


def mic_pairs(observations, target, parameters):
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
            pairs.append(MicPair(factor, scope, x, y, input_fingerprint(x, y, scope, target, parameters)))
    return pairs


def cached_results(previous):
    """Previous results keyed by input_fingerprint; an absent table or one of another
    shape (an older version of the model) gives an empty cache."""
    columns = [FINGERPRINT_COLUMN, *STATISTICS, "computed_at"]
    if previous is None or not set(columns) <= set(previous.columns):
        return {}
    return {row[0]: dict(zip(columns[1:], row[1:])) for row in previous[columns].itertuples(index=False)}


class ProgressReport:
    """Reports done/total, pairs per second and the time left at most every `interval` seconds."""

    def __init__(self, costs, report, interval, clock=time.monotonic):
        self.total_pairs = len(costs)
        self.total_cost = float(sum(costs))
        self.done_pairs = 0
        self.done_cost = 0.0
        self.report = report
        self.interval = interval
        self.clock = clock
        self.started = self.last_report = clock()

    def advance(self, cost):
        self.done_pairs += 1
        self.done_cost += cost

    def maybe_report(self, force=False):
        now = self.clock()
        if not force and now - self.last_report < self.interval:
            return
        self.last_report = now
        elapsed = max(now - self.started, 1e-9)
        rate = self.done_pairs / elapsed
        if self.done_cost > 0:
            left = elapsed * (self.total_cost - self.done_cost) / self.done_cost
            time_left = f"about {format_duration(left)} left"
        else:
            time_left = "time left unknown yet"
        self.report(f"factor_mic: {self.done_pairs}/{self.total_pairs} pairs computed, "
                    f"{rate:.2f} pairs/s, {time_left}")


def format_duration(seconds):
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"


def compute_pairs(pairs, parameters, workers, on_done=None):
    """Statistics of every pair, in `workers` threads (minepy: one MINE object per thread).
    Calls on_done(index, statistics) in the calling thread as pairs finish; returns the
    list of statistics in the order of `pairs`."""
    local = threading.local()

    def compute(pair):
        if parameters.engine == "minepy" and not hasattr(local, "mine"):
            local.mine = parameters.new_mine()
        try:
            return mic_statistics(pair.x, pair.y, parameters, getattr(local, "mine", None))
        except Exception as error:
            raise RuntimeError(f"MIC engine {parameters.engine} failed for factor {pair.factor!r}, "
                               f"scope {pair.scope} (n={pair.n}): "
                               f"{error}; check that factor's values in factor_values") from error

    results = [None] * len(pairs)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mic") as pool:
        pending = {pool.submit(compute, pair): index for index, pair in enumerate(pairs)}
        try:
            while pending:
                finished, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = pending.pop(future)
                    results[index] = future.result()
                    if on_done is not None:
                        on_done(index, results[index])
                if on_done is not None and not finished:
                    on_done(None, None)
        except BaseException:  # a failed pair or an interrupt: do not start the queued pairs
            for future in pending:
                future.cancel()
            raise
    return results


def compute_factor_mic(observations, parameters=MicParameters(), workers=1, min_rows=30,
                       previous=None, report=print, progress_interval=10.0, now=None):
    """The factor_mic table for `observations` (see mic_pairs).

    previous: the last factor_mic table (or None); its rows are reused where the
    input_fingerprint matches. Pairs with fewer than min_rows observations are
    skipped (MIC of a handful of points is noise) and listed in MicRun.skipped.
    report: callable taking one progress/summary line.
    MicRun.computed counts the inputs sent to the engine: pairs with an identical input
    (e.g. two factors with the same values) are computed once.
    """
    if int(workers) < 1:
        raise ValueError(f"mic_workers is {workers!r}; set it to a positive number of threads (or null for all cores)")
    if int(min_rows) < 2:
        raise ValueError(f"mic_min_rows is {min_rows!r}; set it to at least 2")
    computed_at = (now or datetime.now(timezone.utc)).replace(tzinfo=None)
    pairs = mic_pairs(observations, TARGET, parameters)
    skipped = [(pair.factor, pair.scope, pair.n) for pair in pairs if pair.n < min_rows]
    pairs = [pair for pair in pairs if pair.n >= min_rows]
    cache = cached_results(previous)
    statistics = {pair.fingerprint: cache[pair.fingerprint] for pair in pairs if pair.fingerprint in cache}
    reused = sum(pair.fingerprint in statistics for pair in pairs)
    to_compute = sorted({pair.fingerprint: pair for pair in pairs if pair.fingerprint not in statistics}.values(),
                        key=lambda pair: -pair.n)
    report(f"factor_mic: {len(pairs)} pairs ({parameters.estimator}, alpha={parameters.alpha}, c={parameters.c}, "
           f"engine {parameters.engine}): "
           f"{reused} reused from the previous table, {len(to_compute)} to compute with {workers} threads "
           f"({len(pairs) - reused - len(to_compute)} more share an identical input), "
           f"{len(skipped)} skipped with fewer than {min_rows} rows")
    if to_compute:
        costs = [pair.n ** COST_EXPONENT for pair in to_compute]
        progress = ProgressReport(costs, report, progress_interval)

        def on_done(index, result):
            if index is not None:
                progress.advance(costs[index])
                statistics[to_compute[index].fingerprint] = {**result, "computed_at": computed_at}
            progress.maybe_report()

        compute_pairs(to_compute, parameters, int(workers), on_done)
        progress.maybe_report(force=True)
    skipped_names = ", ".join(f"{factor}/{scope} (n={n})" for factor, scope, n in skipped[:5])
    report(f"factor_mic: {len(to_compute)} computed, {reused} reused, {len(skipped)} skipped"
           + (f": {skipped_names}{', ...' if len(skipped) > 5 else ''}" if skipped else ""))
    rows = [{"factor": pair.factor, "scope": pair.scope, "target": TARGET, "n": pair.n,
             **{name: float(statistics[pair.fingerprint][name]) for name in STATISTICS},
             "engine": parameters.engine, "estimator": parameters.estimator, "alpha_param": float(parameters.alpha),
             "c_param": float(parameters.c), FINGERPRINT_COLUMN: pair.fingerprint,
             "computed_at": statistics[pair.fingerprint]["computed_at"]} for pair in pairs]
    table = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    table["n"] = table["n"].astype("int64")
    table["computed_at"] = pd.to_datetime(table["computed_at"])
    return MicRun(table=table, computed=len(to_compute), reused=reused, skipped=skipped)


def load_observations(factor_values, stock_periods):
    """The observations frame from the warehouse's factor_values and stock_periods
    relations: every stock-period where both the factor's pct_rank and alpha exist,
    ordered by factor, period, stock_id (the order is part of the fingerprint)."""
    pairs = rank_alpha_pairs(factor_values, stock_periods).df()
    return pairs.rename(columns={"pct_rank": "factor_rank", TARGET: "target_value"})
