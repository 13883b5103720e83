-- Per period, input rows = stock_periods rows + rejected rows, and input values (as staging reads
-- them) = accepted values + rejected values + values of rejected rows, the last two as
-- quarantined_inputs and int_factor_cells_rejected list them. Accepted values are counted in
-- int_factor_cells_accepted, not factor_values, which also holds user factors and drops the zeros
-- of a zero_as_missing adjustment; its own tests cover what it keeps. Returns the periods where
-- the counts disagree (none when nothing was lost).
with input_rows as (

    select period, count(*) as n_rows
    from {{ ref('stg_input__rows') }}
    group by period

),

input_values as (

    select * from {{ ref('stg_input__values') }}

),

accepted_values as (

    select * from {{ ref('int_factor_cells_accepted') }}

),

rejected_values as (

    select * from {{ ref('int_factor_cells_rejected') }}

),

input_value_counts as (

    select period, count(*) as n_values
    from input_values
    group by period

),

loaded_rows as (

    select period, count(*) as n_rows
    from {{ ref('stock_periods') }}
    group by period

),

loaded_values as (

    select period, count(*) as n_values
    from accepted_values
    group by period

),

quarantined as (

    select
        period,
        count(*) filter (where rejected = 'row') as n_rows,
        count(*) filter (where rejected = 'value') as n_values
    from {{ ref('quarantined_inputs') }}
    group by period

),

values_of_rejected_rows as (

    select period, count(*) as n_values
    from rejected_values
    where is_row_rejected
    group by period

),

final as (

    select
        input_rows.period,
        input_rows.n_rows as input_rows,
        coalesce(loaded_rows.n_rows, 0) + coalesce(quarantined.n_rows, 0) as accounted_rows,
        coalesce(input_value_counts.n_values, 0) as input_values,
        coalesce(loaded_values.n_values, 0) + coalesce(quarantined.n_values, 0)
            + coalesce(values_of_rejected_rows.n_values, 0) as accounted_values
    from input_rows
    left join input_value_counts on input_rows.period is not distinct from input_value_counts.period
    left join loaded_rows on input_rows.period is not distinct from loaded_rows.period
    left join loaded_values on input_rows.period is not distinct from loaded_values.period
    left join quarantined on input_rows.period is not distinct from quarantined.period
    left join values_of_rejected_rows on input_rows.period is not distinct from values_of_rejected_rows.period

)

select * from final
where input_rows != accounted_rows or input_values != accounted_values
