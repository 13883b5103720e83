{#
  The data-loss budget (tests/dbt/core_data_loss_within_budget.sql): the largest share of a
  period's input rows, or of its input values, that may be quarantined, or of its rows that may
  lack a return, before the build fails. Read from the dbt var `name` (max_quarantined_row_share,
  max_quarantined_value_share or max_rows_without_return_share; defaults in dbt_project.yml) and
  validated: a number from 0 to 1.
  Usage: {{ data_loss_budget('max_quarantined_row_share') }}
#}
{% macro data_loss_budget(name) -%}
    {%- set text = var(name) | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]*[.]?[0-9]+', text) or (text | float) > 1 -%}
        {{ exceptions.raise_compiler_error(
            "dbt var " ~ name ~ " must be a share from 0 to 1 (got '" ~ var(name) ~ "'); "
            ~ "set it with --vars '{" ~ name ~ ": 0.2}' for 20%") }}
    {%- endif -%}
    {{- text | float -}}
{%- endmacro %}
