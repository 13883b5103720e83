{{ config(enabled=input_source() == 'panel') }}
-- The panel's stock-periods in the stock-period contract every source fills
-- (models/staging/_staging__docs.md). A long panel repeats a stock-period's return and
-- sector on each of its characteristic rows: they are grouped here, line_number is the
-- first of them, and distinct_return_count says when the repeats disagree.

{%- set columns = panel_columns() %}
{%- set return = panel_identifier(panel_setting('return_column')) %}
{%- set sector = panel_identifier(panel_setting('sector_column')) if panel_setting('sector_column') is not none else 'null' %}

with source as (

    select * from {{ source('panel', 'panel_file') }}

),

numbered as (

    select
        {{ panel_row_keys(columns) | indent(8) }},
        {{ return }} as return_raw,
        {{ sector }} as sector_raw
    from source

),

{% if panel_setting('shape') == 'long' -%}
stock_periods as (

    select
        filename,
        min(line_number) as line_number,
        id_raw,
        period_raw,
        any_value(return_raw) as return_raw,
        count(distinct return_raw) as distinct_return_count,
        any_value(sector_raw) as sector_raw
    from numbered
    group by filename, id_raw, period_raw

),
{%- else -%}
stock_periods as (

    select *, 1 as distinct_return_count
    from numbered

),
{%- endif %}

read as (

    select
        *,
        {{ panel_period('period_raw', columns) }} as period
    from stock_periods

),

renamed as (

    select
        filename as source_file,
        cast(line_number as integer) as line_number,
        cast(id_raw as varchar) as stock_id,
        period,
        cast(period_raw as varchar) as period_text,
        {{ panel_period_label('period', columns) }} as period_label,
        '{{ panel_frequency(columns) }}' as frequency,
        {{ 'year(period)' if panel_frequency(columns) == 'yearly' else 'cast(null as integer)' }} as fiscal_year,
        cast(sector_raw as varchar) as sector,
        cast(null as varchar) as sector_rejection_reason,
        {{ panel_literal(panel_setting('return_column')) }} as return_column,
        cast(return_raw as varchar) as return_text,
        {{ panel_number('return_raw', columns) }}{{ ' * 100' if panel_setting('return_unit') == 'decimal' }} as return_pct,
        cast(distinct_return_count as integer) as distinct_return_count,
        cast(null as varchar) as class_text,
        cast(null as double) as class_value
    from read

)

select * from renamed
