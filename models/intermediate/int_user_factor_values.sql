-- The rows of the user factor models this build joins to the warehouse's factors: the models named
-- by the dbt var user_factors, each in models/user_factors and returning stock_id, period, factor,
-- value (null: missing). Refs come from the var because dbt must see every ref() when it parses the
-- project to order the models; the project's graph is only known at execution time, too late.
-- A build fails, naming the model, when a user factor takes the name of an input factor or of
-- another model's factor, has a value that is not finite, or is given to a stock-period that is not
-- accepted (a row of stock_periods).
{{ config(materialized='table') }}
{%- set user_factor_models = var('user_factors') or [] -%}
{%- if user_factor_models is string or user_factor_models is mapping
      or user_factor_models | unique | list | length != user_factor_models | length -%}
    {{ exceptions.raise_compiler_error(
        "dbt var user_factors must be a list of distinct model names in models/user_factors, e.g. "
        ~ "[user_pe_ratio_nonzero], got " ~ tojson(user_factor_models)) }}
{%- endif -%}
{%- if execute -%}
    {#- a unit test's graph has no nodes: its inputs are fixtures -#}
    {%- for node in graph.get('nodes', {}).values()
          if node.resource_type == 'model' and node.name in user_factor_models and node.fqn[1] != 'user_factors' -%}
        {{ exceptions.raise_compiler_error(
            "dbt var user_factors names model " ~ node.name ~ ", which is not in models/user_factors: "
            ~ "list only the user factor models there") }}
    {%- endfor -%}
{%- endif %}
with user_factor_rows as (

    select
        cast(null as {{ dbt.type_string() }}) as user_model,
        cast(null as {{ dbt.type_string() }}) as stock_id,
        cast(null as date) as period,
        cast(null as {{ dbt.type_string() }}) as factor,
        cast(null as double) as value
    where false
    {%- for name in user_factor_models %}
    union all
    select '{{ name }}', cast(stock_id as {{ dbt.type_string() }}), cast(period as date), cast(factor as {{ dbt.type_string() }}), cast(value as double)
    from {{ ref(name) }}
    {%- endfor %}

),

input_factors as (

    select distinct column_name as factor
    from {{ ref('stg_input__columns') }}
    where column_role = 'indicator'

),

accepted_stock_periods as (

    select stock_id, period
    from {{ ref('int_stock_rows_checked') }}
    where rejection_reason is null

),

models_per_factor as (

    select
        factor,
        {{ sorted_text_agg('user_model', ' and ', distinct=true) }} as user_models,
        count(distinct user_model) as n_models
    from user_factor_rows
    group by factor

),

checked as (

    select
        user_factor_rows.user_model,
        user_factor_rows.stock_id,
        user_factor_rows.period,
        user_factor_rows.factor,
        user_factor_rows.value,
        case
            when user_factor_rows.factor is null then
                'user factor model ' || user_factor_rows.user_model || ' returns a row without a factor name'
            when input_factors.factor is not null then
                'user factor ''' || user_factor_rows.factor || ''' of model ' || user_factor_rows.user_model
                || ' has the name of the input factor ''' || input_factors.factor || ''': give the user factor'
                || ' another name'
            when models_per_factor.n_models > 1 then
                'user factor models ' || models_per_factor.user_models || ' both make factor '''
                || user_factor_rows.factor || ''': give one of them another name'
            when accepted_stock_periods.stock_id is null then
                'user factor model ' || user_factor_rows.user_model || ' gives factor ''' || user_factor_rows.factor
                || ''' a row for stock ' || coalesce('''' || user_factor_rows.stock_id || '''', 'null')
                || ' in period ' || coalesce(cast(user_factor_rows.period as {{ dbt.type_string() }}), 'null')
                || ', which is not an accepted stock-period (a row of stock_periods): keep only the'
                || ' stock-periods of the cells it reads'
            when not {{ is_finite('user_factor_rows.value') }} then
                'user factor model ' || user_factor_rows.user_model || ' gives factor ''' || user_factor_rows.factor
                || ''' the value ' || user_factor_rows.value || ' for stock ''' || user_factor_rows.stock_id
                || ''' in period ' || user_factor_rows.period || ': values must be finite; return null for a'
                || ' missing value (divide by nullif(divisor, 0), for example)'
        end as problem
    from user_factor_rows
    left join input_factors
        on user_factor_rows.factor = input_factors.factor
    left join models_per_factor
        on user_factor_rows.factor = models_per_factor.factor
    left join accepted_stock_periods
        on user_factor_rows.stock_id = accepted_stock_periods.stock_id
        and user_factor_rows.period = accepted_stock_periods.period

),

final as (

    select
        user_model,
        stock_id,
        {{ name_key('stock_id') }} as stock_key,
        period,
        factor,
        {{ name_key('factor') }} as factor_key,
        case when problem is not null then {{ raise_error('problem') }} else value end as value
    from checked

)

select * from final
