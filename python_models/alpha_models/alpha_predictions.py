"""alpha_predictions: in-sample and walk-forward predictions of alpha_rank by every model."""

from factor_warehouse.research.model_settings import ModelSettings
from factor_warehouse.research.walk_forward import alpha_predictions
from factor_warehouse.research.design_matrix import load_design


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ModelSettings.from_config(dbt.config.get("alpha_model_settings"))
    design = load_design(dbt.ref("factor_values"), dbt.ref("stock_periods"))
    return alpha_predictions(design, settings)
