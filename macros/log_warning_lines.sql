{#
  For a data test of severity warn: logs each row of `query` (one text column: what was found, in
  which file and period, how many and why) when the test runs, so that the build command prints
  these lines under the test's warning in place of dbt's "Got N results" (BuildProgress in
  factor_warehouse/cli/build.py). Nothing is logged while dbt parses.
  Usage: {{ log_warning_lines("select message from ... where ...") }}
#}
{% macro log_warning_lines(query) -%}
    {%- if execute -%}
        {%- for row in run_query(query) -%}
            {%- do log(row[0], info=True) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
