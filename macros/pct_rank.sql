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

{#
  A rank score for a Pearson correlation of ranks: twice the average rank (ties share the mean of
  the ranks they span, as in pct_rank) over the rows of `value_column`'s partition (the column has
  no nulls): whole numbers from 2 to 2n, 2n times pct_rank, so their correlation is pct_rank's, on
  exact integers (wide_integer: n times a sum of products is up to 4n^4, past 64 bits from n = 38,000),
  with one window sort and no count over the partition. divided = true divides it
  by the partition's row count n (twice pct_rank) for a correlation over partitions of different
  sizes. The last rank of tied rows is the count of rows up to them.
  Usage: {{ rank_score('value', ['pair_group']) }}
#}
{% macro rank_score(value_column, partition_by, divided=false) -%}
    {%- set partition = 'partition by ' ~ partition_by | join(', ') -%}
    {%- set window = partition ~ ' order by ' ~ value_column -%}
    {%- set score -%}
    (
        rank() over ({{ window }})
        + count(*) over ({{ window }} range between unbounded preceding and current row)
    )
    {%- endset -%}
    {{ score ~ ' / count(*) over (' ~ partition ~ ')' if divided else wide_integer(score) }}
{%- endmacro %}

{#
  Pearson's r of x and y from n and their sums (of x, y, x squared, y squared, x times y), as
  rank_score's sums are taken: exact up to the division when the sums are integers (each variance
  term cast to double, so that their product cannot overflow). The caller says when it is undefined
  (an x or a y the same for all rows).
  Usage: {{ correlation_from_sums('n', 'x_sum', 'y_sum', 'x_square_sum', 'y_square_sum', 'product_sum') }}
#}
{% macro correlation_from_sums(n, x_sum, y_sum, x_square_sum, y_square_sum, product_sum) -%}
    ({{ n }} * {{ product_sum }} - {{ x_sum }} * {{ y_sum }})
        / sqrt(cast({{ n }} * {{ x_square_sum }} - {{ x_sum }} * {{ x_sum }} as double)
            * cast({{ n }} * {{ y_square_sum }} - {{ y_sum }} * {{ y_sum }} as double))
{%- endmacro %}
