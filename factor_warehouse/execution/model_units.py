"""How each cached model is cut into units of the result cache: the inputs it reads (as
LazyInputs digested in DuckDB) and the computation of factor_warehouse.research each unit
runs. `alpha_model_coefficients` reuses per model, `alpha_predictions` per refit,
`factor_mic` per (factor, scope) pair, by the pair's content alone (so pairs of identical
input are computed once, whatever their factor); the other models use
`ResultCache.table`, the whole table as one unit."""

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from itertools import groupby
from operator import itemgetter

from factor_warehouse.execution.result_cache import (
    COMPUTED_AT_COLUMN, FINGERPRINT_COLUMN, ArrayInput, LazyInput, Unit, digest_of, fingerprint, relation_hash_sums,
)
from factor_warehouse.execution.thread_pool import called_once
from factor_warehouse.research.alpha_models import MODELS, model_coefficients
from factor_warehouse.research.blas_threads import one_blas_thread
from factor_warehouse.research.design_matrix import (
    EXACT_COLUMNS, PERIOD_YEAR_SQL, design_of_relations, design_relations, ordered_pairs,
)
from factor_warehouse.research.mic import POOLED_SCOPE, STATISTICS, load_pairs, pair_statistics
from factor_warehouse.research.walk_forward import alpha_predictions, refit_predictions, refits

MIC_COLUMNS = (
    "factor", "scope", "target", "n", *STATISTICS, "engine", "estimator", "alpha_param", "c_param",
    FINGERPRINT_COLUMN, COMPUTED_AT_COLUMN,
)
MIC_TEXT_COLUMNS = ("factor", "scope", "target", "engine", "estimator", FINGERPRINT_COLUMN)
# Cost of one MIC pair grows about as n**1.4 (issue 4: n=4,400 0.38 s, n=22,000 3.4 s);
# used only to order the work (largest first) and to estimate the time left.
MIC_COST_EXPONENT = 1.4


def design_input(design_ranks, stock_periods):
    """The design of the warehouse's `int_research__design_ranks` and `stock_periods` relations as a
    LazyInput: digested in DuckDB, pivoted in pandas only when a unit is computed."""
    return LazyInput(design_relations(design_ranks, stock_periods), load=design_of_relations, exact=EXACT_COLUMNS)


def pairs_input(design_ranks, stock_periods):
    """The rank-alpha pairs of the warehouse's `int_research__design_ranks` and `stock_periods` relations
    (design_matrix.ordered_pairs) as a LazyInput: the relations of the design digested in
    DuckDB (they determine the pairs, and digest without hashing each pair's alpha), the pairs
    joined and loaded in their order only when a unit is computed."""
    return LazyInput(design_relations(design_ranks, stock_periods), load=ordered_pairs, exact=EXACT_COLUMNS)


@one_blas_thread
def cached_alpha_model_coefficients(cache, design, settings, models=MODELS):
    """In-sample coefficients of every model on the LazyInput `design`, the intercept as its own
    row; each model's fit is reused from the ResultCache when its fingerprint (the whole design,
    the settings, the code) is there."""
    units = [Unit(model_coefficients, (design,), {"settings": settings, "model": model}) for model in models]
    return cache.rows(units, "models")


@one_blas_thread
def cached_alpha_predictions(cache, design, settings, models=MODELS):
    """alpha_predictions of the LazyInput `design`, each refit reused from the ResultCache
    when its fingerprint is there. A refit reads the periods of the years up to the one it
    predicts (every year for the in-sample fit), so its fingerprint covers the digests of
    those years only: new or changed periods of a year recompute the refits that read it."""
    digests = design.digest(by=PERIOD_YEAR_SQL)
    if not digests:  # no stock-period with a known alpha: nothing to fit, as build_design explains
        return alpha_predictions(design.value, settings, models)
    units = [
        Unit(refit_predictions, (design,), {"settings": settings, "model": model, "test_year": test_year},
             data=[[year, digests[year]] for year in sorted(digests) if test_year is None or year <= test_year])
        for model, test_year in refits(digests, models)
    ]
    return cache.rows(units, "refits")


@dataclass
class MicRun:
    """The factor_mic table and what happened: pairs computed (distinct inputs), reused from the
    previous table, skipped as too small."""

    table: object
    computed: int
    reused: int
    skipped: list = field(default_factory=list)  # (factor, scope, n) below min_rows


def mic_pair_digests(ranks, targets):
    """{(factor, scope): (n, digest)} of the relations (ranks, targets) of
    design_matrix.design_relations, the scopes as research.mic.mic_pairs makes them, in its
    order. Per factor and year of periods, DuckDB hashes the ranks' period, stock_id and pct_rank
    (not the factor: pairs of identical content share the digest), and the year's targets; the
    pooled scope adds up the factor's years. n: the pairs, as every rank has a target."""
    header, rows = relation_hash_sums(ranks, f"factor, {PERIOD_YEAR_SQL}", ("period", "stock_id", "pct_rank"),
                                      exact=EXACT_COLUMNS)
    target_header, target_rows = relation_hash_sums(targets, PERIOD_YEAR_SQL)
    target_sums = {year: (count, hash_sum) for year, count, hash_sum in target_rows}

    def digest(years):
        count, hash_sum = (sum(values) for values in zip(*(row[2:] for row in years)))
        target_count, target_sum = (sum(values) for values in zip(*(target_sums[row[1]] for row in years)))
        return count, fingerprint(digest_of(header, count, hash_sum),
                                  digest_of(target_header, target_count, target_sum))

    per_year = len({year for _, year, _, _ in rows}) > 1
    digests = {}
    for factor, years in groupby(sorted(rows), key=itemgetter(0)):
        years = list(years)
        digests[factor, POOLED_SCOPE] = digest(years)
        if per_year:
            digests.update({(factor, str(year[1])): digest([year]) for year in years})
    return digests


def _pair_array(loaded, key, side):
    return getattr(loaded()[key], side)


def cached_factor_mic(cache, relations, parameters, workers, min_rows, progress_interval, now=None):
    """The factor_mic table of the pairs of `relations`, (ranks, targets) of
    design_matrix.design_relations, one unit per (factor, scope) pair (research.mic.mic_pairs)
    in `workers` threads (None: every core), reused from the ResultCache when the pair's
    fingerprint (`mic_pair_digests`, the parameters, the code) is there; the pairs are loaded
    into Python only if one has to be computed.
    Pairs with fewer than min_rows observations are skipped (MIC of a handful of points is
    noise) and listed in MicRun.skipped. `now`: the computed_at of computed pairs."""
    workers = os.cpu_count() if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"mic_workers is {workers!r}; set it to a positive number of threads (or null for all cores)")
    if int(min_rows) < 2:
        raise ValueError(f"mic_min_rows is {min_rows!r}; set it to at least 2")
    digests = mic_pair_digests(*relations)
    loaded = called_once(partial(load_pairs, *relations))
    skipped = [(factor, scope, n) for (factor, scope), (n, _) in digests.items() if n < min_rows]
    units = [
        Unit(pair_statistics, (ArrayInput(partial(_pair_array, loaded, key, "x")),
                               ArrayInput(partial(_pair_array, loaded, key, "y"))),
             {"parameters": parameters}, data=digest, labels={"factor": key[0], "scope": key[1]},
             cost=n ** MIC_COST_EXPONENT,
             description=f"MIC engine {parameters.engine} on factor {key[0]!r}, scope {key[1]} "
                         f"(n={n}; check that factor's values in factor_values)")
        for key, (n, digest) in digests.items() if n >= min_rows
    ]
    skipped_names = ", ".join(f"{factor}/{scope} (n={n})" for factor, scope, n in skipped[:5])
    cache.report(f"{cache.name}: {len(units)} pairs ({parameters.estimator}, alpha={parameters.alpha}, "
                 f"c={parameters.c}, engine {parameters.engine}) with {workers} threads, {len(skipped)} skipped "
                 f"with fewer than {min_rows} rows" + (f": {skipped_names}{', ...' if len(skipped) > 5 else ''}"
                                                        if skipped else ""))
    computed_at = (now or datetime.now(timezone.utc)).replace(tzinfo=None)
    table = cache.rows(units, "pairs", workers, progress_interval, computed_at).reindex(columns=list(MIC_COLUMNS))
    if table.empty:  # no pair (e.g. no alpha anywhere): text columns typed as text, so the table's tests bind
        table = table.astype(dict.fromkeys(MIC_TEXT_COLUMNS, "string"))
    return MicRun(table=table, computed=cache.computed, reused=cache.reused, skipped=skipped)


def model_returns_input(model_returns):
    """The models' factor returns of factor_model_returns as a LazyInput: model,
    regressor, regressor_order, period, value."""
    return LazyInput.of(model_returns.project("model, regressor, regressor_order, period, return_pct as value"))


def factor_model_inputs(long_short, portfolio_alpha, model_returns):
    """The LazyInputs of the factor-model tables, from the relations factor_long_short_returns,
    factor_portfolio_alpha and factor_model_returns: every return series (factor,
    series 'long_short' or 'portfolio j', period, value: the long-short return or the portfolio's
    mean alpha) and the models' factor returns (model_returns_input)."""
    series = long_short.project("factor, 'long_short' as series, period, long_short_return as value").union(
        portfolio_alpha.project("factor, 'portfolio ' || portfolio as series, period, mean_alpha as value"))
    return LazyInput.of(series), model_returns_input(model_returns)
