-- One row per factor (indicator column or characteristic) the input declares.
with declared_factors as (

    select * from {{ ref('int_declared_factors') }}

),

factor_categories as (

    select * from {{ ref('factor_categories') }}

),

factor_coverage as (

    select * from {{ ref('factor_coverage') }}

),

distinct_factors as (

    select
        factor,
        factor_key,
        min(column_number) as column_number
    from declared_factors
    group by factor, factor_key

),

snake_cased as (

    -- camelCase and punctuation to snake_case: 'nIperEBT' -> 'n_iper_ebt',
    -- 'Net Income - Non-Controlling int' -> 'net_income_non_controlling_int'
    select
        factor,
        factor_key,
        column_number,
        coalesce(nullif({{ trim_characters('lower(' ~ regexp_replace_text(
            regexp_replace_text('factor', '([a-z])([A-Z])', '\\1_\\2', every=true),
            '[^A-Za-z0-9]+', '_', every=true
        ) ~ ')', '_') }}, ''), 'factor') as base_identifier
    from distinct_factors

),

identified as (

    -- names that snake-case alike ('Payout Ratio', 'payoutRatio') get _2, _3 ... in
    -- column order; a leading digit gets the prefix f_ so the result is a bare identifier
    select
        factor,
        factor_key,
        column_number,
        case when {{ regexp_search('base_identifier', '^[0-9]') }} then 'f_' else '' end
        || base_identifier
        || case
            when row_number() over (partition by base_identifier order by column_number, factor) > 1
                then '_' || row_number() over (partition by base_identifier order by column_number, factor)
            else ''
        end as factor_id
    from snake_cased

),

coverage_by_factor as (

    select
        factor,
        count(*) filter (where n_values > 0) as periods_with_values,
        avg(coverage) as mean_coverage,
        {{ ordered_map_agg('period_label', 'coverage', 'period') }} as coverage_by_period
    from factor_coverage
    group by factor

),

final as (

    select
        identified.factor,
        identified.factor_key,
        identified.factor_id,
        coalesce(factor_categories.category, 'other') as category,
        identified.column_number,
        coverage_by_factor.periods_with_values,
        coverage_by_factor.mean_coverage,
        coverage_by_factor.coverage_by_period
    from identified
    left join factor_categories
        on identified.factor = factor_categories.factor
    left join coverage_by_factor
        on identified.factor = coverage_by_factor.factor

)

select * from final
