{{ config(enabled=panel_is_configured()) }}
-- The characteristics the panel declares, one row each: every column of a wide panel that is
-- not a key, the sector or excluded (in file order), or every name in a long panel's
-- characteristic column. Header text is only ever a string literal here.

{%- set columns = panel_columns() %}

with source as (

    select * from {{ source('panel', 'panel_file') }}

),

{% if panel_setting('shape') == 'wide' -%}
declared as (

    select column_name, cast(column_number as integer) as column_number
    from (values
        {%- for characteristic in columns['characteristics'] %}
        ({{ panel_literal(characteristic) }}, {{ loop.index }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as characteristics (column_name, column_number)

),
{%- else -%}
declared as (

    select
        column_name,
        cast(row_number() over (order by column_name) as integer) as column_number
    from (
        select distinct cast({{ panel_identifier(panel_setting('characteristic_column')) }} as varchar) as column_name
        from source
        where {{ panel_identifier(panel_setting('characteristic_column')) }} is not null
    )

),
{%- endif %}

final as (

    select
        column_name,
        column_number,
        'indicator' as column_role
    from declared

)

select * from final
