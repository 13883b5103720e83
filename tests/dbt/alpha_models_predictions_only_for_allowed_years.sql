-- Predictions only for years the model was allowed to see, per evaluation: an in-sample row
-- lies within its training years and every stock-year it predicts was fitted; a walk-forward
-- row lies after all of its training years, and the first fiscal year has none. Returns the
-- offending rows with the rule they break.

with predictions as (

    select
        model,
        evaluation,
        ticker,
        fiscal_year,
        train_first_year,
        train_last_year
    from {{ ref('alpha_predictions') }}

),

stock_years as (

    select
        ticker,
        fiscal_year
    from {{ ref('stock_years') }}
    where alpha is not null

),

first_year as (

    select min(fiscal_year) as first_fiscal_year
    from stock_years

),

checked as (

    select
        predictions.*,
        case
            when predictions.evaluation = 'in_sample'
                and predictions.fiscal_year not between predictions.train_first_year and predictions.train_last_year
                then 'in-sample prediction outside the years the model was fitted on'
            when predictions.evaluation = 'walk_forward'
                and predictions.fiscal_year <= predictions.train_last_year
                then 'walk-forward prediction for a year the model was fitted on'
            when predictions.evaluation = 'walk_forward'
                and predictions.fiscal_year = first_year.first_fiscal_year
                then 'walk-forward prediction for the first fiscal year, which has no earlier year'
            when stock_years.ticker is null
                then 'prediction for a stock-year without a known alpha'
        end as violation
    from predictions
    cross join first_year
    left join stock_years
        on predictions.ticker = stock_years.ticker
        and predictions.fiscal_year = stock_years.fiscal_year

),

final as (

    select *
    from checked
    where violation is not null

)

select * from final
