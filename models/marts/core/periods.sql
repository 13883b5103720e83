-- One row per period of the warehouse: its date, its label, the input's frequency and how
-- many stocks it holds. period_index counts periods on the calendar (months or years), so
-- "h periods later" is period_index + h even where a month is missing from the input.
with stock_rows as (

    select * from {{ ref('int_stock_rows_checked') }}
    where rejection_reason is null

),

stock_periods as (

    select * from {{ ref('stock_periods') }}

),

period_facts as (

    select
        period,
        any_value(period_label) as period_label,
        any_value(frequency) as frequency,
        any_value(fiscal_year) as fiscal_year
    from stock_rows
    group by period

),

stocks as (

    select
        period,
        count(*) as n_stocks,
        count(alpha) as n_stocks_with_alpha
    from stock_periods
    group by period

),

final as (

    select
        period_facts.period,
        period_facts.period_label,
        period_facts.frequency,
        period_facts.fiscal_year,
        year(period_facts.period) as period_year,
        {{ period_index('period_facts.period', 'period_facts.frequency') }} as period_index,
        stocks.n_stocks,
        stocks.n_stocks_with_alpha
    from period_facts
    inner join stocks
        on period_facts.period = stocks.period

)

select * from final
