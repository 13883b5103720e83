{{ config(enabled=input_source() == 'panel') }}
-- Every file the panel path matches, read, with its count of fields read as missing for a missing
-- marker; when the path is a directory, also every other entry of it, ignored with why (a file of
-- another format, a subdirectory), so that no file is left out without a word. A file or a glob
-- lists only what it matches.

{%- set path = panel_setting('path') | string %}
{%- set columns = panel_columns() %}
{%- set is_directory = panel_read_pattern() != path %}
{%- set return_column = panel_column('return_column', columns) %}
{%- set number_columns = [return_column] + (columns['characteristics'] if panel_setting('shape') == 'wide'
    else [panel_column('value_column', columns)]) %}

with source as (

    select * from {{ source('panel', 'panel_file') }}

),

read_files as (

    select
        __panel_file as source_file,
        0
        {%- for name in number_columns %}
        {%- if columns['types'].get(name) == 'VARCHAR' %}
            + count_if(trim({{ panel_identifier(name) }}) <> ''
                and trim({{ panel_identifier(name) }}) in ({{ panel_missing_markers() }}))
        {%- elif columns['types'].get(name) in ['FLOAT', 'DOUBLE'] %}
            + count_if(isnan({{ panel_identifier(name) }}))
        {%- endif %}
        {%- endfor %} as missing_markers
    from source
    group by __panel_file

),

directory_entries as (

    {% if is_directory -%}
    {{ directory_entries(path.rstrip('/')) }}
    {%- else -%}
    select cast(null as {{ dbt.type_string() }}) as source_file
    where false
    {%- endif %}

),

final as (

    select
        coalesce(read_files.source_file, directory_entries.source_file) as source_file,
        case when read_files.source_file is not null then 'read' else 'ignored' end as status,
        case
            when read_files.source_file is not null then 'matched by the panel path {{ path | replace("'", "''") }}'
            else 'not matched by the panel path {{ path | replace("'", "''") }} (dbt var panel.path)'
        end as reason,
        cast(read_files.missing_markers as integer) as missing_markers,
        cast(null as {{ type_array(dbt.type_string()) }}) as trimmed_headers
    from read_files
    full outer join directory_entries
        on read_files.source_file = directory_entries.source_file

)

select * from final
