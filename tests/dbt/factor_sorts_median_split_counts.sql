-- Every factor-period of factor_values is in factor_median_split_alpha, and its stocks are
-- all accounted for: n_stocks above + below + those equal to the median = the non-null
-- count. Returns the factor-periods that break this, with both counts.

with

factor_values as (

    select factor, period, value
    from {{ ref('factor_values') }}
    where value is not null

),

median_split as (

    select
        factor,
        period,
        any_value(median_value) as median_value,
        sum(n_stocks) as n_stocks_on_a_side
    from {{ ref('factor_median_split_alpha') }}
    group by factor, period

),

value_counts as (

    select
        factor_values.factor,
        factor_values.period,
        count(*) as n_values,
        count(*) filter (where factor_values.value = median_split.median_value) as n_at_median
    from factor_values
    left join median_split
        on factor_values.factor = median_split.factor
        and factor_values.period = median_split.period
    group by factor_values.factor, factor_values.period

),

final as (

    select
        coalesce(value_counts.factor, median_split.factor) as factor,
        coalesce(value_counts.period, median_split.period) as period,
        value_counts.n_values,
        value_counts.n_at_median,
        median_split.n_stocks_on_a_side
    from value_counts
    full outer join median_split
        on value_counts.factor = median_split.factor
        and value_counts.period = median_split.period
    where value_counts.n_values is distinct from
        median_split.n_stocks_on_a_side + value_counts.n_at_median

)

select * from final
