{{ config(enabled=input_source() == 'panel') }}
-- The panel's stock-periods in the stock-period contract every source fills
-- (models/staging/_staging__docs.md). A long panel repeats a stock-period's return and
-- sector on each of its characteristic rows: they are grouped here, line_number is the
-- first of them, and distinct_return_count says when the repeats disagree. The return is read
-- as a field of numbers (macro panel_field): a missing marker, or a NaN in a float column, is a
-- missing return; a text sector's missing marker is no sector. The optional stock-level
-- columns of the portfolio schemes (market equity, exchange, price, cost) are read the same way,
-- null when their key is not set; the NYSE flag compares the exchange with nyse_exchange_values.

{%- set columns = panel_columns() %}
{%- set return_column = panel_column('return_column', columns) %}
{%- set stock_fields = ['sector', 'market_equity', 'exchange', 'price', 'cost'] %}
{%- set text_return = columns['types'].get(return_column) == 'VARCHAR' %}
{%- set percent = ' * 100' if panel_setting('return_unit') == 'decimal' else '' %}

with source as (

    select * from {{ source('panel', 'panel_file') }}

),

numbered as (

    select
        {{ panel_row_keys(columns) | indent(8) }},
        {{ panel_field(return_column, columns) | indent(8) }} as __panel_return,
        {%- for field in stock_fields %}
        {{ panel_optional_field(field ~ '_column', columns) | indent(8) }} as __panel_{{ field }}{{ ',' if not loop.last }}
        {%- endfor %}
    from source

),

{% if panel_setting('shape') == 'long' -%}
stock_periods as (

    select
        __panel_file,
        min(__panel_line) as __panel_line,
        __panel_id,
        __panel_period,
        any_value(__panel_return) as __panel_return,
        count(distinct __panel_return) as distinct_return_count,
        {%- for field in stock_fields %}
        any_value(__panel_{{ field }}) as __panel_{{ field }}{{ ',' if not loop.last }}
        {%- endfor %}
    from numbered
    group by __panel_file, __panel_id, __panel_period

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
        {{ panel_period('__panel_period', columns) }} as period
    from stock_periods

),

renamed as (

    select
        __panel_file as source_file,
        cast(__panel_line as integer) as line_number,
        cast(__panel_id as {{ dbt.type_string() }}) as stock_id,
        period,
        cast(__panel_period as {{ dbt.type_string() }}) as period_text,
        {{ panel_period_label('period', columns) }} as period_label,
        '{{ panel_frequency(columns) }}' as frequency,
        {{ 'year(period)' if panel_frequency(columns) == 'yearly' else 'cast(null as integer)' }} as fiscal_year,
        cast(__panel_sector as {{ dbt.type_string() }}) as sector,
        cast(null as {{ dbt.type_string() }}) as sector_rejection_reason,
        {{ panel_literal(panel_setting('return_column')) }} as return_column,
        {{ panel_text('__panel_return', return_column, columns) }} as return_text,
        {{ panel_number('__panel_return', text_return) }}{{ percent }} as return_pct,
        cast(distinct_return_count as integer) as distinct_return_count,
        cast(null as {{ dbt.type_string() }}) as class_text,
        cast(null as double) as class_value,
        {%- for field in ['market_equity', 'price', 'cost'] %}
        {%- set key = field ~ '_column' %}
        {{ panel_literal(panel_setting(key)) if key in columns['keys'] else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as {{ key }},
        {{ panel_text('__panel_' ~ field, columns['keys'].get(key), columns) }} as {{ field }}_text,
        {{ panel_optional_number(key, '__panel_' ~ field, columns) }}{{ percent if field == 'cost' }} as {{ field }}{{ '_pct' if field == 'cost' }},
        {%- endfor %}
        {{ panel_exchange_text('__panel_exchange') }} as exchange,
        {%- set nyse_codes = [] %}
        {%- for code in panel_setting('nyse_exchange_values') %}
            {%- do nyse_codes.append(panel_literal(code | string)) %}
        {%- endfor %}
        {{ array_contains('cast(' ~ array_literal(nyse_codes) ~ ' as ' ~ type_array(dbt.type_string()) ~ ')',
            panel_exchange_text('__panel_exchange')) }} as is_nyse
    from read

)

select * from renamed
