"""The MIC settings: the estimators and engines, and MicParameters, which checks them. Apart from
research/mic.py so that the numba engine (research/mic_engine.py) and mic.py share the names without
mic.py importing the engine, and numba with it, before a pair is computed."""

from dataclasses import dataclass

ESTIMATORS = ("mic_e", "mic_approx")
ENGINES = ("numba", "minepy")


@dataclass(frozen=True)
class MicParameters:
    """MIC settings (dbt vars mic_*, defaults in dbt_project.yml): estimator 'mic_e' (MICe,
    Reshef et al. 2016) or 'mic_approx' (the original MIC, as the article), alpha
    (B = max(n**alpha, 4)), c (clumps factor) and the engine that computes them, 'numba' or
    'minepy' (same values)."""

    estimator: str
    alpha: float
    c: float
    engine: str

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise ValueError(f"MIC engine {self.engine!r} is unknown; set mic_engine to one of {ENGINES}")
        if self.estimator not in ESTIMATORS:
            raise ValueError(f"MIC estimator {self.estimator!r} is unknown; set mic_estimator to one of {ESTIMATORS}")
        if not (0 < float(self.alpha) <= 1 or float(self.alpha) >= 4):
            raise ValueError(f"MIC alpha {self.alpha!r} is out of range; set mic_alpha in (0, 1] or >= 4 (minepy's rule)")
        if not float(self.c) > 0:
            raise ValueError(f"MIC c {self.c!r} is out of range; set mic_c to a number > 0")
