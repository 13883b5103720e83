"""The minepy built by scripts/build_minepy.py computes what minepy 1.2.6 computes."""

import importlib.metadata

import numpy as np
import pytest
from minepy import MINE


def test_installed_minepy_is_the_pinned_release():
    assert importlib.metadata.version("minepy") == "1.2.6"


def test_a_noiseless_functional_relationship_has_mic_one():
    x = np.linspace(0, 1, 1000)
    mine = MINE(alpha=0.6, c=15, est="mic_approx")
    mine.compute_score(x, np.sin(10 * np.pi * x) + x)
    assert mine.mic() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("estimator, expected", [("mic_approx", 0.12295), ("mic_e", 0.04051)])
def test_independent_uniform_samples_give_the_reference_mic(estimator, expected):
    rng = np.random.default_rng(0)
    x = rng.uniform(size=1000)
    y = rng.uniform(size=1000)
    mine = MINE(alpha=0.6, c=15, est=estimator)
    mine.compute_score(x, y)
    assert mine.mic() == pytest.approx(expected, abs=5e-6)
