{#
  Generic test: no two rows share the same values in `columns` (a compound key).
  Usage under a model's data_tests:  - unique_combination: {arguments: {columns: [ticker, fiscal_year]}}
#}
{% test unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
