{{ config(enabled=input_source() == 'panel') }}
-- The characteristics the panel declares, in every period the panel has: every column of a wide
-- panel that is not a key, the sector or excluded (in file order), or every name in a long
-- panel's characteristic column. Header text is only ever a string literal here.

{%- set columns = panel_columns() %}

with source as (

    select * from {{ source('panel', 'panel_file') }}

),

{% if panel_setting('shape') == 'wide' -%}
declared as (

    select column_name, cast(column_number as integer) as column_number
    from (values
        {%- for characteristic in columns['characteristics'] %}
        ({{ panel_literal(columns['factor_names'].get(characteristic, characteristic)) }}, {{ loop.index }})
            {{- ',' if not loop.last }}
        {%- endfor %}
    ) as characteristics (column_name, column_number)

),
{%- else -%}
{%- set name = panel_identifier(panel_column('characteristic_column', columns)) %}
declared as (

    select
        column_name,
        cast(row_number() over (order by column_name) as integer) as column_number
    from (
        select distinct cast({{ name }} as {{ dbt.type_string() }}) as column_name
        from source
        where {{ name }} is not null
    )

),
{%- endif %}

periods as (

    select distinct period
    from {{ ref('stg_panel__rows') }}
    where period is not null

),

final as (

    select
        periods.period,
        declared.column_number,
        declared.column_name,
        'indicator' as column_role
    from declared
    cross join periods

)

select * from final
