"""The dbt vars as dbt_project.yml declares them (the one place of every setting's default),
and the settings objects a default build passes to the package, for tests that call it directly."""

import dataclasses
from pathlib import Path

import yaml

from factor_warehouse.research.mic_parameters import MicParameters
from factor_warehouse.research.model_settings import ModelSettings

PROJECT_VARS = yaml.safe_load((Path(__file__).resolve().parents[1] / "dbt_project.yml").read_text())["vars"]


def model_settings(**changes):
    """ModelSettings of the vars alpha_models_<setting>, with `changes`."""
    fields = dataclasses.fields(ModelSettings)
    settings = ModelSettings.from_config({field.name: PROJECT_VARS[f"alpha_models_{field.name}"] for field in fields})
    return dataclasses.replace(settings, **changes)


def mic_parameters(**changes):
    """MicParameters of the vars mic_<parameter>, with `changes`."""
    names = [field.name for field in dataclasses.fields(MicParameters)]
    return MicParameters(**({name: PROJECT_VARS[f"mic_{name}"] for name in names} | changes))


def mic_options(**changes):
    """The other arguments of cached_factor_mic as the vars mic_workers, mic_min_rows and
    mic_progress_seconds give them, with `changes`."""
    return {"workers": PROJECT_VARS["mic_workers"], "min_rows": PROJECT_VARS["mic_min_rows"],
            "progress_interval": PROJECT_VARS["mic_progress_seconds"]} | changes
