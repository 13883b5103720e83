{#
  The panel source (models/staging/panel): one dict var `panel` describes the user's file(s).
  Every key but `path` has a default, in the var panel_defaults (dbt_project.yml); `panel_setting(key)`
  is the one place they are read and checked (the source's file reader in _panel__sources.yml
  merges the same two vars). Column names are the user's header text: they are only ever spliced into SQL as
  quoted identifiers (`panel_identifier`) or string literals, never bare.

    path                   a file, a directory or a glob (Parquet, CSV or gzipped CSV); required
    file_format            auto (from the path's extension; a directory means parquet), parquet or csv
    shape                  wide (one column per characteristic) or long (characteristic and value columns)
    id_column              the stock identifier
    period_column          the date or period
    period_type            auto, date, yyyymm or year: how period_column is read
    frequency              auto (yearly for period_type year, else monthly), monthly or yearly
    return_column          the NEXT period's return of the stock
    return_unit            decimal (0.05 = 5%) or percent (5 = 5%)
    sector_column          optional group column for sector-neutral sorts and sector_mean alpha
    characteristic_column  long shape: the column naming the characteristic
    value_column           long shape: the column holding its value
    exclude_columns        columns that are neither keys nor characteristics (wide shape)
    benchmark_path         optional CSV of the benchmark's return per period (columns period, return;
                           the period written as period_column, the return over the same span as
                           return_column, in return_unit); alpha is then the return minus it by default
#}

{% macro panel_setting(key) -%}
    {%- set given = var('panel') or {} -%}
    {%- set defaults = var('panel_defaults') -%}
    {%- set unknown = given.keys() | reject('in', defaults.keys()) | list -%}
    {%- if unknown -%}
        {{ exceptions.raise_compiler_error("dbt var panel: unknown key(s) " ~ unknown | join(', ')
            ~ "; the keys are " ~ defaults.keys() | join(', ') ~ " (see macros/panel.sql)") }}
    {%- endif -%}
    {%- set value = given.get(key, defaults[key]) -%}
    {%- set choices = {
        'file_format': ['auto', 'parquet', 'csv'], 'shape': ['wide', 'long'],
        'period_type': ['auto', 'date', 'yyyymm', 'year'], 'frequency': ['auto', 'monthly', 'yearly'],
        'return_unit': ['decimal', 'percent'],
    } -%}
    {%- if key in choices and value not in choices[key] -%}
        {{ exceptions.raise_compiler_error("dbt var panel." ~ key ~ " must be one of "
            ~ choices[key] | join(', ') ~ "; got '" ~ value ~ "'") }}
    {%- endif -%}
    {%- if key == 'exclude_columns' and value is string -%}
        {%- set value = [value] -%}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{# A user's column name as a quoted SQL identifier. #}
{% macro panel_identifier(name) -%}
    "{{ name | replace('"', '""') }}"
{%- endmacro %}

{# A user's text as a SQL string literal. #}
{% macro panel_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{#
  The panel's columns checked against the settings, at execution time (DESCRIBE of the source):
  returns {'characteristics': [...], 'types': {name: type}, 'is_text': bool} or raises an error that names the
  file pattern, the missing column, the columns there are and the var to set. Wide shape: every
  column that is not a key, the sector or excluded is a characteristic and must be numeric
  (Parquet); CSV is read as text (`is_text`), each value parsed and quarantined if not a number.
#}
{% macro panel_columns() -%}
    {%- if not execute -%}
        {{- return({'characteristics': [], 'types': {}}) -}}
    {%- endif -%}
    {%- set described = run_query("describe select * from " ~ source('panel', 'panel_file')) -%}
    {#- the CSV reader (all_varchar) numbers rows with `ordinality`, the Parquet reader with file_row_number -#}
    {%- set is_text = 'ordinality' in described.columns['column_name'].values() -%}
    {%- set types = {} -%}
    {%- for row in described.rows if row['column_name'] not in ['filename', 'file_row_number', 'ordinality'] -%}
        {%- do types.update({row['column_name']: row['column_type']}) -%}
    {%- endfor -%}
    {%- set by_lower_name = {} -%}
    {%- for name in types -%}
        {%- do by_lower_name.update({name | lower: name}) -%}
    {%- endfor -%}
    {%- set required = ['id_column', 'period_column', 'return_column'] -%}
    {%- if panel_setting('sector_column') is not none -%}
        {%- do required.append('sector_column') -%}
    {%- endif -%}
    {%- if panel_setting('shape') == 'long' -%}
        {%- do required.extend(['characteristic_column', 'value_column']) -%}
    {%- endif -%}
    {%- set named = [] -%}
    {%- for key in required -%}
        {%- set name = panel_setting(key) | string -%}
        {%- if name | lower not in by_lower_name -%}
            {{ exceptions.raise_compiler_error(
                "panel '" ~ panel_setting('path') ~ "': the " ~ key ~ " '" ~ name ~ "' is not a column of the file. "
                ~ "Its columns are: " ~ types.keys() | join(', ') ~ ". Set the dbt var panel." ~ key ~ " to one of them") }}
        {%- endif -%}
        {%- do named.append(by_lower_name[name | lower]) -%}
    {%- endfor -%}
    {%- for name in panel_setting('exclude_columns') -%}
        {%- if name | lower not in by_lower_name -%}
            {{ exceptions.raise_compiler_error(
                "panel '" ~ panel_setting('path') ~ "': exclude_columns names '" ~ name ~ "', which is not a column of "
                ~ "the file; its columns are: " ~ types.keys() | join(', ') ~ ". Fix the dbt var panel.exclude_columns") }}
        {%- endif -%}
        {%- do named.append(by_lower_name[name | lower]) -%}
    {%- endfor -%}
    {%- set characteristics = [] -%}
    {%- if panel_setting('shape') == 'wide' -%}
        {%- set numeric = ['VARCHAR'] if is_text else ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT',
                                                       'USMALLINT', 'UINTEGER', 'UBIGINT', 'FLOAT', 'DOUBLE'] -%}
        {%- for name, type in types.items() if name not in named -%}
            {%- if type not in numeric and not type.startswith('DECIMAL') -%}
                {{ exceptions.raise_compiler_error(
                    "panel '" ~ panel_setting('path') ~ "': column '" ~ name ~ "' is " ~ type ~ ", not a number, so it "
                    ~ "cannot be a characteristic. List it in the dbt var panel.exclude_columns, or name it as a key") }}
            {%- endif -%}
            {%- do characteristics.append(name) -%}
        {%- endfor -%}
        {%- if not characteristics -%}
            {{ exceptions.raise_compiler_error("panel '" ~ panel_setting('path') ~ "': no characteristic column is "
                ~ "left once the keys and exclude_columns are set aside; columns: " ~ types.keys() | join(', ')) }}
        {%- endif -%}
    {%- endif -%}
    {{- return({'characteristics': characteristics, 'types': types, 'is_text': is_text}) -}}
{%- endmacro %}

{#
  How the period column is read: the period_type setting, or for auto, decided once from the
  data (a DATE or TIMESTAMP column is a date; integers up to 9999 are years, six digits are
  yyyymm; text is looked at in its first non-empty value).
#}
{% macro panel_period_type(columns) -%}
    {%- set setting = panel_setting('period_type') -%}
    {%- if setting != 'auto' or not execute -%}
        {{- return(setting if setting != 'auto' else 'date') -}}
    {%- endif -%}
    {%- set column = panel_setting('period_column') -%}
    {%- set type = columns['types'].get(column, columns['types'].get(column | lower, 'VARCHAR')) -%}
    {%- if type.startswith('DATE') or type.startswith('TIMESTAMP') -%}
        {{- return('date') -}}
    {%- endif -%}
    {%- set sample = run_query(
        "select cast(max(" ~ panel_identifier(column) ~ ") as varchar) from " ~ source('panel', 'panel_file')
        ~ " where " ~ panel_identifier(column) ~ " is not null").columns[0].values()[0] | string -%}
    {%- if modules.re.fullmatch('[0-9]{4}', sample) -%}
        {{- return('year') -}}
    {%- elif modules.re.fullmatch('[0-9]{6}', sample) -%}
        {{- return('yyyymm') -}}
    {%- endif -%}
    {{- return('date') -}}
{%- endmacro %}

{% macro panel_frequency(columns) -%}
    {%- set setting = panel_setting('frequency') -%}
    {%- if setting == 'auto' -%}
        {{- return('yearly' if panel_period_type(columns) == 'year' else 'monthly') -}}
    {%- endif -%}
    {{- return(setting) -}}
{%- endmacro %}

{# SQL: the period (a date: the month end, or December 31 for yearly data) of the raw period
   expression, null when it does not read as the period type. #}
{% macro panel_period(expression, columns) -%}
    {%- set period_type = panel_period_type(columns) -%}
    {%- if period_type == 'date' -%}
        {%- set as_date = "try_cast(" ~ expression ~ " as date)" -%}
    {%- else -%}
        {%- set as_number = "try_cast(" ~ expression ~ " as integer)" -%}
        {%- if period_type == 'yyyymm' -%}
            {%- set as_date = "case when " ~ as_number ~ " between 100001 and 999912 and " ~ as_number
                ~ " % 100 between 1 and 12 then make_date(" ~ as_number ~ " // 100, " ~ as_number ~ " % 100, 1) end" -%}
        {%- else -%}
            {%- set as_date = "case when " ~ as_number ~ " between 1000 and 9999 then make_date(" ~ as_number ~ ", 12, 31) end" -%}
        {%- endif -%}
    {%- endif -%}
    {%- if panel_frequency(columns) == 'monthly' -%}
        last_day({{ as_date }})
    {%- else -%}
        make_date(year({{ as_date }}), 12, 31)
    {%- endif -%}
{%- endmacro %}

{# SQL: the readable label of a period column: '2018' for yearly data, '2018-01' for monthly. #}
{% macro panel_period_label(period, columns) -%}
    {%- if panel_frequency(columns) == 'monthly' -%}
        strftime({{ period }}, '%Y-%m')
    {%- else -%}
        cast(year({{ period }}) as varchar)
    {%- endif -%}
{%- endmacro %}

{# SQL: a numeric panel column as double. Text (CSV) is trimmed and read with the project's
   number grammar (macro parse_number); typed columns are cast. #}
{% macro panel_number(expression, columns) -%}
    {%- if columns['is_text'] -%}
        {{ parse_number('trim(' ~ expression ~ ')') }}
    {%- else -%}
        cast({{ expression }} as double)
    {%- endif -%}
{%- endmacro %}

{# SQL: where a panel row is in its file: the line for CSV (the header is line 1, as for the
   Kaggle files), the 1-based row for Parquet. #}
{% macro panel_line_number(columns) -%}
    {%- if columns['is_text'] -%}
        ordinality - min(ordinality) over (partition by filename) + 2
    {%- else -%}
        file_row_number + 1
    {%- endif -%}
{%- endmacro %}

{# SQL select list: where a panel row comes from and its raw stock id and period, the keys every
   panel staging model starts from. #}
{% macro panel_row_keys(columns) -%}
    filename,
    {{ panel_line_number(columns) }} as line_number,
    {{ panel_identifier(panel_setting('id_column')) }} as id_raw,
    {{ panel_identifier(panel_setting('period_column')) }} as period_raw
{%- endmacro %}
