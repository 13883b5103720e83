{% set alpha_methods = ['benchmark', 'market_mean', 'sector_mean'] %}
{% if var('alpha_method') not in alpha_methods %}
    {{ exceptions.raise_compiler_error("dbt var alpha_method must be one of " ~ alpha_methods | join(', ') ~ "; got '" ~ var('alpha_method') ~ "'") }}
{% endif %}

with stock_rows as (

    select * from {{ ref('int_stock_rows_checked') }}
    where rejection_reason is null

),

benchmark_returns as (

    select * from {{ ref('benchmark_returns') }}

),

with_reference_returns as (

    select
        stock_rows.ticker,
        stock_rows.fiscal_year,
        stock_rows.return_year,
        stock_rows.sector,
        stock_rows.price_var_pct,
        cast(stock_rows.class_value as integer) as class,
        benchmark_returns.benchmark_return_pct,
        avg(stock_rows.price_var_pct) over (partition by stock_rows.fiscal_year) as market_mean_return_pct,
        avg(stock_rows.price_var_pct) over (partition by stock_rows.fiscal_year, stock_rows.sector)
            as sector_mean_return_pct,
        stock_rows.source_file,
        stock_rows.line_number
    from stock_rows
    left join benchmark_returns
        on stock_rows.return_year = benchmark_returns.return_year

),

with_alpha as (

    select
        *,
        {% if var('alpha_method') == 'benchmark' -%}
        price_var_pct - case
            when benchmark_return_pct is null then error(
                'no benchmark return for return_year ' || return_year
                || ' in data/seeds/benchmark_returns.csv: add that year''s S&P 500 price return (percent)'
                || ' or set the dbt var alpha_method to market_mean'
            )
            else benchmark_return_pct
        end
        {%- elif var('alpha_method') == 'market_mean' -%}
        price_var_pct - market_mean_return_pct
        {%- else -%}
        price_var_pct - sector_mean_return_pct
        {%- endif %} as alpha
    from with_reference_returns

),

final as (

    select
        ticker,
        fiscal_year,
        return_year,
        sector,
        price_var_pct,
        class,
        benchmark_return_pct,
        alpha,
        {{ pct_rank('alpha', ['fiscal_year']) }} as alpha_rank,
        '{{ var("alpha_method") }}' as alpha_method,
        source_file,
        line_number
    from with_alpha

)

select * from final
