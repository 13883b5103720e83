{{ config(enabled=input_source() == 'panel') }}
-- The panel's benchmark series in the benchmark contract (models/staging/_staging__docs.md): the
-- CSV named by the dbt var panel.benchmark_path, columns `period` (written as the panel's period
-- column) and `return` (the benchmark's return over the span of the panel's return column on that
-- period's rows, in the panel's return_unit). No rows when no benchmark is given. A row that does
-- not read, or a period given twice, stops the build with the file, the line and what to do: a
-- benchmark is one number per period, and a wrong one would shift every alpha of its period.

{%- set benchmark_path = panel_setting('benchmark_path') %}
{%- if benchmark_path is none %}

select
    cast(null as date) as period,
    cast(null as double) as benchmark_return_pct,
    cast(null as {{ dbt.type_string() }}) as source_file,
    cast(null as integer) as line_number
where false

{%- else %}
{%- set columns = panel_columns() %}
{%- set file_label = panel_literal("benchmark file '" ~ benchmark_path ~ "'") %}
{%- do csv_input_columns(source('panel', 'benchmark_file'), "benchmark file '" ~ benchmark_path
    ~ "' (dbt var panel.benchmark_path)", ['period', 'return'], 'Write its header as: period,return') %}

with source as (

    select * from {{ source('panel', 'benchmark_file') }}

),

read as (

    select
        cast(ordinality + 1 as integer) as line_number,
        {{ quoted_identifier('period') }} as period_text,
        {{ quoted_identifier('return') }} as return_text,
        {{ panel_period(quoted_identifier('period'), columns) }} as period,
        {{ parse_number('trim(' ~ quoted_identifier('return') ~ ')') }} as return_value
    from source

),

checked as (

    select
        *,
        count(*) over (partition by period) as rows_with_period
    from read

),

final as (

    select
        case
            when period is null then {{ raise_error(file_label ~ " || ' line ' || line_number || ': period '''
                || coalesce(period_text, '') || ''' does not read as the panel''s period column does; '
                || 'write it as the panel writes its periods'") }}
            when rows_with_period > 1 then {{ raise_error(file_label ~ " || ' line ' || line_number || ': period '''
                || period_text || ''' is given ' || rows_with_period || ' times; keep one return per period'") }}
            else period
        end as period,
        case
            when return_value is null or not {{ is_finite('return_value') }} then {{ raise_error(file_label ~ " || ' line '
                || line_number || ': return ''' || coalesce(return_text, '') || ''' is not a finite number; '
                || 'correct it, or remove the line if the benchmark has no return for that period'") }}
            else return_value{{ ' * 100' if panel_setting('return_unit') == 'decimal' }}
        end as benchmark_return_pct,
        {{ panel_literal(benchmark_path) }} as source_file,
        line_number
    from checked

)

select * from final
{%- endif %}
