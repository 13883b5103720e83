-- One row per pair of factors that carry the same information: identical values on every
-- stock-period they share, or a pooled correlation of their within-period percentile ranks
-- (pct_rank) above 0.99, over at least factor_duplicates_min_shared shared stock-periods. The
-- representative of a pair is the factor with more values, then the earlier input column, then
-- the first name; the report leaves the other one, the twin, out of its figures.
-- A self-join of every pair over every stock-period would be too large, so pairs are screened on
-- a hash sample of at most factor_duplicates_sample_stock_periods stock-periods (all values equal,
-- or rank correlation above 0.9, over at least 3 shared), and each candidate is then checked on
-- all the stock-periods its factors share: every number in the table is from that check.
-- Built again only when a period of the input changed (across_periods, macros/period_increments.sql).

{{ config(materialized='period_table', across_periods=true) }}
{%- set sample_size = var('factor_duplicates_sample_stock_periods') | int %}
{%- set min_shared = var('factor_duplicates_min_shared') | int %}

with

-- read where it is used, never copied whole: the table can hold hundreds of millions of rows; on
-- keys, the names joined to the pairs found only
factor_values as {{ cte_not_materialized() }} (

    select stock_key, period, factor_key, value, pct_rank
    from {{ ref('int_factor_values') }}
    where {{ period_filter('period') }}

),

stock_periods as (

    select stock_id, stock_key, period
    from {{ ref('stock_periods') }}
    where {{ period_filter('period') }}

),

factors as (

    select factor, factor_key, column_number
    from {{ ref('factors') }}

),

factor_coverage as (

    select factor, n_values
    from {{ ref('factor_coverage') }}

),

-- the preferred factor of a pair: more values, then the earlier column, then the name
factor_preferences as (

    select
        factors.factor,
        factors.factor_key,
        cast(coalesce(sum(factor_coverage.n_values), 0) as bigint) as n_values,
        row_number() over (
            order by coalesce(sum(factor_coverage.n_values), 0) desc, factors.column_number, factors.factor
        ) as preference
    from factors
    left join factor_coverage
        on factors.factor = factor_coverage.factor
    group by factors.factor, factors.factor_key, factors.column_number

),

sampled_stock_periods as (

    select stock_key, period, sample_row
    from (
        select
            stock_key,
            period,
            row_number() over (order by {{ values_hash(['stock_id', 'period']) }}, stock_id, period) as sample_row
        from stock_periods
    ) as ordered_stock_periods
    where sample_row <= {{ sample_size }}

),

-- integer keys make the sample's self-join cheap
sampled_values as (

    select
        sampled_stock_periods.sample_row,
        factor_preferences.preference,
        factor_values.value,
        factor_values.pct_rank
    from factor_values
    inner join sampled_stock_periods
        on factor_values.stock_key = sampled_stock_periods.stock_key
        and factor_values.period = sampled_stock_periods.period
    inner join factor_preferences
        on factor_values.factor_key = factor_preferences.factor_key

),

screened_pairs as (

    select
        preferred.preference as representative_preference,
        twin.preference as twin_preference
    from sampled_values as preferred
    inner join sampled_values as twin
        on preferred.sample_row = twin.sample_row
        and preferred.preference < twin.preference
    group by preferred.preference, twin.preference
    having count(*) >= 3
        and (
            bool_and(preferred.value = twin.value)
            or corr(preferred.pct_rank, twin.pct_rank) > 0.9
        )

),

candidate_pairs as (

    select
        representatives.factor_key as representative_key,
        twins.factor_key
    from screened_pairs
    inner join factor_preferences as representatives
        on screened_pairs.representative_preference = representatives.preference
    inner join factor_preferences as twins
        on screened_pairs.twin_preference = twins.preference

),

candidate_factors as (

    select representative_key as factor_key from candidate_pairs
    union
    select factor_key from candidate_pairs

),

-- every value of the factors in a candidate pair: a few factors, so the check is cheap. A filter
-- on their keys as one array, not a join: DuckDB cannot tell that the candidates are few and built
-- its hash table from every value (44 CPU-s at 428M values, with no candidate at all)
candidate_values as (

    select factor_values.*
    from factor_values
    where {{ array_contains('(select ' ~ distinct_array_agg('factor_key') ~ ' from candidate_factors)',
        'factor_values.factor_key') }}

),

-- the representative's values, once per candidate pair it is in
representative_values as (

    select
        candidate_pairs.representative_key,
        candidate_pairs.factor_key,
        candidate_values.stock_key,
        candidate_values.period,
        candidate_values.value,
        candidate_values.pct_rank
    from candidate_pairs
    inner join candidate_values
        on candidate_pairs.representative_key = candidate_values.factor_key

),

checked_pairs as (

    select
        representative_values.factor_key,
        representative_values.representative_key,
        count(*) as n_shared,
        bool_and(representative_values.value = candidate_values.value) as identical_values,
        corr(representative_values.pct_rank, candidate_values.pct_rank) as raw_rank_correlation
    from representative_values
    inner join candidate_values
        on representative_values.factor_key = candidate_values.factor_key
        and representative_values.stock_key = candidate_values.stock_key
        and representative_values.period = candidate_values.period
    group by representative_values.factor_key, representative_values.representative_key

),

-- DuckDB's corr is NaN when one side is constant, and NaN compares above every number
correlated_pairs as (

    select
        factor_key,
        representative_key,
        n_shared,
        identical_values,
        case when not isnan(raw_rank_correlation) then raw_rank_correlation end as rank_correlation
    from checked_pairs

),

final as (

    select
        twins.factor,
        representatives.factor as representative,
        correlated_pairs.n_shared,
        twins.n_values,
        representatives.n_values as representative_n_values,
        correlated_pairs.identical_values,
        correlated_pairs.rank_correlation,
        case
            when correlated_pairs.identical_values
                then 'identical values on the ' || correlated_pairs.n_shared || ' stock-periods they share'
            else 'rank correlation ' || printf('%.4f', correlated_pairs.rank_correlation)
                || ' over the ' || correlated_pairs.n_shared || ' stock-periods they share'
        end as reason
    from correlated_pairs
    inner join factor_preferences as twins
        on correlated_pairs.factor_key = twins.factor_key
    inner join factor_preferences as representatives
        on correlated_pairs.representative_key = representatives.factor_key
    where correlated_pairs.n_shared >= {{ min_shared }}
        and (correlated_pairs.identical_values or correlated_pairs.rank_correlation > 0.99)

)

select * from final
