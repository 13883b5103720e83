{#
  The dbt var factor_adjustments, read and validated in this one place:
  {factor: {zero_as_missing: true, winsorize: [lower, upper]}}, applied in factor_values before
  ranking. quantile_cont takes only constant fractions, so every winsorize fraction goes into one
  list, computed once per (factor, period), and each setting keeps the positions of its two; the
  list starts with 0 and 1 (the minimum and the maximum) so that it is never empty. factor_values
  stops the build when a name is not a factor (of the input or a user factor), so that a typo is not
  silently an adjustment of nothing.
  Returns {fractions: [...], settings: [[factor, zero_as_missing, lower position, upper position], ...]}.
#}
{% macro factor_adjustment_settings() -%}
    {%- set adjustments = var('factor_adjustments') or {} -%}
    {%- if adjustments is not mapping -%}
        {{ exceptions.raise_compiler_error("dbt var factor_adjustments must map factor names to their adjustments, e.g. "
            ~ "{'PE ratio': {zero_as_missing: true}, ROE: {winsorize: [0.01, 0.99]}}, got " ~ tojson(adjustments)) }}
    {%- endif -%}
    {%- set fractions = [0, 1] -%}
    {%- set settings = [] -%}
    {%- for factor, setting in adjustments | dictsort -%}
        {%- set what = "dbt var factor_adjustments, factor '" ~ factor ~ "': " -%}
        {%- if setting is not mapping or not setting or setting.keys() | reject('in', ['zero_as_missing', 'winsorize']) | list -%}
            {{ exceptions.raise_compiler_error(what ~ "set zero_as_missing: true and/or winsorize: [lower, upper], got " ~ tojson(setting)) }}
        {%- endif -%}
        {%- set zero_as_missing = setting.get('zero_as_missing', false) -%}
        {%- if zero_as_missing is not boolean -%}
            {{ exceptions.raise_compiler_error(what ~ "zero_as_missing must be true or false, got " ~ tojson(zero_as_missing)) }}
        {%- endif -%}
        {%- set winsorize = setting.get('winsorize') -%}
        {%- if winsorize is none -%}
            {%- do settings.append([factor, zero_as_missing, 'null', 'null']) -%}
        {%- elif winsorize is string or winsorize is not sequence or winsorize | length != 2
              or winsorize | reject('number') | list or not (0 <= winsorize[0] < winsorize[1] <= 1) -%}
            {{ exceptions.raise_compiler_error(what ~ "winsorize must be [lower, upper], two quantiles of the factor's period "
                ~ "with 0 <= lower < upper <= 1, e.g. [0.01, 0.99]; got " ~ tojson(winsorize)) }}
        {%- else -%}
            {%- do fractions.extend(winsorize) -%}
            {%- do settings.append([factor, zero_as_missing, fractions | length - 1, fractions | length]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({'fractions': fractions, 'settings': settings}) }}
{%- endmacro %}
