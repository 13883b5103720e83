-- One row per factor (indicator column) seen in any input file.
with file_columns as (

    select * from {{ ref('stg_kaggle__financial_columns') }}
    where column_role = 'indicator'

),

factor_categories as (

    select * from {{ ref('factor_categories') }}

),

factor_coverage as (

    select * from {{ ref('factor_coverage') }}

),

distinct_factors as (

    select
        column_name as factor,
        min(column_number) as column_number
    from file_columns
    group by column_name

),

snake_cased as (

    -- camelCase and punctuation to snake_case: 'nIperEBT' -> 'n_iper_ebt',
    -- 'Net Income - Non-Controlling int' -> 'net_income_non_controlling_int'
    select
        factor,
        column_number,
        coalesce(nullif(trim(lower(regexp_replace(
            regexp_replace(factor, '([a-z])([A-Z])', '\1_\2', 'g'),
            '[^A-Za-z0-9]+', '_', 'g'
        )), '_'), ''), 'factor') as base_identifier
    from distinct_factors

),

identified as (

    -- names that snake-case alike ('Payout Ratio', 'payoutRatio') get _2, _3 ... in
    -- column order; a leading digit gets the prefix f_ so the result is a bare identifier
    select
        factor,
        column_number,
        case when regexp_matches(base_identifier, '^[0-9]') then 'f_' else '' end
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
        count(*) filter (where n_values > 0) as years_with_values,
        avg(coverage) as mean_coverage,
        map(list(fiscal_year order by fiscal_year), list(coverage order by fiscal_year)) as coverage_by_year
    from factor_coverage
    group by factor

),

final as (

    select
        identified.factor,
        identified.factor_id,
        coalesce(factor_categories.category, 'other') as category,
        identified.column_number,
        coverage_by_factor.years_with_values,
        coverage_by_factor.mean_coverage,
        coverage_by_factor.coverage_by_year
    from identified
    left join factor_categories
        on identified.factor = factor_categories.factor
    left join coverage_by_factor
        on identified.factor = coverage_by_factor.factor

)

select * from final
