-- The percentile ranks the research models read (their design matrix and rank-alpha pairs,
-- factor_warehouse.research.design_matrix): every ranked value of a stock-period with a known
-- alpha, by stock id and factor name. A view joined on keys: each Python model digests these rows
-- to decide what it can reuse, and a join on (stock_key, period) costs less than factor_values'
-- join of the names and a join on (stock_id, period).
with factor_values as (

    select stock_key, period, factor_key, pct_rank
    from {{ ref('int_factor_values') }}
    where pct_rank is not null

),

factors as (

    select factor_key, factor
    from {{ ref('factors') }}

),

targets as (

    select stock_key, period, stock_id
    from {{ ref('stock_periods') }}
    where alpha is not null

),

final as (

    select
        targets.stock_id,
        factor_values.period,
        factors.factor,
        factor_values.pct_rank
    from factor_values
    inner join targets
        on factor_values.stock_key = targets.stock_key
        and factor_values.period = targets.period
    inner join factors
        on factor_values.factor_key = factors.factor_key

)

select * from final
