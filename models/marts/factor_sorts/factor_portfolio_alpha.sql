-- One row per (scheme, factor, period, portfolio) for every portfolio 1..J of every scheme's
-- factor-period, empty ones included (n_stocks 0, null means): lower and upper breakpoint,
-- n_stocks, the portfolio's return (mean_alpha: its members' mean alpha under the scheme's weights,
-- or with holding_periods K > 1 the mean over the portfolios formed in the last K periods of their
-- members' weighted mean alpha in this period, Jegadeesh-Titman), median alpha and mean alpha_rank
-- of its members (equal-weighted, at formation). A mean is null, and portfolio_note says why, when
-- fewer than the scheme's min_stocks_per_leg stocks have an alpha (and a weight), or when the group
-- has too few breakpoint stocks for portfolios. With sort_grouping = 'sector' a portfolio pools
-- that portfolio of every sector, which have different breakpoints, so the breakpoint columns are
-- null; min_value and max_value always describe the members.
{{ config(materialized='factor_batched_table') }}

{%- set portfolio_count = factor_sorts_portfolio_count() | int %}
{%- set grouping = factor_sorts_grouping() %}
{%- set holding = portfolio_schemes_holding_reach() > 0 %}

with

portfolios as (

    select scheme, factor_key, period, portfolio, value, alpha, alpha_rank, weight
    from {{ ref('int_factor_sorts__portfolios') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),

breakpoints as (

    select scheme, factor_key, factor, period, sort_group, quantile_values, breakpoints_note
    from {{ ref('int_factor_sorts__breakpoints') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),
{%- if holding %}

cohort_returns as (

    select scheme, factor_key, period, portfolio, n_stocks_with_alpha, mean_alpha
    from {{ ref('int_factor_sorts__cohort_returns') }}
    where {{ factor_batch_filter('factor_key') }}
        and {{ period_filter('period') }}

),
{%- endif %}

schemes as (

    select scheme, weights, min_stocks_per_leg, holding_periods
    from ({{ portfolio_schemes_relation() | indent(4) }})

),

portfolio_numbers as (

    select {{ unnest_array(integer_range(1, portfolio_count)) }} as portfolio

),

factor_periods as (

    select
        scheme,
        factor_key,
        factor,
        period,
        {% if grouping == 'period' -%}
        any_value(quantile_values) as quantile_values,
        {%- else -%}
        cast(null as {{ type_array('double') }}) as quantile_values,
        {%- endif %}
        -- with sectors, the first group without portfolios speaks for the others
        min(breakpoints_note) as breakpoints_note
    from breakpoints
    group by scheme, factor_key, factor, period

),

portfolio_grid as (

    select
        factor_periods.scheme,
        factor_periods.factor_key,
        factor_periods.factor,
        factor_periods.period,
        portfolio_numbers.portfolio,
        {{ array_element('factor_periods.quantile_values', 'portfolio_numbers.portfolio') }} as lower_breakpoint,
        {{ array_element('factor_periods.quantile_values', 'portfolio_numbers.portfolio + 1') }} as upper_breakpoint,
        factor_periods.breakpoints_note
    from factor_periods
    cross join portfolio_numbers

),

portfolio_statistics as (

    select
        portfolios.scheme,
        portfolios.factor_key,
        portfolios.period,
        portfolios.portfolio,
        count(*) as n_stocks,
        count(portfolios.alpha) filter (where portfolios.weight is not null) as n_stocks_with_alpha,
        min(portfolios.value) as min_value,
        max(portfolios.value) as max_value,
        {{ portfolio_weighted_mean('portfolios.alpha', 'portfolios.weight', 'schemes.weights') }} as mean_alpha,
        {{ quantile_cont('portfolios.alpha', 0.5) }} as median_alpha,
        avg(portfolios.alpha_rank) as mean_alpha_rank
    from portfolios
    inner join schemes
        on portfolios.scheme = schemes.scheme
    group by portfolios.scheme, portfolios.factor_key, portfolios.period, portfolios.portfolio, schemes.weights

),
{%- if holding %}

-- the mean over the cohorts formed in the last K periods whose own mean has enough stocks
held_statistics as (

    select
        cohort_returns.scheme,
        cohort_returns.factor_key,
        cohort_returns.period,
        cohort_returns.portfolio,
        count(cohort_returns.mean_alpha) filter (
            where cohort_returns.n_stocks_with_alpha >= schemes.min_stocks_per_leg) as n_cohorts,
        avg(cohort_returns.mean_alpha) filter (
            where cohort_returns.n_stocks_with_alpha >= schemes.min_stocks_per_leg) as held_mean_alpha
    from cohort_returns
    inner join schemes
        on cohort_returns.scheme = schemes.scheme
    group by cohort_returns.scheme, cohort_returns.factor_key, cohort_returns.period, cohort_returns.portfolio

),
{%- endif %}

final as (

    select
        portfolio_grid.scheme,
        portfolio_grid.factor_key,
        portfolio_grid.factor,
        portfolio_grid.period,
        portfolio_grid.portfolio,
        '{{ grouping }}' as grouping,
        {{ portfolio_count }} as portfolio_count,
        schemes.holding_periods,
        portfolio_grid.lower_breakpoint,
        portfolio_grid.upper_breakpoint,
        portfolio_statistics.min_value,
        portfolio_statistics.max_value,
        coalesce(portfolio_statistics.n_stocks, 0) as n_stocks,
        coalesce(portfolio_statistics.n_stocks_with_alpha, 0) as n_stocks_with_alpha,
        {%- if holding %}
        case
            when schemes.holding_periods > 1 then held_statistics.held_mean_alpha
            when portfolio_statistics.n_stocks_with_alpha >= schemes.min_stocks_per_leg
                then portfolio_statistics.mean_alpha
        end as mean_alpha,
        {%- else %}
        case
            when portfolio_statistics.n_stocks_with_alpha >= schemes.min_stocks_per_leg
                then portfolio_statistics.mean_alpha
        end as mean_alpha,
        {%- endif %}
        portfolio_statistics.median_alpha,
        portfolio_statistics.mean_alpha_rank,
        case
            when portfolio_grid.breakpoints_note is not null then portfolio_grid.breakpoints_note
            {%- if holding %}
            when schemes.holding_periods > 1 and held_statistics.held_mean_alpha is null
                then 'mean_alpha: none of the portfolios formed in the last ' || schemes.holding_periods
                    || ' periods has ' || schemes.min_stocks_per_leg || ' or more stocks with an alpha in this period'
            when schemes.holding_periods > 1 then null
            {%- endif %}
            when coalesce(portfolio_statistics.n_stocks_with_alpha, 0) < schemes.min_stocks_per_leg
                then 'mean_alpha: ' || coalesce(portfolio_statistics.n_stocks_with_alpha, 0)
                    || ' stocks with an alpha, fewer than min_stocks_per_leg ' || schemes.min_stocks_per_leg
        end as portfolio_note
    from portfolio_grid
    inner join schemes
        on portfolio_grid.scheme = schemes.scheme
    left join portfolio_statistics
        on portfolio_grid.scheme = portfolio_statistics.scheme
        and portfolio_grid.factor_key = portfolio_statistics.factor_key
        and portfolio_grid.period = portfolio_statistics.period
        and portfolio_grid.portfolio = portfolio_statistics.portfolio
    {%- if holding %}
    left join held_statistics
        on portfolio_grid.scheme = held_statistics.scheme
        and portfolio_grid.factor_key = held_statistics.factor_key
        and portfolio_grid.period = held_statistics.period
        and portfolio_grid.portfolio = held_statistics.portfolio
    {%- endif %}

)

select * from final
