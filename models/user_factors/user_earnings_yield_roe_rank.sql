-- A composite: the mean of a stock's within-period percentile ranks of Earnings Yield (value)
-- and ROE (quality), for the stocks that have both. Ranked here, on the input cells: the ranks of
-- factor_values are computed from the user factors, so reading them would be circular. Ranks
-- rather than raw values, so the extreme values the Kaggle files report do not swamp the mean.
-- No rows where the input lacks either column (a panel).
-- An example: built only when the dbt var user_factors names it.
{{ config(enabled=model.name in (var('user_factors') or [])) }}

with cells as (

    select * from {{ ref('int_factor_cells_checked') }}
    where rejection_reason is null
        and factor in ('Earnings Yield', 'ROE')

),

ranked as (

    select
        stock_id,
        period,
        factor,
        {{ pct_rank('value', ['period', 'factor']) }} as pct_rank
    from cells

),

combined as (

    select
        stock_id,
        period,
        avg(pct_rank) as value
    from ranked
    group by stock_id, period
    having count(*) = 2

),

final as (

    select
        stock_id,
        period,
        'Earnings Yield and ROE (mean rank)' as factor,
        value
    from combined

)

select * from final
