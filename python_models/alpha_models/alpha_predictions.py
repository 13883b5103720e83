"""alpha_predictions: in-sample and walk-forward predictions of alpha_rank by every model."""

from factor_warehouse.alpha_models import ModelSettings, alpha_predictions
from factor_warehouse.design_matrix import load_design


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ModelSettings.from_config(dbt.config.get("alpha_model_settings"))
    design = load_design(dbt.ref("factor_values"), dbt.ref("stock_years"))
    return alpha_predictions(design, settings)
