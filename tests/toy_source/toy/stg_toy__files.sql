{{ config(enabled=input_source() == 'toy') }}
select distinct
    filename as source_file,
    'read' as status,
    'the toy input (dbt var toy_input)' as reason,
    cast(null as integer) as missing_markers,
    cast(null as varchar[]) as trimmed_headers
from {{ source('toy', 'toy_file') }}
