{#
  The one number grammar of the input files, used by every staging cast of their text:
  an optional sign, digits with an optional decimal point (or a point and digits), an
  optional exponent ('-12.5', '.5', '4.452e+13'), or an infinity ('inf', '-Infinity', any
  case), which the checks then quarantine as not finite. Anything else is not a number and
  gives null: '1_000' and '1,000' (DuckDB's own cast reads '1_000' as 1000), '0x10',
  ' 1' (the loader trims fields first), 'NAN' (pandas' missing markers such as 'nan' and
  'N/A' never get here: the loader reads them as missing, like an empty cell).
  Usage: {{ parse_number('price_var_text') }}
#}
{% macro parse_number(text_column) -%}
    case
        when {{ regexp_full_match(text_column, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?') }}
            or {{ regexp_full_match(text_column, '[+-]?inf(inity)?', 'i') }}
            then try_cast({{ text_column }} as double)
    end
{%- endmacro %}
