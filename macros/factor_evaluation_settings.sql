{#
  Settings of the factor evaluation (models/marts/factor_evaluation, python_models/evaluation),
  read from dbt vars in this one place and validated. Null (the default) means the default for
  the warehouse's frequency, which is data (periods.frequency), so the defaults are SQL:
    ic_horizons      horizons h >= 1 of factor_ic, 1 included; default [1, 3, 6, 12] for monthly
                     data and [1, 2] for yearly data
    newey_west_lags  lags L >= 0 of every Newey-West t; default 6 for monthly data (as Tidy
                     Finance) and 1 for yearly data
#}
{% macro factor_evaluation_ic_horizons() -%}
    {%- set raw = var('ic_horizons') -%}
    {%- if raw is none -%}
        case when frequency = 'monthly' then {{ array_literal([1, 3, 6, 12]) }} else {{ array_literal([1, 2]) }} end
    {%- else -%}
        {%- set texts = factor_evaluation_ic_horizon_texts(raw) -%}
        {%- set not_whole = [] -%}
        {%- for text in texts if not text.isdigit() -%}
            {%- do not_whole.append(text) -%}
        {%- endfor -%}
        {%- if texts | length == 0 or not_whole or texts | map('int') | select('lt', 1) | list | length > 0
              or 1 not in texts | map('int') | list -%}
            {{ exceptions.raise_compiler_error(
                "dbt var ic_horizons must be a list of whole numbers >= 1 that includes 1 (got '" ~ raw ~ "'); "
                ~ "horizon 1 is the rank IC that factor_summary reads; "
                ~ "set it with --vars '{ic_horizons: [1, 3, 6, 12]}'") }}
        {%- endif -%}
        {{ array_literal(texts | map('int') | unique | sort) }}
    {%- endif -%}
{%- endmacro %}

{#- the var ic_horizons as a list of trimmed texts (a YAML string, a list or one value) -#}
{% macro factor_evaluation_ic_horizon_texts(raw) -%}
    {%- set horizons = fromyaml(raw) if raw is string else raw -%}
    {{ return((horizons if horizons is iterable and horizons is not string else [horizons]) | map('string') | map('trim') | list) }}
{%- endmacro %}

{# The most horizons factor_ic can have, known when it is compiled: the length of the var's list
   (factor_evaluation_ic_horizons validates it), or 4 (the monthly default) when it is unset. #}
{% macro factor_evaluation_ic_horizon_count() -%}
    {%- set raw = var('ic_horizons') -%}
    {{ return(4 if raw is none else factor_evaluation_ic_horizon_texts(raw) | unique | list | length) }}
{%- endmacro %}

{# How many periods after its own a period of factor_ic reads (macros/period_increments.sql): the
   longest horizon - 1, of the var's list or of the monthly default [1, 3, 6, 12] when it is unset. #}
{% macro factor_evaluation_ic_horizon_reach() -%}
    {%- set raw = var('ic_horizons') -%}
    {%- set texts = ['12'] if raw is none else factor_evaluation_ic_horizon_texts(raw) -%}
    {{ return([texts | map('int') | max - 1, 0] | max) }}
{%- endmacro %}

{% macro factor_evaluation_newey_west_lags() -%}
    {%- set raw = var('newey_west_lags') -%}
    {%- if raw is none -%}
        case when frequency = 'monthly' then 6 else 1 end
    {%- else -%}
        {%- set text = raw | string | trim -%}
        {%- if not text.isdigit() -%}
            {{ exceptions.raise_compiler_error(
                "dbt var newey_west_lags must be a whole number >= 0 or null for the frequency's default (got '"
                ~ raw ~ "'); set it with --vars '{newey_west_lags: 6}'") }}
        {%- endif -%}
        {{ text | int }}
    {%- endif -%}
{%- endmacro %}
