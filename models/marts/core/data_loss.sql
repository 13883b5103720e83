-- What each input file lost on its way into the warehouse, per period: input rows and values,
-- how many of them are quarantined and their share, and the rows kept without a return and their
-- share. The budget on these shares is the test tests/dbt/core_data_loss_within_budget.sql. Rows
-- whose period does not read are counted under a null period, their share taken of the whole file.
-- The last period of the input whose every kept row lacks a return is flagged as not yet realized
-- (JKP's ret_exc_lead1m of the latest month), which the budget exempts.
with stock_rows as (

    select * from {{ ref('int_stock_rows_checked') }}

),

-- the values are counted where the input is read (int_input_period_digests), not scanned again
input_values as (

    select period, values_per_file
    from {{ ref('int_input_period_digests') }}

),

rejected_values as (

    select source_file, period
    from {{ ref('int_factor_cells_rejected') }}

),

stock_periods as (

    select * from {{ ref('stock_periods') }}

),

row_counts as (

    select
        source_file,
        period,
        any_value(period_label) as period_label,
        count(*) as input_rows,
        count(*) filter (where rejection_reason is not null) as quarantined_rows
    from stock_rows
    group by source_file, period

),

file_values as (

    select
        input_values.period,
        file_count.source_file,
        file_count.n_values
    from input_values
    {{ unnest_join('input_values.values_per_file', 'files', 'file_count') }}

),

quarantined_value_counts as (

    select
        source_file,
        period,
        count(*) as quarantined_values
    from rejected_values
    group by source_file, period

),

value_counts as (

    select
        file_values.source_file,
        file_values.period,
        file_values.n_values as input_values,
        coalesce(quarantined_value_counts.quarantined_values, 0) as quarantined_values
    from file_values
    left join quarantined_value_counts
        on file_values.source_file = quarantined_value_counts.source_file
        and file_values.period is not distinct from quarantined_value_counts.period

),

kept_rows as (

    select
        source_file,
        period,
        count(*) filter (where return_pct is null) as rows_without_return
    from stock_periods
    group by source_file, period

),

counted as (

    select
        row_counts.source_file,
        row_counts.period,
        row_counts.period_label,
        row_counts.input_rows,
        row_counts.quarantined_rows,
        coalesce(value_counts.input_values, 0) as input_values,
        coalesce(value_counts.quarantined_values, 0) as quarantined_values,
        coalesce(kept_rows.rows_without_return, 0) as rows_without_return
    from row_counts
    left join value_counts
        on row_counts.source_file = value_counts.source_file
        and row_counts.period is not distinct from value_counts.period
    left join kept_rows
        on row_counts.source_file = kept_rows.source_file
        and row_counts.period is not distinct from kept_rows.period

),

shares as (

    -- the rows (and values) whose period does not read are a share of their whole file, not of themselves
    select
        *,
        quarantined_rows / case
            when period is null then sum(input_rows) over (partition by source_file)
            else input_rows
        end as quarantined_row_share,
        quarantined_values / nullif(case
            when period is null then sum(input_values) over (partition by source_file)
            else input_values
        end, 0) as quarantined_value_share,
        rows_without_return / input_rows as rows_without_return_share,
        coalesce(
            period = max(period) over ()
            and sum(rows_without_return) over (partition by period) > 0
            and sum(input_rows - quarantined_rows - rows_without_return) over (partition by period) = 0,
            false
        ) as returns_not_yet_realized
    from counted

),

final as (

    select
        source_file,
        period,
        period_label,
        input_rows,
        quarantined_rows,
        quarantined_row_share,
        input_values,
        quarantined_values,
        quarantined_value_share,
        rows_without_return,
        rows_without_return_share,
        returns_not_yet_realized,
        quarantined_rows || ' of ' || input_rows || ' rows ('
            || printf('%.1f', 100 * quarantined_row_share) || '%' || case when period is null then ' of the file' else '' end || ') and '
            || quarantined_values || ' of ' || input_values || ' values ('
            || printf('%.1f', 100 * coalesce(quarantined_value_share, 0)) || '%' || case when period is null then ' of the file' else '' end || ') quarantined, '
            || rows_without_return || ' rows kept without a return'
            || case
                when returns_not_yet_realized then ' (the last period, every return missing: not yet realized)'
                else ''
            end as loss_summary
    from shares

)

select * from final
