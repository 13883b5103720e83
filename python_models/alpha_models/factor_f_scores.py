"""factor_f_scores: the article's SelectKBest(f_regression) per factor against alpha, with
Benjamini-Hochberg q-values and the top-k flag. Settings: alpha_model_settings in
_alpha_models__models.yml."""

from factor_warehouse.research.f_scores import factor_f_scores
from factor_warehouse.research.model_settings import ModelSettings
from factor_warehouse.research.design_matrix import load_design


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ModelSettings.from_config(dbt.config.get("alpha_model_settings"))
    design = load_design(dbt.ref("factor_values"), dbt.ref("stock_periods"))
    return factor_f_scores(design, settings.top_k)
