"""alpha_learning_curve: the article's learning_curve(LinearRegression(), ...) on the
in-sample top-k design, mean train and validation RMSE per training-set size."""

from factor_warehouse.research.learning_curve import alpha_learning_curve
from factor_warehouse.research.model_settings import ModelSettings
from factor_warehouse.research.design_matrix import load_design


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ModelSettings.from_config(dbt.config.get("alpha_model_settings"))
    design = load_design(dbt.ref("factor_values"), dbt.ref("stock_periods"))
    return alpha_learning_curve(design, settings)
