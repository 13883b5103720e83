{#
  Keys of names: stock_key = name_key('stock_id'), factor_key = name_key('factor'): a 64-bit hash of
  the name alone, so it is the same in every build: a new period or a new stock renumbers nothing.
  The large tables store and join on keys; the dimensions stocks and factors hold the names, and
  their unique tests on the key fail the build on a hash collision. DuckDB: its hash (UBIGINT; a new
  DuckDB version may change it: rebuild). Spark: xxhash64 (BIGINT). The keys differ between the
  two targets; the names they stand for do not.
#}
{% macro name_key(name) -%}
    {{ return(adapter.dispatch('name_key')(name)) }}
{%- endmacro %}

{% macro duckdb__name_key(name) -%}
    hash({{ name }})
{%- endmacro %}

{% macro spark__name_key(name) -%}
    xxhash64({{ name }})
{%- endmacro %}
