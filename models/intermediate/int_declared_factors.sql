-- One row per (factor, period) the input declares (stg_input__columns: each Kaggle file's indicator
-- columns in its fiscal year; a panel's characteristics in every period it has). A declared factor can have
-- no value in a period (coverage 0); it is still a factor of that period.
-- And each user factor (int_user_factor_values: a factor its model returns a row for, even with a
-- null value) in every period of the input, without a column number.
with input_columns as (

    select * from {{ ref('stg_input__columns') }}

),

user_factor_values as (

    select * from {{ ref('int_user_factor_values') }}

),

input_factors as (

    select
        column_name as factor,
        period,
        column_number
    from input_columns
    where column_role = 'indicator'

),

input_periods as (

    select distinct period
    from input_factors

),

user_factors as (

    select distinct factor
    from user_factor_values

),

user_factor_periods as (

    select
        user_factors.factor,
        input_periods.period,
        cast(null as integer) as column_number
    from user_factors
    cross join input_periods

),

declared_factors as (

    select * from input_factors
    union all
    select * from user_factor_periods

),

final as (

    select
        factor,
        {{ name_key('factor') }} as factor_key,
        period,
        column_number
    from declared_factors

)

select * from final
