{#
  The factor-metadata CSV of the dbt var `factor_publications` (models/staging/factor_publications,
  mart factor_decay), read in this one place. Null (the default): no file, factor_decay is empty.

    path   a CSV with the columns factor (the warehouse's factor name), sample_start, sample_end and
           publication_date (dates, yyyy-mm-dd; an empty field is a missing date); other columns are
           ignored. Required.
#}

{% macro factor_publications_path() -%}
    {%- set given = var('factor_publications') -%}
    {%- if given is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set unknown = given.keys() | reject('equalto', 'path') | list -%}
    {%- if unknown or given.get('path') is none -%}
        {{ exceptions.raise_compiler_error("dbt var factor_publications: its one key is path, which is required "
            ~ "(got " ~ given.keys() | join(', ') ~ "); see macros/factor_publications.sql") }}
    {%- endif -%}
    {{- return(given['path']) -}}
{%- endmacro %}

{#-
  Data test (severity warn) on stg_factor_publications__dates: a factor of the file that the warehouse
  does not have (table factors) has no long-short returns, so it is absent from factor_decay; each
  such line is logged with the file, its line and what to do.
-#}
{% test factor_publications_known_factors(model) %}

{%- set unknown_sql -%}
select
    dates.factor,
    dates.source_file || ' line ' || dates.line_number || ': factor ''' || dates.factor
        || ''' is not a factor of this warehouse (table factors); correct its name to the warehouse''s, '
        || 'or remove the line' as message
from {{ model }} as dates
where dates.factor not in (select factor from {{ ref('factors') }})
{%- endset -%}

{{ log_warning_lines('select message from (' ~ unknown_sql ~ ') as unknown_factors order by all') }}

{{ unknown_sql }}

{% endtest %}
