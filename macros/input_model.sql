{#
  The staging model that fills a part of the input contract (models/staging/_staging__docs.md)
  for this build: the panel's when the dbt var `panel` names one, else the Kaggle files'.
  The one place the models above staging choose between sources; refs of the source not
  chosen are never rendered, so its (disabled) models are not needed.
    role: rows (stock-periods), values (characteristic values), columns (declared
          characteristics), input_files (the files read or ignored) or benchmark_returns (the
          benchmark's return per period).
#}
{% macro input_model(role) -%}
    {%- set models = {
        'rows': ['stg_kaggle__financial_rows', 'stg_panel__rows'],
        'values': ['stg_kaggle__financial_cells', 'stg_panel__values'],
        'columns': ['stg_kaggle__financial_columns', 'stg_panel__columns'],
        'input_files': ['stg_kaggle__input_files', 'stg_panel__input_files'],
        'benchmark_returns': ['stg_kaggle__benchmark_returns', 'stg_panel__benchmark_returns'],
    } -%}
    {{- return(ref(models[role][1] if panel_is_configured() else models[role][0])) -}}
{%- endmacro %}
