"""alpha_model_coefficients: in-sample coefficients of every multi-factor model of
factor_warehouse.research.alpha_models.MODELS, the intercept as its own row."""

from factor_warehouse.research.alpha_models import alpha_model_coefficients
from factor_warehouse.research.model_settings import ModelSettings
from factor_warehouse.research.design_matrix import load_design


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ModelSettings.from_config(dbt.config.get("alpha_model_settings"))
    design = load_design(dbt.ref("factor_values"), dbt.ref("stock_periods"))
    return alpha_model_coefficients(design, settings)
