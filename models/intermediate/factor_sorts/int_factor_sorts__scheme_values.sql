-- One row per (scheme, factor_key, period, stock_key) of int_factor_sorts__stock_factor_values in the
-- scheme's sample (dbt var portfolio_schemes): the value with what the scheme's sort needs, whether
-- the stock is a breakpoint stock, its weight and its trading cost in percent. A scheme that needs
-- no stock column (breakpoints all, equal weights, no screen, a cost in basis points) takes every
-- value, a breakpoint stock of weight 1, without reading int_factor_sorts__scheme_stocks; a
-- scheme that does keeps the stocks int_factor_sorts__scheme_stocks has in its sample. On keys,
-- a view: the sorts read it with their batch and period filters.
{%- set need_stocks = portfolio_schemes_need_stocks() %}
{{- portfolio_schemes_input_check() }}

with

stock_factor_values as (

    select factor_key, period, stock_key, sort_group, value, value_pct_rank, alpha, alpha_rank
    from {{ ref('int_factor_sorts__stock_factor_values') }}

),

schemes as (

    select scheme, needs_stocks, cost_bps
    from ({{ portfolio_schemes_relation() | indent(4) }})

),
{%- if need_stocks %}

scheme_stocks as (

    select scheme, stock_key, period, is_in_sample, is_breakpoint_stock, weight, cost_pct
    from {{ ref('int_factor_sorts__scheme_stocks') }}

),
{%- endif %}

final as (

    select
        schemes.scheme,
        stock_factor_values.factor_key,
        stock_factor_values.period,
        stock_factor_values.stock_key,
        stock_factor_values.sort_group,
        stock_factor_values.value,
        stock_factor_values.value_pct_rank,
        stock_factor_values.alpha,
        stock_factor_values.alpha_rank,
        {%- if need_stocks %}
        case when schemes.needs_stocks then scheme_stocks.is_breakpoint_stock else true end as is_breakpoint_stock,
        case when schemes.needs_stocks then scheme_stocks.weight else 1.0 end as weight,
        case when schemes.needs_stocks then scheme_stocks.cost_pct else schemes.cost_bps / 100 end as cost_pct
        {%- else %}
        true as is_breakpoint_stock,
        1.0 as weight,
        schemes.cost_bps / 100 as cost_pct
        {%- endif %}
    from stock_factor_values
    cross join schemes
    {%- if need_stocks %}
    left join scheme_stocks
        on schemes.scheme = scheme_stocks.scheme
        and stock_factor_values.stock_key = scheme_stocks.stock_key
        and stock_factor_values.period = scheme_stocks.period
    where not schemes.needs_stocks or coalesce(scheme_stocks.is_in_sample, false)
    {%- endif %}

)

select * from final
