-- One row: the evaluation settings of this warehouse (macros/factor_evaluation_settings.sql),
-- the vars' defaults resolved against the data's frequency: the rank IC horizons, the
-- Newey-West lags, the periods per year that annualize a Sharpe ratio and the primary portfolio
-- scheme (the first of the dbt var portfolio_schemes), whose long-short returns factor_summary reads,
-- and the schemes' names in the var's order.

{%- set scheme_names = [] %}
{%- for scheme in portfolio_schemes() %}{% do scheme_names.append("'" ~ scheme.name ~ "'") %}{% endfor %}

with

periods as (

    select frequency
    from {{ ref('periods') }}

),

frequencies as (

    select coalesce(any_value(frequency), 'yearly') as frequency
    from periods

),

final as (

    select
        frequency,
        {{ factor_evaluation_ic_horizons() }} as ic_horizons,
        {{ factor_evaluation_newey_west_lags() }} as newey_west_lags,
        case when frequency = 'monthly' then 12 else 1 end as periods_per_year,
        '{{ portfolio_schemes()[0].name }}' as primary_scheme,
        {{ array_literal(scheme_names) }} as scheme_names
    from frequencies

)

select * from final
