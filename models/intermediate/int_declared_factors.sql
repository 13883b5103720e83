-- One row per (factor, period) the input declares: each Kaggle file's indicator columns in its
-- fiscal year; a panel's characteristics in every period it has. A declared factor can have
-- no value in a period (coverage 0); it is still a factor of that period.
with declared_columns as (

    select * from {{ input_model('columns') }}
    where column_role = 'indicator'

),

{% if panel_is_configured() -%}
periods as (

    select distinct period
    from {{ input_model('rows') }}
    where period is not null

),

final as (

    select
        declared_columns.column_name as factor,
        periods.period,
        declared_columns.column_number
    from declared_columns
    cross join periods

)
{%- else -%}
final as (

    select
        column_name as factor,
        period,
        column_number
    from declared_columns

)
{%- endif %}

select * from final
