-- Predictions only for periods the model was allowed to see, per evaluation. train_first_year
-- and train_last_year are years of periods (a walk-forward model is refitted once per year):
-- an in-sample row's period lies within its training years and every stock-period it predicts
-- was fitted; a walk-forward row's period lies in a year after all of its training years, and
-- the first year of periods has none. Returns the offending rows with the rule they break.
-- Not on Spark, where dbt builds no Python model (dbt_project.yml).
{{ config(enabled=target.type != 'spark') }}

with predictions as (

    select
        model,
        evaluation,
        stock_id,
        period,
        year(period) as period_year,
        train_first_year,
        train_last_year
    from {{ ref('alpha_predictions') }}

),

stock_periods as (

    select
        stock_id,
        period
    from {{ ref('stock_periods') }}
    where alpha is not null

),

first_year as (

    select min(year(period)) as first_period_year
    from stock_periods

),

checked as (

    select
        predictions.*,
        case
            when predictions.evaluation = 'in_sample'
                and predictions.period_year not between predictions.train_first_year and predictions.train_last_year
                then 'in-sample prediction outside the years the model was fitted on'
            when predictions.evaluation = 'walk_forward'
                and predictions.period_year <= predictions.train_last_year
                then 'walk-forward prediction for a year the model was fitted on'
            when predictions.evaluation = 'walk_forward'
                and predictions.period_year = first_year.first_period_year
                then 'walk-forward prediction for the first year of periods, which has no earlier year'
            when stock_periods.stock_id is null
                then 'prediction for a stock-period without a known alpha'
        end as violation
    from predictions
    cross join first_year
    left join stock_periods
        on predictions.stock_id = stock_periods.stock_id
        and predictions.period = stock_periods.period

),

final as (

    select *
    from checked
    where violation is not null

)

select * from final
