{#
  Percentile rank as pandas Series.rank(pct=True) computes it (method "average"):
  ties share the mean of the ranks they span, divided by the count of non-null
  values in the partition. Nulls get a null rank and do not count.
  Usage: {{ pct_rank('value', ['fiscal_year', 'factor']) }}
#}
{% macro pct_rank(value_column, partition_by) -%}
    {%- set partition = partition_by | join(', ') -%}
    case when {{ value_column }} is not null then
        (
            rank() over (partition by {{ partition }}, ({{ value_column }} is null) order by {{ value_column }})
            + (count(*) over (partition by {{ partition }}, {{ value_column }}) - 1) / 2.0
        )
        / count({{ value_column }}) over (partition by {{ partition }})
    end
{%- endmacro %}
