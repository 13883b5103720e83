"""The numba MIC engine gives minepy 1.2.6's values: every statistic and every cell of
the (equi)characteristic matrix within 1e-12, on the same inputs and parameters."""

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from minepy import MINE

from factor_warehouse.research.mic_engine import characteristic_matrix, mic_statistics
from tests.project_vars import PROJECT_VARS

TOLERANCE = 1e-12
ESTIMATORS = ("mic_e", "mic_approx")
RANDOMIZED_SEED = 20240611
# the engine's arguments as a default build passes them
DEFAULT_SETTINGS = {name: PROJECT_VARS[f"mic_{name}"] for name in ("alpha", "c", "estimator")}


def minepy_reference(x, y, alpha, c, estimator):
    mine = MINE(alpha=alpha, c=c, est=estimator)
    mine.compute_score(x, y)
    statistics = {
        "mic": mine.mic(), "mas": mine.mas(), "mev": mine.mev(), "mcn": mine.mcn(0), "tic": mine.tic(norm=True),
    }
    return statistics, mine.get_score()


def assert_same_as_minepy(x, y, alpha=0.6, c=15.0, estimator="mic_e"):
    expected, expected_matrix = minepy_reference(x, y, alpha, c, estimator)
    got = mic_statistics(x, y, alpha=alpha, c=c, estimator=estimator)
    assert set(got) == set(expected)
    for name, value in expected.items():
        if math.isnan(value):
            assert math.isnan(got[name]), name
        else:
            assert abs(got[name] - value) <= TOLERANCE, (name, got[name], value)
    matrix = characteristic_matrix(x, y, alpha=alpha, c=c, estimator=estimator)
    assert [len(row) for row in matrix] == [len(row) for row in expected_matrix]
    for i, (row, expected_row) in enumerate(zip(matrix, expected_matrix)):
        np.testing.assert_allclose(row, expected_row, rtol=0, atol=TOLERANCE, err_msg=f"matrix row {i}")
    return got


def noisy_linear(n, seed, noise=1.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return x, 0.5 * x + noise * rng.normal(size=n)


def percentile_ranks(values, periods):
    """Within-period percentile ranks in (0, 1], ties sharing their maximum rank."""
    ranks = np.empty(len(values))
    for chunk in np.array_split(np.arange(len(values)), periods):
        chunk_values = values[chunk]
        ranks[chunk] = np.searchsorted(np.sort(chunk_values), chunk_values, side="right") / len(chunk)
    return ranks


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("n", [10, 11, 37, 100, 523, 2000])
def test_random_pairs_of_many_sizes(n, estimator):
    x, y = noisy_linear(n, seed=n)
    assert_same_as_minepy(x, y, estimator=estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_a_large_pair(estimator):
    rng = np.random.default_rng(5000)
    x = rng.uniform(size=5000)
    y = np.sin(6 * x) + rng.normal(scale=0.8, size=5000)
    got = assert_same_as_minepy(x, y, estimator=estimator)
    assert 0 < got["mic"] < 1


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_rounded_values_with_ties(decimals, estimator):
    x, y = noisy_linear(400, seed=decimals)
    assert_same_as_minepy(np.round(x, decimals), np.round(y, decimals), estimator=estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("distinct", [2, 3, 5])
def test_few_distinct_values(distinct, estimator):
    rng = np.random.default_rng(distinct)
    x = rng.integers(0, distinct, size=300).astype(float)
    y = x + rng.integers(0, distinct, size=300)
    assert_same_as_minepy(x, y, estimator=estimator)
    assert_same_as_minepy(x, rng.normal(size=300), estimator=estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_duplicated_values(estimator):
    x, y = noisy_linear(150, seed=7)
    assert_same_as_minepy(np.repeat(x, 3), np.repeat(y, 3), estimator=estimator)
    assert_same_as_minepy(np.tile(x, 2), np.concatenate([y, y[::-1]]), estimator=estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_constant_variable_has_no_information(estimator):
    varying = np.random.default_rng(3).normal(size=200)
    constant = np.full(200, 2.5)
    for x, y in ((constant, varying), (varying, constant), (constant, constant)):
        got = assert_same_as_minepy(x, y, estimator=estimator)
        assert got["mic"] == 0.0


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("relation", ["linear", "sine", "parabola"])
@pytest.mark.parametrize("noise", [0.0, 0.3, 1.0])
def test_functional_relations(relation, noise, estimator):
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, size=700)
    signal = {"linear": 2 * x + 1, "sine": np.sin(4 * np.pi * x), "parabola": x**2}[relation]
    y = signal + noise * rng.normal(size=700)
    got = assert_same_as_minepy(x, y, estimator=estimator)
    # a noiseless function has MIC 1; MICe limits the optimised axis to the
    # equipartitioned axis's bins, which reaches 1 only for the monotone relation
    if noise == 0.0 and (relation == "linear" or estimator == "mic_approx"):
        assert got["mic"] == pytest.approx(1.0, abs=TOLERANCE)
    elif noise > 0.0:
        assert got["mic"] < 1.0


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("n, periods", [(600, 3), (2400, 12)])
def test_percentile_rank_against_excess_return(n, periods, estimator):
    rng = np.random.default_rng(n)
    factor = np.round(rng.normal(size=n), 1)  # coarse factor values: many tied ranks
    x = percentile_ranks(factor, periods)
    y = 0.02 * x + 0.1 * rng.standard_t(df=3, size=n)
    assert np.all((x > 0) & (x <= 1)) and len(np.unique(x)) < n / 2
    assert_same_as_minepy(x, y, estimator=estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("alpha", [0.3, 0.6, 0.9, 1.0, 9, 4.5])
@pytest.mark.parametrize("c", [1, 5, 15])
def test_alpha_and_c(alpha, c, estimator):
    x, y = noisy_linear(180, seed=int(alpha * 10) + c)
    assert_same_as_minepy(np.round(x, 1), y, alpha=alpha, c=c, estimator=estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_smallest_samples(estimator):
    assert_same_as_minepy(np.array([1.0, 2.0]), np.array([3.0, 1.0]), estimator=estimator)
    # alpha >= 4 with n = 3 gives B = 3: no grid fits, minepy returns an empty matrix
    got = assert_same_as_minepy(np.array([1.0, 2.0, 3.0]), np.array([3.0, 1.0, 2.0]), alpha=9, estimator=estimator)
    assert got["mic"] == 0.0 and math.isnan(got["tic"])


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_the_pairs_left_once_missing_values_are_dropped(estimator):
    """What factor_mic does with a factor missing for some stocks: only the pairs where both exist."""
    rng = np.random.default_rng(8)
    x, y = noisy_linear(900, seed=8)
    x[rng.uniform(size=900) < 0.2] = np.nan
    y[rng.uniform(size=900) < 0.1] = np.nan
    present = ~(np.isnan(x) | np.isnan(y))
    assert 600 < present.sum() < 800
    assert_same_as_minepy(x[present], y[present], estimator=estimator)


def test_randomized_cases():
    """Seed RANDOMIZED_SEED: sizes, tie rates, alpha, c and estimator drawn at random."""
    rng = np.random.default_rng(RANDOMIZED_SEED)
    for _ in range(150):
        n = int(rng.integers(2, 400))
        alpha = float(rng.choice([0.3, 0.45, 0.6, 0.75, 0.9, 1.0, 4, 7.5, 12]))
        c = float(rng.choice([0.5, 1, 2, 5, 15, 30]))
        estimator = str(rng.choice(ESTIMATORS))
        x = rng.normal(size=n)
        y = rng.uniform() * x + rng.normal(size=n)
        if rng.uniform() < 0.5:
            x = np.round(x * rng.integers(1, 20)) / 10
        if rng.uniform() < 0.5:
            y = np.round(y * rng.integers(1, 20)) / 10
        assert_same_as_minepy(x, y, alpha=alpha, c=c, estimator=estimator)


def test_pairs_in_threads_give_the_sequential_results():
    pairs = [noisy_linear(800, seed=seed, noise=0.5) for seed in range(6)]
    sequential = [mic_statistics(x, y, **DEFAULT_SETTINGS) for x, y in pairs]
    with ThreadPoolExecutor(max_workers=3) as pool:
        threaded = list(pool.map(lambda pair: mic_statistics(*pair, **DEFAULT_SETTINGS), pairs))
    assert threaded == sequential


@pytest.mark.parametrize(
    "x, y, kwargs, message",
    [
        (np.arange(5.0), np.arange(4.0), {}, "equal length"),
        (np.array([1.0, np.nan, 3.0]), np.arange(3.0), {}, "NaN"),
        (np.arange(3.0), np.array([1.0, 2.0, np.nan]), {}, "NaN"),
        (np.array([1.0]), np.array([2.0]), {}, "at least 2"),
        (np.arange(5.0), np.arange(5.0), {"estimator": "mic"}, "estimator"),
        (np.arange(5.0), np.arange(5.0), {"alpha": 0.0}, "alpha"),
        (np.arange(5.0), np.arange(5.0), {"alpha": 1.5}, "alpha"),
        (np.arange(5.0), np.arange(5.0), {"alpha": -1}, "alpha"),
        (np.arange(5.0), np.arange(5.0), {"c": 0}, "c "),
        (np.arange(5.0), np.arange(5.0), {"c": -2.0}, "c "),
    ],
)
def test_invalid_input_is_rejected(x, y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        mic_statistics(x, y, **(DEFAULT_SETTINGS | kwargs))
    with pytest.raises(ValueError, match=message):
        characteristic_matrix(x, y, **(DEFAULT_SETTINGS | kwargs))
