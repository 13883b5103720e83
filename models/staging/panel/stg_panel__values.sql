{{ config(enabled=input_source() == 'panel') }}
-- The panel's non-empty characteristic values in the value contract every source fills
-- (models/staging/_staging__docs.md): the characteristic's name exactly as the header (wide)
-- or the characteristic column (long) has it, the value as read and, for text input, the
-- text it was read from.

{%- set columns = panel_columns() %}

with source as (

    select * from {{ source('panel', 'panel_file') }}

),

{% if panel_setting('shape') == 'wide' -%}
long_values as (

    unpivot (
        select
            {{ panel_row_keys(columns) | indent(12) }},
            {%- for characteristic in columns['characteristics'] %}
            {{ panel_identifier(characteristic) }}{{ ',' if not loop.last }}
            {%- endfor %}
        from source
    )
    on columns(* exclude (filename, line_number, id_raw, period_raw))
    into name factor value value_raw

),
{%- else -%}
long_values as (

    select
        {{ panel_row_keys(columns) | indent(8) }},
        cast({{ panel_identifier(panel_setting('characteristic_column')) }} as varchar) as factor,
        {{ panel_identifier(panel_setting('value_column')) }} as value_raw
    from source
    where {{ panel_identifier(panel_setting('value_column')) }} is not null

),
{%- endif %}

renamed as (

    select
        filename as source_file,
        cast(line_number as integer) as line_number,
        cast(id_raw as varchar) as stock_id,
        {{ panel_period('period_raw', columns) }} as period,
        cast(null as integer) as column_number,
        factor,
        {{ 'cast(value_raw as varchar)' if columns['is_text'] else 'cast(null as varchar)' }} as cell_text,
        {{ panel_number('value_raw', columns) }} as value
    from long_values

)

select * from renamed
