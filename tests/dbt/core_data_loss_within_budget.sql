-- The data-loss budget. Per period and file, the share of input rows and the share of input values
-- kept out of the warehouse (mart data_loss) may not exceed the dbt vars
-- max_quarantined_row_share and max_quarantined_value_share, nor the share of rows kept without a
-- return max_rows_without_return_share (the last period, when none of its rows has a return, is
-- not yet realized and exempt). Above the budget the test fails through error(), whose message
-- gives the numbers and how to raise the budget (a failing test alone would only say how many rows
-- it returned); within it, every period that lost anything is returned and dbt warns, and each of
-- those rows is logged first (macro log_warning_lines: the file, the period, the counts and the
-- commonest reasons), so the warning says what was lost rather than how many rows it returned.
{{ config(severity='warn') }}
{%- set max_row_share = data_loss_budget('max_quarantined_row_share') -%}
{%- set max_value_share = data_loss_budget('max_quarantined_value_share') -%}
{%- set max_without_return_share = data_loss_budget('max_rows_without_return_share') -%}

{%- set losses_sql -%}
with data_loss as (

    select * from {{ ref('data_loss') }}

),

build_facts as (

    select * from {{ ref('stg_input__build_facts') }}

),

quarantined as (

    select * from {{ ref('quarantined_inputs') }}

),

reason_counts as (

    -- a reason up to its first colon: the problem, without what to do about it
    select
        source_file,
        period,
        split_part(reason, ':', 1) as reason,
        count(*) as quarantined
    from quarantined
    group by source_file, period, split_part(reason, ':', 1)

),

reasons as (

    select
        source_file,
        period,
        {{ sorted_text_agg("reason || ' (' || quarantined || ')'", '; ', order_by=['quarantined desc', 'reason'], limit=3) }}
            || case when count(*) > 3 then '; ' || (count(*) - 3) || ' more reasons' else '' end as reasons
    from reason_counts
    group by source_file, period

),

losses as (

    select
        data_loss.source_file,
        data_loss.period,
        data_loss.quarantined_row_share,
        data_loss.quarantined_value_share,
        data_loss.rows_without_return_share,
        data_loss.source_file || ' (' || build_facts.period_word || ' ' || coalesce(data_loss.period_label, 'unread') || '): '
            || data_loss.loss_summary
            || case when data_loss.rows_without_return > 0 and not data_loss.returns_not_yet_realized
                then ' (' || printf('%.1f', 100 * data_loss.rows_without_return_share) || '%)' else '' end as loss,
        coalesce('; quarantined as ' || reasons.reasons, '') as reasons,
        data_loss.quarantined_row_share > {{ max_row_share }} as rows_over_budget,
        coalesce(data_loss.quarantined_value_share > {{ max_value_share }}, false) as values_over_budget,
        data_loss.rows_without_return_share > {{ max_without_return_share }}
            and not data_loss.returns_not_yet_realized as without_return_over_budget,
        build_facts.period_word
    from data_loss
    cross join build_facts
    left join reasons
        on data_loss.source_file = reasons.source_file
        and data_loss.period is not distinct from reasons.period
    where data_loss.quarantined_rows > 0 or data_loss.quarantined_values > 0 or data_loss.rows_without_return > 0

)

select * from losses
{%- endset -%}

{{ log_warning_lines(
    "select 'data loss within the budget: ' || loss || reasons from (" ~ losses_sql ~ ") as losses "
    ~ "where not exists (select 1 from (" ~ losses_sql ~ ") as over_budget "
    ~ "where rows_over_budget or values_over_budget or without_return_over_budget) "
    ~ "order by period, source_file") }}

{#- the error's message when the input is over the budget -#}
{%- set over_budget_message %}
        'data loss above the budget: ' || over_budget.losses || '. The budget allows '
        || printf('%.1f', 100 * cast({{ max_row_share }} as double)) || '% of a ' || over_budget.period_word || '''s rows (dbt var max_quarantined_row_share)'
        || ' and ' || printf('%.1f', 100 * cast({{ max_value_share }} as double)) || '% of its values (dbt var max_quarantined_value_share)'
        || case when over_budget.without_return_over_budget
            then ' to be quarantined, and ' || printf('%.1f', 100 * cast({{ max_without_return_share }} as double))
                || '% of its rows to have no return (dbt var max_rows_without_return_share)'
            else '' end || '.'
        || ' See why in this build''s quarantined_inputs (the build command writes them to a CSV file next to the'
        || ' warehouse and names it) and fix the files, or raise the budget: --vars ''{'
        || concat_ws(', ',
            'max_quarantined_row_share: ' || over_budget.row_share_needed,
            'max_quarantined_value_share: ' || over_budget.value_share_needed,
            'max_rows_without_return_share: ' || over_budget.without_return_share_needed)
        || '}'''
{%- endset %}

with losses as (

    {{ losses_sql }}

),

over_budget as (

    select
        -- the first five periods over the budget, and how many more
        {{ sorted_text_agg('loss', '; ', order_by=['period', 'source_file'], limit=5) }}
            || case when count(*) > 5 then '; and ' || (count(*) - 5) || ' more' else '' end as losses,
        any_value(period_word) as period_word,
        bool_or(without_return_over_budget) as without_return_over_budget,
        -- the smallest budgets (rounded up to a whole percent) this input passes; the inner
        -- round keeps 100 * 0.3 = 30.000000000000004 at 30
        ceil(round(100 * max(quarantined_row_share) filter (where rows_over_budget), 6)) / 100 as row_share_needed,
        ceil(round(100 * max(quarantined_value_share) filter (where values_over_budget), 6)) / 100 as value_share_needed,
        ceil(round(100 * max(rows_without_return_share) filter (where without_return_over_budget), 6)) / 100
            as without_return_share_needed
    from losses
    where rows_over_budget or values_over_budget or without_return_over_budget

),

final as (

    select losses.{{ star_exclude(['period_word', 'reasons']) }}
    from losses
    cross join over_budget
    where over_budget.losses is null
        or {{ raise_error(over_budget_message) }}

)

select * from final
