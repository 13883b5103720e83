-- The data-loss budget. Per period and file, the share of input rows and the share of input values
-- kept out of the warehouse (mart data_loss) may not exceed the dbt vars
-- max_quarantined_row_share and max_quarantined_value_share. Above the budget the test fails
-- through error(), whose message gives the numbers and how to raise the budget (a failing test
-- alone would only say how many rows it returned); within it, every year that lost anything is
-- returned and dbt warns.
{{ config(severity='warn') }}
{%- set max_row_share = data_loss_budget('max_quarantined_row_share') -%}
{%- set max_value_share = data_loss_budget('max_quarantined_value_share') %}

with data_loss as (

    select * from {{ ref('data_loss') }}

),

build_facts as (

    select * from {{ ref('stg_input__build_facts') }}

),

losses as (

    select
        data_loss.source_file,
        data_loss.period,
        data_loss.quarantined_row_share,
        data_loss.quarantined_value_share,
        data_loss.source_file || ' (' || build_facts.period_word || ' ' || coalesce(data_loss.period_label, 'unread') || '): '
            || data_loss.loss_summary as loss,
        data_loss.quarantined_row_share > {{ max_row_share }} as rows_over_budget,
        coalesce(data_loss.quarantined_value_share > {{ max_value_share }}, false) as values_over_budget,
        build_facts.period_word
    from data_loss
    cross join build_facts
    where quarantined_rows > 0 or quarantined_values > 0

),

over_budget as (

    select
        string_agg(loss, '; ' order by period, source_file) as losses,
        any_value(period_word) as period_word,
        -- the smallest budgets (rounded up to a whole percent) this input passes; the inner
        -- round keeps 100 * 0.3 = 30.000000000000004 at 30
        ceil(round(100 * max(quarantined_row_share) filter (where rows_over_budget), 6)) / 100 as row_share_needed,
        ceil(round(100 * max(quarantined_value_share) filter (where values_over_budget), 6)) / 100 as value_share_needed
    from losses
    where rows_over_budget or values_over_budget

),

final as (

    select losses.* exclude (period_word)
    from losses
    cross join over_budget
    where over_budget.losses is null
        or error(
            'data loss above the budget: ' || over_budget.losses || '. The budget allows '
            || printf('%.1f', 100 * {{ max_row_share }}) || '% of a ' || over_budget.period_word || '''s rows (dbt var max_quarantined_row_share)'
            || ' and ' || printf('%.1f', 100 * {{ max_value_share }}) || '% of its values (dbt var max_quarantined_value_share).'
            || ' See why in table quarantined_inputs and fix the files, or raise the budget: --vars ''{'
            || concat_ws(', ',
                'max_quarantined_row_share: ' || over_budget.row_share_needed,
                'max_quarantined_value_share: ' || over_budget.value_share_needed)
            || '}'''
        )

)

select * from final
