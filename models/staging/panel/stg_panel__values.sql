{{ config(enabled=input_source() == 'panel') }}
-- The panel's non-empty characteristic values in the value contract every source fills
-- (models/staging/_staging__docs.md): the characteristic's name exactly as the header (wide)
-- or the characteristic column (long) has it, the value as read and, for text input, the
-- text it was read from (trimmed; a missing marker is no value, as an empty cell).

{%- set columns = panel_columns() %}
{%- set value_column = panel_column('value_column', columns) %}
{%- set is_text = columns['is_text'] or columns['types'].get(value_column) == 'VARCHAR' %}

-- not materialized: a wide Parquet panel is unpivoted one column a branch, each reading the source
with source as {{ cte_not_materialized() }} (

    select * from {{ source('panel', 'panel_file') }}

),

{% if panel_setting('shape') == 'wide' -%}
{%- set fields = {} -%}
{%- for characteristic in columns['characteristics'] -%}
    {%- do fields.update({columns['factor_names'].get(characteristic, characteristic): panel_field(characteristic, columns)}) -%}
{%- endfor %}
long_values as (

    {{ unpivot_columns('source', panel_row_keys(columns), fields, '__panel_factor', '__panel_value',
        columnar=panel_file_format() == 'parquet') | indent(4) }}

),
{%- else -%}
long_values as (

    select * from (
        select
            {{ panel_row_keys(columns) | indent(12) }},
            cast({{ panel_identifier(panel_column('characteristic_column', columns)) }} as {{ dbt.type_string() }}) as __panel_factor,
            {{ panel_field(value_column, columns) | indent(12) }} as __panel_value
        from source
    )
    where __panel_value is not null

),
{%- endif %}

renamed as (

    select
        __panel_file as source_file,
        cast(__panel_line as integer) as line_number,
        cast(__panel_id as {{ dbt.type_string() }}) as stock_id,
        {{ panel_period('__panel_period', columns) }} as period,
        __panel_period as source_period,
        cast(null as integer) as column_number,
        __panel_factor as factor,
        cast({{ '__panel_value' if is_text else 'null' }} as {{ dbt.type_string() }}) as cell_text,
        {{ panel_number('__panel_value', is_text) }} as value
    from long_values

)

select * from renamed
