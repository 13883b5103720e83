-- One row per (model, regressor, period): the factor returns (regressor_order: its place in the model) each model regresses on, in percent,
-- aligned to the warehouse's periods. A warehouse period's return is the next period's, so period
-- p takes the factor returns earned in the period after it (the next month's end, or the next
-- year). Model capm: the market of market_returns, in excess of the risk-free column when
-- factor_models.stock_returns is raw. The user's models (macros/factor_models.sql): their columns
-- of stg_factor_models__returns. A warehouse period between the file's first and last period with
-- no line in the file stops the build with the file and the period.

{%- set path = factor_models_setting('path') %}
{%- set risk_free = factor_models_setting('risk_free_column') %}
{%- set subtract_risk_free = risk_free is not none and factor_models_setting('stock_returns') == 'raw' %}
{%- set models = {} %}
{%- if path is not none and execute %}
    {%- set header = run_query("select distinct column_name from " ~ ref('stg_factor_models__returns')).columns[0].values() | list %}
    {%- set models = factor_models_list(header) %}
{%- endif %}

with

periods as (

    select period
    from {{ ref('periods') }}

),

settings as (

    select frequency
    from {{ ref('int_factor_evaluation__settings') }}

),

market_returns as (

    select period, market_return_pct
    from {{ ref('market_returns') }}

),

file_returns as (

    select earned_period, column_name, return_pct, source_file, line_number
    from {{ ref('stg_factor_models__returns') }}

),

aligned_periods as (

    select
        periods.period,
        {{ earned_period('periods.period', 'settings.frequency') }} as earned_period
    from periods
    cross join settings

),

file_lines as (

    select earned_period, min(line_number) as line_number, any_value(source_file) as source_file
    from file_returns
    group by earned_period

),

file_span as (

    select min(earned_period) as first_earned, max(earned_period) as last_earned
    from file_lines

),

-- a warehouse period inside the file's span whose period the file lacks
{%- set missing_line_message %}'factor model file ' || (select any_value(source_file) from file_lines)
                    || ' has no line for ' || {{ month_text('aligned_periods.earned_period') }}
                    || ' (the returns of warehouse period ' || aligned_periods.period
                    || '), between its first and last period; add the line, with empty fields for missing returns'
{%- endset %}
checked_periods as (

    select
        aligned_periods.period,
        case
            when file_lines.earned_period is null
                and aligned_periods.earned_period between file_span.first_earned and file_span.last_earned
                then {{ raise_error(missing_line_message) }}
            else aligned_periods.earned_period
        end as earned_period
    from aligned_periods
    cross join file_span
    left join file_lines
        on aligned_periods.earned_period = file_lines.earned_period

),

file_columns as (

    select
        checked_periods.period,
        file_returns.column_name,
        file_returns.return_pct
    from checked_periods
    inner join file_returns
        on checked_periods.earned_period = file_returns.earned_period

),

capm as (

    select
        'capm' as model,
        'market' as regressor,
        1 as regressor_order,
        market_returns.period,
        market_returns.market_return_pct
        {%- if subtract_risk_free %} - risk_free.return_pct{% endif %} as return_pct
    from market_returns
    {%- if subtract_risk_free %}
    left join file_columns as risk_free
        on market_returns.period = risk_free.period
        and risk_free.column_name = {{ panel_literal(risk_free) }}
    {%- endif %}

),

user_models as (

    {%- for name, columns in models.items() %}
    {%- set literals = [] %}
    {%- for column in columns %}{% do literals.append(panel_literal(column)) %}{% endfor %}
    {%- set listed = array_literal(literals) %}
    select
        {{ panel_literal(name) }} as model,
        column_name as regressor,
        {{ array_position(listed, 'column_name') }} as regressor_order,
        period,
        return_pct
    from file_columns
    where {{ array_contains(listed, 'column_name') }}
    union all
    {%- endfor %}
    select cast(null as {{ dbt.type_string() }}) as model, cast(null as {{ dbt.type_string() }}) as regressor, cast(null as integer) as regressor_order,
        cast(null as date) as period, cast(null as double) as return_pct
    where false

),

final as (

    select * from capm
    union all
    select * from user_models

)

select * from final
