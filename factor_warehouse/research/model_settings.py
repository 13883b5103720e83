"""`ModelSettings`: every knob of the alpha models, read from the dbt config
`alpha_model_settings` (python_models/alpha_models/_alpha_models__models.yml) with
types checked and no silent defaults."""

from dataclasses import dataclass, fields

import yaml


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
    single_year_folds: int = 5  # CV folds within the year when the fitted periods are all of one year
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
