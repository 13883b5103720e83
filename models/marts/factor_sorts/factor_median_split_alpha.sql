-- The article's two alpha tables (filter_data_top / filter_data_below) in long form: one
-- row per (factor, period, side). The median is the period's median of the
-- factor over stocks with a value; above = value > median, below = value < median, stocks
-- equal to the median are in neither; mean_alpha is over the side's stocks with an alpha.
-- Always per period, as in the article, whatever sort_grouping says. Computed on the factor's
-- key; the factor's name is joined to the result.
{{ config(materialized='factor_batched_table') }}

with

factor_values as (

    select factor_key, period, value
    from {{ ref('int_factor_values') }}
    where value is not null
        and {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

stock_factor_values as (

    select factor_key, period, value, alpha
    from {{ ref('int_factor_sorts__stock_factor_values') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

factors as (

    select factor_key, factor
    from {{ ref('factors') }}

),

sides as (

    select side
    from (values ('above'), ('below')) as sides (side)

),

-- from factor_values directly: the median needs no alpha, and skipping the join is faster
medians as (

    select
        factor_key,
        period,
        {{ quantile_cont('value', 0.5) }} as median_value
    from factor_values
    group by factor_key, period

),

sided_values as (

    select
        stock_factor_values.factor_key,
        stock_factor_values.period,
        case
            when stock_factor_values.value > medians.median_value then 'above'
            when stock_factor_values.value < medians.median_value then 'below'
        end as side,
        stock_factor_values.alpha
    from stock_factor_values
    inner join medians
        on stock_factor_values.factor_key = medians.factor_key
        and stock_factor_values.period = medians.period

),

side_alpha as (

    select
        factor_key,
        period,
        side,
        count(*) as n_stocks,
        count(alpha) as n_stocks_with_alpha,
        avg(alpha) as mean_alpha
    from sided_values
    where side is not null
    group by factor_key, period, side

),

final as (

    select
        medians.factor_key,
        factors.factor,
        medians.period,
        sides.side,
        'period' as grouping,
        medians.median_value,
        coalesce(side_alpha.n_stocks, 0) as n_stocks,
        coalesce(side_alpha.n_stocks_with_alpha, 0) as n_stocks_with_alpha,
        side_alpha.mean_alpha
    from medians
    inner join factors
        on medians.factor_key = factors.factor_key
    cross join sides
    left join side_alpha
        on medians.factor_key = side_alpha.factor_key
        and medians.period = side_alpha.period
        and sides.side = side_alpha.side

)

select * from final
