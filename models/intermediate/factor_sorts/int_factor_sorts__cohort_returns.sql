-- One row per (scheme, factor_key, period, formation_period, portfolio) for the schemes whose
-- holding_periods K > 1: the return in `period` of the portfolio formed in formation_period, one of
-- the K periods up to it (Jegadeesh-Titman's overlapping portfolios): its members' mean alpha in
-- the period under the scheme's weights at the period (equal weights rebalance; value weights are
-- the members' market equity at the period, as a buy-and-hold portfolio's drift), over the members
-- with an alpha and a weight then. factor_portfolio_alpha averages a period's cohorts. Built only
-- when a scheme holds longer than one period.
{{ config(materialized='factor_batched_table', period_lookback=portfolio_schemes_holding_reach(),
          enabled=portfolio_schemes_holding_reach() > 0) }}
{%- set need_stocks = portfolio_schemes_need_stocks() %}

with

portfolios as (

    select scheme, factor_key, period, stock_key, portfolio
    from {{ ref('int_factor_sorts__portfolios') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

alpha_ranks as (

    select stock_key, period, period_index, alpha
    from {{ ref('int_factor_sorts__alpha_ranks') }}
    where {{ period_filter('period') }}

),

periods as (

    select period, period_index
    from {{ ref('periods') }}
    where {{ period_filter('period') }}

),

schemes as (

    select scheme, weights, holding_periods, needs_stocks
    from ({{ portfolio_schemes_relation() | indent(4) }})
    where holding_periods > 1

),
{%- if need_stocks %}

scheme_stocks as (

    select scheme, stock_key, period, weight
    from {{ ref('int_factor_sorts__scheme_stocks') }}
    where {{ period_filter('period') }}

),
{%- endif %}

held as (

    select
        portfolios.scheme,
        portfolios.factor_key,
        alpha_ranks.period,
        portfolios.period as formation_period,
        portfolios.portfolio,
        schemes.weights,
        alpha_ranks.alpha,
        {%- if need_stocks %}
        case when schemes.needs_stocks then scheme_stocks.weight else 1.0 end as weight
        {%- else %}
        1.0 as weight
        {%- endif %}
    from portfolios
    inner join schemes
        on portfolios.scheme = schemes.scheme
    inner join periods
        on portfolios.period = periods.period
    inner join alpha_ranks
        on portfolios.stock_key = alpha_ranks.stock_key
        and alpha_ranks.period_index between periods.period_index and periods.period_index + schemes.holding_periods - 1
    {%- if need_stocks %}
    left join scheme_stocks
        on portfolios.scheme = scheme_stocks.scheme
        and portfolios.stock_key = scheme_stocks.stock_key
        and alpha_ranks.period = scheme_stocks.period
    {%- endif %}

),

final as (

    select
        scheme,
        factor_key,
        period,
        formation_period,
        portfolio,
        count(alpha) filter (where weight is not null) as n_stocks_with_alpha,
        {{ portfolio_weighted_mean('alpha') }} as mean_alpha
    from held
    group by scheme, factor_key, period, formation_period, portfolio, weights

)

select * from final
