{{ config(enabled=input_source() == 'panel') }}
-- Every file the panel path matches, read; when the path is a directory, also every other
-- entry of it, ignored with why (a file of another format, a subdirectory), so that no file
-- is left out without a word.

{%- set path = panel_setting('path') | string %}
{%- set directory = path %}
{%- if execute %}
    {%- set matches = run_query("select count(*) from glob(" ~ panel_literal(path) ~ ")").columns[0].values()[0] %}
    {%- if matches > 0 %}
        {%- set directory = path.rsplit('/', 1)[0] if '/' in path else '.' %}
    {%- endif %}
{%- endif %}

with source as (

    select * from {{ source('panel', 'panel_file') }}

),

read_files as (

    select distinct filename as source_file
    from source

),

directory_entries as (

    select file as source_file
    from glob({{ panel_literal(directory.rstrip('/') ~ '/*') }})

),

final as (

    select
        coalesce(read_files.source_file, directory_entries.source_file) as source_file,
        case when read_files.source_file is not null then 'read' else 'ignored' end as status,
        case
            when read_files.source_file is not null then 'matched by the panel path {{ path | replace("'", "''") }}'
            else 'not matched by the panel path {{ path | replace("'", "''") }} (dbt var panel.path)'
        end as reason,
        cast(null as integer) as missing_markers,
        cast(null as varchar[]) as trimmed_headers
    from read_files
    full outer join directory_entries
        on read_files.source_file = directory_entries.source_file

)

select * from final
