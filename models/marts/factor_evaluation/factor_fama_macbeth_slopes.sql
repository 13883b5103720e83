-- One row per (factor, period): the univariate Fama-MacBeth cross-section, least squares of
-- alpha on the factor's percentile rank (factor_values.pct_rank, within the period whatever
-- sort_grouping says) with an intercept, over the stocks with both. As
-- factor_warehouse.research.fama_macbeth, a period needs more stocks than regressors (at least
-- 3) and a rank that is not constant; otherwise slope and intercept are null. Computed on the
-- factor's key; its name is joined to the result.
{{ config(materialized='period_table') }}

with

stock_factor_values as (

    select factor_key, period, value_pct_rank, alpha
    from {{ ref('int_factor_sorts__stock_factor_values') }}
    where value_pct_rank is not null and alpha is not null
        and {{ period_filter('period') }}

),

factors as (

    select factor_key, factor
    from {{ ref('factors') }}

),

regressions as (

    select
        factor_key,
        period,
        count(*) as n_stocks,
        var_pop(value_pct_rank) > 0 as rank_varies,
        regr_slope(alpha, value_pct_rank) as slope,
        regr_intercept(alpha, value_pct_rank) as intercept
    from stock_factor_values
    group by factor_key, period

),

final as (

    select
        factors.factor,
        regressions.period,
        regressions.n_stocks,
        case when regressions.n_stocks >= 3 and regressions.rank_varies then regressions.slope end as slope,
        case when regressions.n_stocks >= 3 and regressions.rank_varies then regressions.intercept end as intercept
    from regressions
    inner join factors
        on regressions.factor_key = factors.factor_key

)

select * from final
