-- Every input stock-period with the reason it is rejected (null when it is accepted). A
-- reason names the value it rejects and what to do about it, in the source's words for its
-- keys (stg_input__build_facts: ticker and fiscal year for the Kaggle files, stock id and
-- period for a panel). The optional stock-level columns of the portfolio schemes (market equity,
-- price, cost) reject their row when given but not a finite number. A table built incrementally
-- by period (macros/period_increments.sql): every check is within a period, and the marts of rows
-- (stock_periods, periods, data_loss, quarantined_inputs) read it instead of checking the input again.
{{ config(materialized='period_table') }}
with stock_rows as (

    select * from {{ ref('stg_input__rows') }}
    where {{ period_filter('period', 'int_input_period_digests') }}

),

build_facts as (

    select * from {{ ref('stg_input__build_facts') }}

),

-- spellings of a stock id within a period, by a grouped aggregate (a distinct-list window
-- function costs seconds per hundred thousand rows)
spellings as (

    select
        period,
        upper(stock_id) as stock_key,
        {{ distinct_array_agg('stock_id') }} as stock_id_spellings
    from stock_rows
    group by period, upper(stock_id)

),

counted as (

    select
        stock_rows.*,
        count(*) over (partition by stock_rows.period, stock_rows.stock_id) as rows_with_stock_id,
        spellings.stock_id_spellings,
        build_facts.stock_word,
        build_facts.period_word
    from stock_rows
    left join spellings
        on stock_rows.period is not distinct from spellings.period
        and upper(stock_rows.stock_id) = spellings.stock_key
    cross join build_facts

),

-- the period texts of a duplicate stock id's rows, which differ when two dates (a panel's 15th
-- and 31st of one month) fall in one period; aggregated over the few duplicates only
duplicate_dates as (

    select
        period as duplicate_period,
        stock_id as duplicate_stock_id,
        min(period_text) as first_period_text,
        max(period_text) as last_period_text
    from counted
    where rows_with_stock_id > 1
    group by period, stock_id

),

checked as (

    select
        {{ star_exclude(['stock_id_spellings', 'stock_word', 'period_word', 'sector_rejection_reason', 'duplicate_period',
            'duplicate_stock_id', 'first_period_text', 'last_period_text']) }},
        case
            when stock_id is null
                then 'missing ' || stock_word
            when period is null
                then period_word || ' ''' || coalesce(period_text, '') || ''' does not read as a date, a yyyymm or a year:'
                    || ' correct it, or set the dbt var panel.period_type'
            when rows_with_stock_id > 1
                then 'duplicate ' || stock_word || ' in ' || period_word || ' (' || rows_with_stock_id || ' rows'
                    || case when first_period_text != last_period_text then ', dated ''' || first_period_text
                        || ''' to ''' || last_period_text || ''': the same ' || period_word || ' ' || period_label
                        || '; keep one row' else '' end
                    || ')'
            when {{ array_size('stock_id_spellings') }} > 1
                then stock_word || ' ''' || stock_id || ''' differs only in letter case from another ' || stock_word
                    || ' of the ' || period_word || ' ('
                    || {{ quoted_texts('stock_id_spellings') }}
                    || '): every spelling is quarantined; keep one spelling in the file'
            when distinct_return_count > 1
                then return_column || ' differs between the rows of this stock-period (' || distinct_return_count
                    || ' values): a long panel repeats one return on every characteristic row; correct the file'
            when return_text is not null and return_pct is null
                then return_column || ' ''' || return_text || ''' is not a number: write a plain decimal such as -12.5'
                    || ' or 1.2e3, or leave the cell empty (or N/A) when the return is unknown'
            when {{ is_infinite('return_pct') }} and {{ is_finite('try_cast(return_text as double)') }}
                then return_column || ' ''' || return_text || ''' overflows when scaled to percent (times 100):'
                    || ' correct the return, or set the dbt var panel.return_unit to percent if the file is in percent'
            when {{ is_infinite('return_pct') }}
                then return_column || ' ''' || return_text || ''' is not finite: correct the return or leave the cell empty'
            when class_text is not null and (class_value is null or class_value not in (0, 1))
                then 'Class ''' || class_text || ''' is not 0 or 1: correct it or leave the cell empty'
            {%- for field, number in [('market_equity', 'market_equity'), ('price', 'price'), ('cost', 'cost_pct')] %}
            when {{ field }}_text is not null and not {{ is_finite('coalesce(' ~ number ~ ", cast('nan' as double))") }}
                then {{ field }}_column || ' ''' || {{ field }}_text || ''' is not a finite number: correct it or leave the cell empty'
            {%- endfor %}
            else sector_rejection_reason
        end as rejection_reason
    from counted
    left join duplicate_dates
        on counted.period = duplicate_dates.duplicate_period
        and counted.stock_id = duplicate_dates.duplicate_stock_id

)

select * from checked
