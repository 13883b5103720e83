{{ config(materialized='period_table') }}
{%- set method = alpha_method() %}

with stock_rows as (

    select * from {{ ref('int_stock_rows_checked') }}
    where rejection_reason is null
        and {{ period_filter('period', 'int_input_period_digests') }}

),

benchmark_returns as (

    select * from {{ ref('stg_input__benchmark_returns') }}
    where {{ period_filter('period', 'int_input_period_digests') }}

),

build_facts as (

    select * from {{ ref('stg_input__build_facts') }}

),

with_reference_returns as (

    select
        stock_rows.stock_id,
        stock_rows.period,
        stock_rows.period_label,
        stock_rows.fiscal_year,
        stock_rows.sector,
        stock_rows.return_pct,
        cast(stock_rows.class_value as integer) as class,
        stock_rows.market_equity,
        stock_rows.exchange,
        stock_rows.is_nyse,
        stock_rows.price,
        stock_rows.cost_pct,
        benchmark_returns.benchmark_return_pct,
        avg(stock_rows.return_pct) over (partition by stock_rows.period) as market_mean_return_pct,
        avg(stock_rows.return_pct) over (partition by stock_rows.period, stock_rows.sector) as sector_mean_return_pct,
        stock_rows.source_file,
        stock_rows.line_number,
        build_facts.missing_benchmark_advice
    from stock_rows
    left join benchmark_returns
        on stock_rows.period = benchmark_returns.period
    cross join build_facts

),

with_alpha as (

    select
        *,
        {% if method == 'benchmark' -%}
        return_pct - case
            when benchmark_return_pct is null then {{ raise_error(
                "'no benchmark return for period ' || period_label || ' in ' || missing_benchmark_advice
                || ' or set the dbt var alpha_method to market_mean'"
            ) }}
            else benchmark_return_pct
        end
        {%- elif method == 'market_mean' -%}
        return_pct - market_mean_return_pct
        {%- else -%}
        return_pct - sector_mean_return_pct
        {%- endif %} as alpha
    from with_reference_returns

),

final as (

    select
        stock_id,
        {{ name_key('stock_id') }} as stock_key,
        period,
        period_label,
        fiscal_year,
        sector,
        return_pct,
        class,
        benchmark_return_pct,
        alpha,
        {{ pct_rank('alpha', ['period']) }} as alpha_rank,
        '{{ method }}' as alpha_method,
        market_equity,
        exchange,
        is_nyse,
        price,
        cost_pct,
        source_file,
        line_number
    from with_alpha

)

select * from final
