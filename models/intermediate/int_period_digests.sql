-- One row per period of the input (null: the rows whose period does not read): the digest of
-- everything a factor table's period is computed from, the input's content (its values, not where
-- they sit in the files) and the user factors' values. The incremental tables above
-- factor_values rebuild the periods whose digest changed (macros/period_increments.sql).
{{ config(materialized='table') }}

with

input_digests as (

    select period, period_index, content_digest
    from {{ ref('int_input_period_digests') }}

),

user_factor_values as (

    select * from {{ ref('int_user_factor_values') }}

),

user_factor_sums as (

    select
        period,
        count(*) as n_values,
        {{ row_hash_sum() }} as value_sum
    from user_factor_values
    group by period

),

final as (

    select
        input_digests.period,
        input_digests.period_index,
        {{ values_hash(['input_digests.content_digest', 'user_factor_sums.n_values', 'user_factor_sums.value_sum']) }} as digest
    from input_digests
    left join user_factor_sums
        on input_digests.period is not distinct from user_factor_sums.period

)

select * from final
