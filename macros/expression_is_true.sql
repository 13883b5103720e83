{#
  Generic test: every row satisfies a SQL boolean expression (null counts as a
  failure only when the expression says so).
  Usage: - expression_is_true: {arguments: {expression: "pct_rank > 0 and pct_rank <= 1"}}
#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
