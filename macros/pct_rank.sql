{#
  Percentile rank as pandas Series.rank(pct=True) computes it (method "average"):
  ties share the mean of the ranks they span, divided by the count of non-null
  values in the partition. Nulls get a null rank and do not count (they sort last, so
  they never precede a value).
  The average rank is (first rank + last rank) / 2: rank() is the first; the last is the
  count of rows up to and including the tied ones, cume_dist() times the partition's row
  count (rounded: the product is that whole number to within a rounding error). rank()
  and cume_dist() share one partitioning and one order, so DuckDB sorts each partition
  once, and neither needs a window frame.
  Usage: {{ pct_rank('value', ['period', 'factor']) }}
#}
{% macro pct_rank(value_column, partition_by) -%}
    {%- set partition = 'partition by ' ~ partition_by | join(', ') -%}
    {%- set window = partition ~ ' order by ' ~ value_column ~ ' asc nulls last' -%}
    case when {{ value_column }} is not null then
        (
            rank() over ({{ window }})
            + round(cume_dist() over ({{ window }}) * count(*) over ({{ partition }}))
        )
        / 2.0
        / count({{ value_column }}) over ({{ partition }})
    end
{%- endmacro %}
