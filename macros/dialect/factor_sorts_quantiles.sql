{#- SQL aggregate: the array of the continuous quantiles (as pandas quantile) of `value` at `levels`
    over the rows where `condition` holds; a quantile between two tied values is that value. -#}
{% macro factor_sorts_quantiles(value, levels, condition='true') -%}
    {{ return(adapter.dispatch('factor_sorts_quantiles')(value, levels, condition)) }}
{%- endmacro %}

{#- Between two tied values quantile_cont returns a value a few ulps from them (it weighs both ends);
    the quantile is then the tied value itself, as pandas and R give: quantile_disc is the value at
    or below each position, and a quantile that close to it is it. -#}
{% macro duckdb__factor_sorts_quantiles(value, levels, condition) -%}
    list_transform(
        list_zip(
            quantile_cont({{ value }}, {{ levels }}) filter (where {{ condition }}),
            quantile_disc({{ value }}, {{ levels }}) filter (where {{ condition }})),
        quantiles -> case
            when abs(quantiles[1] - quantiles[2]) <= 4 * 2.220446049250313e-16 * abs(quantiles[2]) then quantiles[2]
            else quantiles[1]
        end)
{%- endmacro %}

{#- Spark's exact percentile returns a tied value itself (it interpolates only between distinct values). -#}
{% macro spark__factor_sorts_quantiles(value, levels, condition) -%}
    {{ quantile_cont(value, levels) }} filter (where {{ condition }})
{%- endmacro %}
