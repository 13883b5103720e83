{#
  ref() and source() as dbt resolves them, minus the database part: "main"."factor_values"
  instead of "warehouse"."main"."factor_values", "raw"."input_files" instead of
  "warehouse"."raw"."input_files". DuckDB names a database file's catalog after the file, so a
  view whose body names the catalog fails in a copy of the warehouse opened under another name
  (Catalog "warehouse" does not exist); without it, a view reads the catalog it lives in.
  ref takes every form dbt's ref takes: ref('model'), ref('package', 'model'), and a version as
  v= or version=. Python models' dbt.ref goes through it too (dbt's build_ref_function calls ref).
  A panel source (external_location: read_parquet(...), read_csv(...)) renders as its location,
  with or without a database part. source() is per adapter: macros/dialect/panel_source.sql.
#}
{% macro ref() -%}
    {{- return(builtins.ref(*varargs, **kwargs).include(database=False)) -}}
{%- endmacro %}
