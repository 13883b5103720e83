{{ config(materialized='factor_batched_table') }}
-- One row per (scheme, factor, period, sort_group) with a value in the scheme's sample: the
-- continuous quantiles 0/J .. J/J of the factor's values of the group's breakpoint stocks
-- (macro factor_sorts_quantiles: quantile_cont, as pandas quantile; a quantile between tied values
-- is that value), one aggregate per group for every scheme. Element k + 1 of
-- quantile_values is the k/J quantile: elements 2..J are the breakpoints, the ends are the minimum
-- and the maximum. Null, with breakpoints_note, when the breakpoint stocks are fewer than the
-- scheme's min_breakpoint_stocks: the group then has no portfolios. A table because
-- factor_portfolios and factor_portfolio_alpha both read it. Computed on the factor's key; its name
-- is joined to the result.

with

scheme_values as (

    select scheme, factor_key, period, sort_group, value, is_breakpoint_stock
    from {{ ref('int_factor_sorts__scheme_values') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

factors as (

    select factor_key, factor
    from {{ ref('factors') }}

),

schemes as (

    select scheme, breakpoints, min_breakpoint_stocks
    from ({{ portfolio_schemes_relation() | indent(4) }})

),

breakpoints as (

    select
        scheme,
        factor_key,
        period,
        sort_group,
        count(*) filter (where is_breakpoint_stock) as n_stocks,
        {{ factor_sorts_quantiles('value', factor_sorts_quantile_levels(), 'is_breakpoint_stock') | indent(8) }}
            as quantile_values
    from scheme_values
    group by scheme, factor_key, period, sort_group

),

final as (

    select
        breakpoints.scheme,
        breakpoints.factor_key,
        factors.factor,
        breakpoints.period,
        breakpoints.sort_group,
        breakpoints.n_stocks,
        case when breakpoints.n_stocks >= schemes.min_breakpoint_stocks then breakpoints.quantile_values end
            as quantile_values,
        case
            when breakpoints.n_stocks < schemes.min_breakpoint_stocks
                then 'no portfolios: ' || breakpoints.n_stocks || ' breakpoint stocks (' || schemes.breakpoints
                    || '), fewer than min_breakpoint_stocks ' || schemes.min_breakpoint_stocks
        end as breakpoints_note
    from breakpoints
    inner join factors
        on breakpoints.factor_key = factors.factor_key
    inner join schemes
        on breakpoints.scheme = schemes.scheme

)

select * from final
