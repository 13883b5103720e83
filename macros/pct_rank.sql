{#
  Percentile rank as pandas Series.rank(pct=True) computes it (method "average"):
  ties share the mean of the ranks they span, divided by the count of non-null
  values in the partition. Nulls get a null rank and do not count (they sort last, so
  they never precede a value).
  The average rank is (first rank + last rank) / 2: rank() is the first, and the count of
  values up to and including the tied ones (a range frame) is the last. All three windows
  share one partitioning and one order, so DuckDB sorts each partition once.
  Usage: {{ pct_rank('value', ['period', 'factor']) }}
#}
{% macro pct_rank(value_column, partition_by) -%}
    {%- set window = 'partition by ' ~ partition_by | join(', ') ~ ' order by ' ~ value_column ~ ' asc nulls last' -%}
    case when {{ value_column }} is not null then
        (
            rank() over ({{ window }})
            + count({{ value_column }}) over ({{ window }} range between unbounded preceding and current row)
        )
        / 2.0
        / count({{ value_column }}) over ({{ window }} rows between unbounded preceding and unbounded following)
    end
{%- endmacro %}
