{#
  The factor models of the alphas (python_models/evaluation: factor_alphas, factor_alpha_loadings,
  factor_grs), from the dbt var `factor_models`, read and checked in this one place. CAPM (the
  market of market_returns) is always a model; the var adds a CSV of factor returns:

    path               a CSV with a column `period` and one column per factor return (Ken French's
                       files with their first column named period); its period is the month (yyyymm,
                       yyyy-mm or a date in the month) or the year (yyyy) in which the returns were
                       earned, as Ken French writes them. Required.
    return_unit        percent (5 = 5%, Ken French's files) or decimal (0.05 = 5%). Required.
    risk_free_column   the column of the risk-free rate (RF), or null; it is no model's regressor
    stock_returns      raw or excess: the panel's stock returns (return_column), needed with a
                       risk-free column: the CAPM market is taken in excess of it when raw
    models             {name: [columns]}; null = one model named 'factor_model' of every column but
                       period and the risk-free one
#}

{% macro factor_models_setting(key) -%}
    {%- set given = var('factor_models') -%}
    {%- if given is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set keys = ['path', 'return_unit', 'risk_free_column', 'stock_returns', 'models'] -%}
    {%- set unknown = given.keys() | reject('in', keys) | list -%}
    {%- if unknown -%}
        {{ exceptions.raise_compiler_error("dbt var factor_models: unknown key(s) " ~ unknown | join(', ')
            ~ "; the keys are " ~ keys | join(', ') ~ " (see macros/factor_models.sql)") }}
    {%- endif -%}
    {%- for required in ['path', 'return_unit'] if given.get(required) is none -%}
        {{ exceptions.raise_compiler_error("dbt var factor_models." ~ required ~ " is required with factor_models "
            ~ "(the CSV of factor returns and its unit, percent or decimal); see macros/factor_models.sql") }}
    {%- endfor -%}
    {%- set choices = {'return_unit': ['percent', 'decimal'], 'stock_returns': ['raw', 'excess']} -%}
    {%- set value = given.get(key) -%}
    {%- if key in choices and value is not none and value not in choices[key] -%}
        {{ exceptions.raise_compiler_error("dbt var factor_models." ~ key ~ " must be one of "
            ~ choices[key] | join(', ') ~ "; got '" ~ value ~ "'") }}
    {%- endif -%}
    {%- if key == 'stock_returns' and value is none and given.get('risk_free_column') is not none -%}
        {{ exceptions.raise_compiler_error("dbt var factor_models.risk_free_column is set, so factor_models.stock_returns "
            ~ "must say whether the panel's returns are raw (the market is then taken in excess of "
            ~ given['risk_free_column'] ~ ") or already excess (as JKP's ret_exc_lead1m)") }}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{#- {model: [columns]} of the var, given the CSV's header (without period) -#}
{% macro factor_models_list(header) -%}
    {%- set risk_free = factor_models_setting('risk_free_column') -%}
    {%- set models = factor_models_setting('models') -%}
    {%- if models is none -%}
        {%- set models = {'factor_model': header | reject('equalto', risk_free) | list} -%}
    {%- endif -%}
    {%- for name, columns in models.items() -%}
        {%- if name == 'capm' or columns is string or columns | length == 0 -%}
            {{ exceptions.raise_compiler_error("dbt var factor_models.models: model '" ~ name ~ "' must be a list of "
                ~ "column names of the CSV, and no model may be named capm (the warehouse's own)") }}
        {%- endif -%}
        {%- for column in columns if column not in header or column == risk_free -%}
            {{ exceptions.raise_compiler_error("dbt var factor_models.models: model '" ~ name ~ "' names column '"
                ~ column ~ "', which is not a factor column of " ~ factor_models_setting('path') ~ " (its columns are "
                ~ header | join(', ') ~ ")") }}
        {%- endfor -%}
    {%- endfor -%}
    {{- return(models) -}}
{%- endmacro %}

{#- The period in which a warehouse period's stock returns are earned, the next one (a period's return is
    the next period's): the next month's end for monthly data, the next December 31 for yearly data. -#}
{% macro earned_period(period, frequency) -%}
    case
        when {{ frequency }} = 'monthly' then last_day({{ period }} + interval 1 month)
        else cast({{ period }} + interval 1 year as date)
    end
{%- endmacro %}
