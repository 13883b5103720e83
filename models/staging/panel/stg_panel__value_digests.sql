{{ config(enabled=input_source() == 'panel') }}
-- The panel's values in the value_digests contract every source fills
-- (models/staging/_staging__docs.md). A long panel: from its values (macro value_digests_of). A
-- wide panel is not unpivoted: each row is one hash of its characteristic columns as written, with
-- their names in name order (so the columns' order is not content), and a count of its values
-- (fields not missing). The rows' hashes are summed per period and file as the values' are (macro
-- row_hash_sum; a file-period without values gives no row): content_sum without the file and
-- line, provenance_sum with them (a panel's values have no column number). Unpivoting every value
-- to hash it costs about three times as much.

{%- set columns = panel_columns() %}
{% if panel_setting('shape') == 'long' %}
{{ value_digests_of(ref('stg_panel__values')) }}
{%- else %}
{%- set by_name = {} %}
{%- for characteristic in columns['characteristics'] %}
    {%- do by_name.update({columns['factor_names'].get(characteristic, characteristic): characteristic}) %}
{%- endfor %}
{%- set hashed = [] %}
{%- set counted = [] %}
{%- for name in by_name | sort %}
    {%- do hashed.extend([text_literal(name), panel_identifier(by_name[name])]) %}
    {%- do counted.append('cast(' ~ panel_field(by_name[name], columns) ~ ' is not null as integer)') %}
{%- endfor %}

with source as (

    select * from {{ source('panel', 'panel_file') }}

),

value_rows as (

    select
        {{ panel_row_keys(columns) | indent(8) }},
        {{ values_hash(hashed) }} as __panel_values_hash,
        {{ counted | join(' + ') }} as __panel_n_values
    from source

),

-- each row once, named as the value contract names its columns
hashed_rows as (

    select
        __panel_file as source_file,
        __panel_line as line_number,
        __panel_id as stock_id,
        {{ panel_period('__panel_period', columns) }} as period,
        __panel_values_hash as values_hash,
        __panel_n_values as n_values
    from value_rows

),

final as (

    select
        period,
        source_file,
        cast(sum(n_values) as bigint) as n_values,
        {{ row_hash_sum(['source_file', 'line_number']) }} as content_sum,
        {{ row_hash_sum() }} as provenance_sum
    from hashed_rows
    group by period, source_file
    having sum(n_values) > 0

)

select * from final
{%- endif %}
