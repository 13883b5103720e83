-- The factor metadata of the dbt var factor_publications (macros/factor_publications.sql), one row per
-- line: the factor and its sample start, sample end and publication dates (null where the field is
-- empty). A date that does not read as yyyy-mm-dd, a factor given twice or a sample that ends before
-- it starts stops the build with the file and the line. A table (of one row per factor), so that every check
-- runs when it is built, whichever of its columns a reader uses.

{{ config(materialized='table') }}

{%- set path = factor_publications_path() %}
{%- set date_columns = ['sample_start', 'sample_end', 'publication_date'] %}
{%- if path is none %}

select
    cast(null as {{ dbt.type_string() }}) as factor,
    cast(null as date) as sample_start,
    cast(null as date) as sample_end,
    cast(null as date) as publication_date,
    cast(null as {{ dbt.type_string() }}) as source_file,
    cast(null as integer) as line_number
where false

{%- else %}
{%- set file_label = "'factor publications file " ~ (path | replace("'", "''")) ~ "'" %}
{%- do csv_input_columns(source('factor_publications', 'factor_publications_file'), "factor publications file "
    ~ path ~ " (dbt var factor_publications.path)", ['factor'] + date_columns, "Name them factor, sample_start, "
    ~ "sample_end, publication_date (README 'Is it alpha?' maps OSAP's SignalDoc.csv onto them)") %}

with source as (

    select * from {{ source('factor_publications', 'factor_publications_file') }}

),

parsed as (

    select
        cast(ordinality + 1 as integer) as line_number,
        trim(coalesce(factor, '')) as factor,
        {%- for column in date_columns %}
        trim(coalesce({{ column }}, '')) as {{ column }}_text,
        {{ date_from_iso_text('trim(' ~ column ~ ')') }} as {{ column }},
        {%- endfor %}
        min(ordinality + 1) over (partition by trim(coalesce(factor, ''))) as first_line_with_factor
    from source

),

checked_lines as (

    select
        case
            when factor = '' then {{ raise_error(file_label ~ " || ' line ' || line_number
                || ': the factor is empty; give the warehouse''s factor name or remove the line'") }}
            when line_number > first_line_with_factor then {{ raise_error(file_label ~ " || ' line ' || line_number
                || ': factor ''' || factor || ''' is given again (first on line ' || first_line_with_factor
                || '); keep one line per factor'") }}
            else factor
        end as factor,
        {%- for column in date_columns %}
        case
            when {{ column }}_text != '' and {{ column }} is null then {{ raise_error(file_label ~ " || ' line '
                || line_number || ', column " ~ column ~ ": ''' || " ~ column ~ "_text
                || ''' does not read as a date yyyy-mm-dd; correct it, or leave the field empty for a missing date'") }}
            else {{ column }}
        end as {{ column }},
        {%- endfor %}
        {{ panel_literal(path) }} as source_file,
        line_number
    from parsed

),

final as (

    select
        factor,
        sample_start,
        case
            when sample_end < sample_start then {{ raise_error(file_label ~ " || ' line ' || line_number
                || ': sample_end ' || sample_end || ' is before sample_start ' || sample_start || '; correct one of them'") }}
            else sample_end
        end as sample_end,
        publication_date,
        source_file,
        line_number
    from checked_lines

)

select * from final
{%- endif %}
