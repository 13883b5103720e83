{#- A period's place on the calendar: year * 12 + month - 1 for monthly data, the year for yearly
    data, so "h periods later" is period_index + h even where the input skips a period. -#}
{% macro period_index(period, frequency) -%}
    case {{ frequency }}
        when 'monthly' then year({{ period }}) * 12 + month({{ period }}) - 1
        else year({{ period }})
    end
{%- endmacro %}
