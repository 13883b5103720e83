"""`ModelSettings`: every knob of the alpha models, read from the dbt config
`alpha_model_settings` (python_models/alpha_models/_alpha_models__models.yml, the vars
alpha_models_<setting>, whose defaults are in dbt_project.yml) with types checked and no
defaults here."""

from dataclasses import dataclass, fields

import yaml


@dataclass(frozen=True)
class ModelSettings:
    """Every knob of the models; the dbt models pass the YAML config `alpha_model_settings`."""

    top_k: int  # factors kept by f_regression for the *_topk models (the article's k)
    sgd_max_iter: int  # SGDRegressor settings exactly as the article
    sgd_tol: float
    sgd_eta0: float
    sgd_n_iter_no_change: int
    sgd_random_state: int
    penalty_grid_size: int  # lasso / elastic net: penalties per grid, geometric
    penalty_grid_ratio: float  # smallest / largest penalty (sklearn's eps)
    ridge_penalties: tuple
    elastic_net_l1_ratios: tuple
    single_year_folds: int  # CV folds within the year when the fitted periods are all of one year
    coordinate_descent_max_iter: int  # lasso / elastic net coordinate descent
    coordinate_descent_tol: float
    learning_curve_sizes: int  # np.linspace(0.01, 1.0, sizes), as the article
    learning_curve_folds: int

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
                "declare every setting in python_models/alpha_models/_alpha_models__models.yml and its var "
                "(with its default) in dbt_project.yml"
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
