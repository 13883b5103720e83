-- One row per (scheme, stock-period) of stock_periods: whether the stock is in the scheme's sample
-- (its screens: min_price on the absolute price, exclude_microcaps on market equity against the size
-- cutoff) and why not, whether it is among the breakpoint stocks (all, NYSE, or non-microcaps: market
-- equity >= the size cutoff), its weight (equal 1; value: market equity at formation, the period's,
-- when positive; capped_value: that capped at the period's cap) and its trading cost in percent.
-- The size cutoff and the cap are the size_percentile and cap_percentile (quantile_cont) of the
-- positive market equities of size_universe (NYSE stocks, or all) in the period (no cap, no weight).
-- Built only when a scheme needs the stocks' columns (macro portfolio_schemes_need_stocks):
-- int_factor_sorts__scheme_values takes every stock in, with weight 1, otherwise.
{{ config(materialized='period_table', enabled=portfolio_schemes_need_stocks()) }}

with

stock_periods as (

    select stock_key, period, market_equity, is_nyse, price, cost_pct
    from {{ ref('stock_periods') }}
    where {{ period_filter('period') }}

),

schemes as (

    {{ portfolio_schemes_relation() | indent(4) }}

),

-- a constant percentile per scheme: the quantile takes no column as its level
cutoffs as (

    {%- for scheme in portfolio_schemes() %}

    select
        '{{ scheme.name }}' as scheme,
        period,
        {{ quantile_cont('market_equity', scheme.size_percentile / 100) }} filter (
            where market_equity > 0{{ ' and is_nyse' if scheme.size_universe == 'nyse' }}) as size_cutoff,
        {{ quantile_cont('market_equity', scheme.cap_percentile / 100) }} filter (
            where market_equity > 0{{ ' and is_nyse' if scheme.size_universe == 'nyse' }}) as weight_cap
    from stock_periods
    group by period
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

screened as (

    select
        schemes.scheme,
        stock_periods.stock_key,
        stock_periods.period,
        schemes.breakpoints,
        schemes.weights,
        stock_periods.is_nyse,
        case when stock_periods.market_equity > 0 then stock_periods.market_equity end as market_equity,
        coalesce(stock_periods.market_equity >= cutoffs.size_cutoff, false) as is_above_size_cutoff,
        cutoffs.weight_cap,
        case
            when schemes.min_price is not null and stock_periods.price is null
                then 'no price (min_price)'
            when abs(stock_periods.price) < schemes.min_price
                then 'price below min_price'
            when schemes.exclude_microcaps and not coalesce(stock_periods.market_equity >= cutoffs.size_cutoff, false)
                then 'microcap, or no market equity (exclude_microcaps)'
        end as exclusion_reason,
        case when schemes.cost_from_column then stock_periods.cost_pct else schemes.cost_bps / 100 end as cost_pct
    from stock_periods
    cross join schemes
    left join cutoffs
        on schemes.scheme = cutoffs.scheme
        and stock_periods.period = cutoffs.period

),

final as (

    select
        scheme,
        stock_key,
        period,
        exclusion_reason is null as is_in_sample,
        exclusion_reason,
        exclusion_reason is null and case breakpoints
            when 'all' then true
            when 'nyse' then coalesce(is_nyse, false)
            else is_above_size_cutoff
        end as is_breakpoint_stock,
        case weights
            when 'equal' then 1.0
            when 'value' then market_equity
            -- least() skips nulls: no market equity or no cap is no weight
            else case when market_equity is not null and weight_cap is not null then least(market_equity, weight_cap) end
        end as weight,
        cost_pct
    from screened

)

select * from final
