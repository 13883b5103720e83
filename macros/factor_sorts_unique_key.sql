{#
  Generic data test: the combination of `column_names` is unique in `model`.
  Fails with one row per duplicated key, showing the key and how often it occurs.
  Usage in a properties file:
    data_tests:
      - factor_sorts_unique_key:
          arguments:
            column_names: [factor, fiscal_year, ticker]
#}
{% test factor_sorts_unique_key(model, column_names) %}
    {%- set key = column_names | join(', ') -%}
    select {{ key }}, count(*) as occurrences
    from {{ model }}
    group by {{ key }}
    having count(*) > 1
{% endtest %}
