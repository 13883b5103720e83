{#- A float or double as text, as DuckDB writes it (Python's repr: the shortest digits that read back,
    positional from 1e-4 to 1e16, else 1.5e+20; nan, inf, -inf). Spark starts from its own text's digits
    (Java's) and lays them out so; from 1e16 to 1e19 those can run a digit longer than the shortest. -#}
{% macro number_text(expression) -%}
    {{ return(adapter.dispatch('number_text')(expression)) }}
{%- endmacro %}

{% macro duckdb__number_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- java: Java's text of |x| ('3.6669550871271106E-4', '1234.5'); digits: its significant digits;
    exponent: x's power of ten (x = d.ddd x 10^exponent) -#}
{% macro spark__number_text(expression) -%}
    {%- set java = 'cast(abs(' ~ expression ~ ') as string)' -%}
    {%- set mantissa = "regexp_extract(" ~ java ~ ", '^([0-9.]+)', 1)" -%}
    {%- set whole = "split_part(" ~ mantissa ~ ", '.', 1)" -%}
    {%- set all_digits = "concat(" ~ whole ~ ", split_part(" ~ mantissa ~ ", '.', 2))" -%}
    {%- set digits = "regexp_replace(regexp_replace(" ~ all_digits ~ ", '^0+', ''), '0+$', '')" -%}
    {%- set exponent = "(cast(coalesce(nullif(regexp_extract(" ~ java ~ ", 'E(-?[0-9]+)$', 1), ''), '0') as int) + length("
        ~ whole ~ ") - 1 - length(regexp_extract(" ~ all_digits ~ ", '^(0*)', 1)))" -%}
    case
        when isnan({{ expression }}) then 'nan'
        when {{ expression }} = double('infinity') then 'inf'
        when {{ expression }} = double('-infinity') then '-inf'
        else concat(case when cast({{ expression }} as string) like '-%' then '-' else '' end, case
            when {{ digits }} = '' then '0.0'
            when {{ exponent }} between 0 and 15 then concat(
                substr(rpad({{ digits }}, {{ exponent }} + 1, '0'), 1, {{ exponent }} + 1), '.',
                coalesce(nullif(substr({{ digits }}, {{ exponent }} + 2), ''), '0'))
            when {{ exponent }} between -4 and -1 then concat('0.', repeat('0', -{{ exponent }} - 1), {{ digits }})
            else concat(substr({{ digits }}, 1, 1), case when length({{ digits }}) > 1 then concat('.', substr({{ digits }}, 2)) else '' end,
                'e', case when {{ exponent }} < 0 then '-' else '+' end,
                case when abs({{ exponent }}) < 10 then '0' else '' end, cast(abs({{ exponent }}) as string))
        end)
    end
{%- endmacro %}
