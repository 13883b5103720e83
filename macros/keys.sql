{#
  Keys of names: stock_key = name_key('stock_id'), factor_key = name_key('factor'), DuckDB's 64-bit
  hash (UBIGINT) of the name. A key depends on its name alone, so it is the same in every build: a
  new period or a new stock renumbers nothing. The large tables store and join on keys; the
  dimensions stocks and factors hold the names, and their unique tests on the key fail the build
  on a hash collision. The keys are DuckDB's hash: a new DuckDB version may change them (rebuild).
#}
{% macro name_key(name) -%}
    hash({{ name }})
{%- endmacro %}
