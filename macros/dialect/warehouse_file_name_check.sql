{#
  Stops a dbt command at its start when the warehouse file's name cannot name a DuckDB catalog:
  dbt-duckdb names the database after the file (warehouse.duckdb -> warehouse) and writes it
  unquoted in the tables it loads from the Kaggle source, so a name such as my-warehouse.duckdb
  fails later with a parser error. Called by on-run-start (dbt_project.yml). On Spark nothing:
  no database is named after a file there.
#}
{% macro warehouse_file_name_check() -%}
    {{ return(adapter.dispatch('warehouse_file_name_check')()) }}
{%- endmacro %}

{% macro duckdb__warehouse_file_name_check() -%}
    {%- if not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', target.database) -%}
        {{ exceptions.raise_compiler_error("the warehouse file name " ~ target.path.split('/')[-1] ~ " cannot be used: DuckDB names the "
            ~ "database after the file ('" ~ target.database ~ "'), and a name other than letters, digits and _ "
            ~ "(not starting with a digit) breaks the tables read from the input; rename the file, e.g. "
            ~ modules.re.sub('[^A-Za-z0-9_]', '_', target.database) ~ ".duckdb (FACTOR_WAREHOUSE_PATH, or the build "
            ~ "command's --database)") }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__warehouse_file_name_check() -%}
{%- endmacro %}
