-- The factor returns of the dbt var factor_models (macros/factor_models.sql), one row per line and
-- factor column: the period read as yyyymm, yyyy-mm, a date (its month) or yyyy (a year), the
-- returns as numbers in percent. A bad line, a period given twice or returns that do not fit the
-- stated unit (an empty field is a missing return) stop the build with the file and the line: a wrong factor return shifts every alpha.

{%- set path = factor_models_setting('path') %}
{%- if path is none %}

select
    cast(null as date) as earned_period,
    cast(null as {{ dbt.type_string() }}) as column_name,
    cast(null as double) as return_pct,
    cast(null as {{ dbt.type_string() }}) as source_file,
    cast(null as integer) as line_number
where false

{%- else %}
{%- set file_label = "'factor model file " ~ (path | replace("'", "''")) ~ "'" %}
{%- set unit = factor_models_setting('return_unit') %}
{%- set header = csv_input_columns(source('factor_models', 'factor_returns_file'), "factor model file " ~ path
    ~ " (dbt var factor_models.path)", ['period'], "Name the first column period (Ken French's files leave it unnamed)") %}
{%- set risk_free = factor_models_setting('risk_free_column') %}
{%- if execute and risk_free is not none and risk_free not in header %}
    {{ exceptions.raise_compiler_error("dbt var factor_models.risk_free_column '" ~ risk_free ~ "' is not a column of '"
        ~ path ~ "'; its columns are " ~ header | join(', ')) }}
{%- endif %}
{%- if execute %}
    {%- do factor_models_list(header | reject('equalto', 'period') | list) %}
{%- endif %}

with source as (

    select * from {{ source('factor_models', 'factor_returns_file') }}

),

unpivoted as (

    {{ unpivot_other_columns('source', [quoted_identifier('period'), 'ordinality'], header | reject('equalto', 'period') | list,
        'column_name', 'return_text') }}

),

-- unpivot drops empty fields: the lines and periods come from the source itself
lines as (

    select
        cast(ordinality + 1 as integer) as line_number,
        trim(coalesce({{ quoted_identifier('period') }}, '')) as period_text
    from source

),

parsed_periods as (

    select
        line_number,
        period_text,
        case
            when {{ regexp_full_match('period_text', '[0-9]{6}') }}
                then last_day(try_cast(left(period_text, 4) || '-' || right(period_text, 2) || '-01' as date))
            when {{ regexp_full_match('period_text', '[0-9]{4}-[0-9]{2}') }}
                then last_day(try_cast(period_text || '-01' as date))
            when {{ regexp_full_match('period_text', '[0-9]{4}') }}
                then make_date(cast(period_text as integer), 12, 31)
            else last_day(try_cast(period_text as date))
        end as earned_period
    from lines

),

checked_periods as (

    select
        *,
        min(line_number) over (partition by earned_period) as first_line_with_period
    from parsed_periods

),

values_read as (

    select
        cast(unpivoted.ordinality + 1 as integer) as line_number,
        unpivoted.column_name,
        unpivoted.return_text,
        {{ parse_number('trim(unpivoted.return_text)') }} as return_value
    from unpivoted

),

unit_check as (

    select median(abs(return_value)) as median_absolute
    from values_read
    {%- if factor_models_setting('risk_free_column') is not none %}
    where column_name != {{ panel_literal(factor_models_setting('risk_free_column')) }}
    {%- endif %}

),

final as (

    select
        case
            when checked_periods.earned_period is null then {{ raise_error(file_label ~ " || ' line '
                || checked_periods.line_number || ': period ''' || checked_periods.period_text
                || ''' does not read as yyyymm, yyyy-mm, a date or yyyy; correct it'") }}
            when checked_periods.line_number > checked_periods.first_line_with_period then {{ raise_error(file_label ~ "
                || ' line ' || checked_periods.line_number || ': period ''' || checked_periods.period_text
                || ''' is given again (first on line ' || checked_periods.first_line_with_period
                || '); keep one line per period'") }}
            else checked_periods.earned_period
        end as earned_period,
        values_read.column_name,
        case
            when values_read.return_value is null or not {{ is_finite('values_read.return_value') }}
                then {{ raise_error(file_label ~ " || ' line ' || values_read.line_number || ', column '
                    || values_read.column_name || ': ''' || values_read.return_text
                    || ''' is not a finite number; correct it, or leave the field empty for a missing return'") }}
            {%- if unit == 'decimal' %}
            when unit_check.median_absolute > 1 then {{ raise_error(file_label ~ " || ': the median absolute factor return is '
                || round(unit_check.median_absolute, 4) || ', over 100% a period: the returns look like percent; '
                || 'set the dbt var factor_models.return_unit to percent'") }}
            else values_read.return_value * 100
            {%- else %}
            when unit_check.median_absolute < 0.2 then {{ raise_error(file_label ~ " || ': the median absolute factor return is '
                || round(unit_check.median_absolute, 4) || '%, under 0.2% a period: the returns look like decimals '
                || '(0.05 = 5%); set the dbt var factor_models.return_unit to decimal'") }}
            else values_read.return_value
            {%- endif %}
        end as return_pct,
        {{ panel_literal(path) }} as source_file,
        values_read.line_number
    from values_read
    inner join checked_periods
        on values_read.line_number = checked_periods.line_number
    cross join unit_check

)

select * from final
{%- endif %}
