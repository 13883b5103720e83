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
  The stock-level columns of the portfolio schemes (macros/portfolio_schemes.sql), each optional:
    market_equity_column   market equity at the period (value and capped-value weights, size screens)
    exchange_column        the exchange code; not a characteristic
    nyse_exchange_values   the exchange codes (as text) that mean NYSE (NYSE breakpoints and percentiles)
    price_column           the share price at the period (the price screen; its absolute value, as CRSP's
                           negative bid-ask midpoints)
    cost_column            the per-stock trading cost (e.g. a bid-ask spread), in return_unit
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
    {%- if key in ['exclude_columns', 'nyse_exchange_values'] and value is string -%}
        {%- set value = [value] -%}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{# A user's column name as a quoted SQL identifier. #}
{% macro panel_identifier(name) -%}
    {{ quoted_identifier(name) }}
{%- endmacro %}

{# A user's text as a SQL string literal. #}
{% macro panel_literal(text) -%}
    {{ text_literal(text) }}
{%- endmacro %}

{# The file pattern the panel source reads (its external_location in _panel__sources.yml follows the
   same rule): the path, or for a directory its *.parquet files (*.csv* with file_format csv). #}
{% macro panel_read_pattern() -%}
    {%- set path = panel_setting('path') | string -%}
    {%- if '*' not in path and '.' not in path.rstrip('/').split('/')[-1] -%}
        {{- return(path.rstrip('/') ~ ('/*.csv*' if panel_file_format() == 'csv' else '/*.parquet')) -}}
    {%- endif -%}
    {{- return(path) -}}
{%- endmacro %}

{% macro panel_file_format() -%}
    {%- set setting = panel_setting('file_format') -%}
    {%- if setting == 'auto' -%}
        {{- return('csv' if '.csv' in (panel_setting('path') | string | lower) else 'parquet') -}}
    {%- endif -%}
    {{- return(setting) -}}
{%- endmacro %}

{#
  The panel's columns checked against the settings, at execution time (DESCRIBE of the source):
  returns {'characteristics': [...], 'factor_names': {column: name}, 'types': {name: type}, 'keys':
  {setting: column}, 'is_text': bool, 'row_column': name} or raises an error that names the path (or
  file), the column and what to do. Wide shape: every column that is not a key, the sector or
  excluded is a characteristic and must be numeric (Parquet); CSV is read as text (`is_text`), each
  value parsed and quarantined if not a number. DuckDB renames header twins that differ only in
  case (`beta` to `beta_1`): factor_names maps such a column to its name as the header writes it,
  so twins stay two factors.
#}
{% macro panel_columns() -%}
    {%- if not execute -%}
        {{- return({'characteristics': [], 'factor_names': {}, 'types': {}, 'keys': {}, 'is_text': false,
                    'row_column': 'file_row_number'}) -}}
    {%- endif -%}
    {%- set path = panel_setting('path') | string -%}
    {%- set pattern = panel_read_pattern() -%}
    {%- set is_text = panel_file_format() == 'csv' -%}
    {%- set files = panel_checked_files(path, pattern, is_text) -%}
    {%- set described = panel_described_columns() -%}
    {#- CSV rows are numbered by `with ordinality`, the last column whatever its name -#}
    {%- set row_column = described[-1][0] if is_text else 'file_row_number' -%}
    {%- set types = {} -%}
    {%- for name, type in described if name not in ['__panel_file', row_column] -%}
        {%- do types.update({name: type}) -%}
    {%- endfor -%}
    {%- set factor_names = panel_renamed_columns(files[0], types.keys() | list, is_text) -%}
    {%- set by_lower_name = {} -%}
    {%- for name in types -%}
        {%- do by_lower_name.update({name | lower: name}) -%}
    {%- endfor -%}
    {%- set required = ['id_column', 'period_column', 'return_column'] -%}
    {%- for key in ['sector_column', 'exchange_column', 'market_equity_column', 'price_column', 'cost_column'] -%}
        {%- if panel_setting(key) is not none -%}
            {%- do required.append(key) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if panel_setting('shape') == 'long' -%}
        {%- do required.extend(['characteristic_column', 'value_column']) -%}
    {%- endif -%}
    {%- set named = [] -%}
    {%- set keys = {} -%}
    {%- for key in required -%}
        {%- set name = panel_setting(key) | string -%}
        {%- if name | lower not in by_lower_name -%}
            {{ exceptions.raise_compiler_error(
                "panel '" ~ path ~ "': the " ~ key ~ " '" ~ name ~ "' is not a column of the file. "
                ~ "Its columns are: " ~ types.keys() | join(', ') ~ ". Set the dbt var panel." ~ key ~ " to one of them") }}
        {%- endif -%}
        {#- market equity, price and cost stay characteristics too (JKP's me is its size factor) -#}
        {%- if key not in ['market_equity_column', 'price_column', 'cost_column'] -%}
            {%- do named.append(by_lower_name[name | lower]) -%}
        {%- endif -%}
        {%- do keys.update({key: by_lower_name[name | lower]}) -%}
    {%- endfor -%}
    {%- for name in panel_setting('exclude_columns') -%}
        {%- if name | lower not in by_lower_name -%}
            {{ exceptions.raise_compiler_error(
                "panel '" ~ path ~ "': exclude_columns names '" ~ name ~ "', which is not a column of "
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
                    "panel '" ~ path ~ "': column '" ~ name ~ "' is " ~ type ~ ", not a number, so it "
                    ~ "cannot be a characteristic. List it in the dbt var panel.exclude_columns, or name it as a key") }}
            {%- endif -%}
            {%- do characteristics.append(name) -%}
        {%- endfor -%}
        {%- if not characteristics -%}
            {{ exceptions.raise_compiler_error("panel '" ~ path ~ "': no characteristic column is "
                ~ "left once the keys and exclude_columns are set aside; columns: " ~ types.keys() | join(', ')) }}
        {%- endif -%}
    {%- endif -%}
    {{- return({'characteristics': characteristics, 'factor_names': factor_names, 'types': types,
                'keys': keys, 'is_text': is_text, 'row_column': row_column}) -}}
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
        "select cast(max(" ~ panel_identifier(column) ~ ") as " ~ dbt.type_string() ~ ") from " ~ source('panel', 'panel_file')
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
                ~ " % 100 between 1 and 12 then make_date(" ~ integer_divide(as_number, '100') ~ ", " ~ as_number ~ " % 100, 1) end" -%}
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

{# The panel's input_source_period_test: bounds on the period column as the file types it, over the
   span of the periods (the first one's month or year to the last one's end), that a Parquet reader
   checks against each row group's statistics: a file sorted by period is read only where the
   periods are. A text column, or the null period among them, gets no bounds (true). Numbers are
   widened by one, since panel_period rounds a fraction. #}
{% macro panel_source_period_test(column, periods) -%}
    {%- set columns = panel_columns() -%}
    {%- set type = columns['types'].get(panel_column('period_column', columns), 'VARCHAR').split('(')[0] -%}
    {%- set period_type = panel_period_type(columns) -%}
    {%- set dates = periods | reject('none') | map('string') | sort | list -%}
    {%- if none in periods or not dates -%}
        {{- return('true') -}}
    {%- endif -%}
    {%- set first = dates[0][:4] ~ ('-01-01' if panel_frequency(columns) == 'yearly' else dates[0][4:8] ~ '01') -%}
    {%- set last = dates[-1] -%}
    {%- set numeric = type in ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT',
                               'UINTEGER', 'UBIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL'] -%}
    {%- if period_type == 'date' and (type in ['DATE', 'TIMESTAMP', 'TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_S']) -%}
        {%- set after_last = modules.datetime.date.fromisoformat(last) + modules.datetime.timedelta(days=1) -%}
        ({{ column }} >= date '{{ first }}' and {{ column }} < date '{{ after_last.isoformat() }}')
    {%- elif period_type == 'yyyymm' and numeric -%}
        ({{ column }} between {{ (first[:4] ~ first[5:7]) | int - 1 }} and {{ (last[:4] ~ last[5:7]) | int + 1 }})
    {%- elif period_type == 'year' and numeric -%}
        ({{ column }} between {{ first[:4] | int - 1 }} and {{ last[:4] | int + 1 }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{# SQL: the readable label of a period column: '2018' for yearly data, '2018-01' for monthly. #}
{% macro panel_period_label(period, columns) -%}
    {%- if panel_frequency(columns) == 'monthly' -%}
        {{ month_text(period) }}
    {%- else -%}
        cast(year({{ period }}) as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{# The panel's column for a key setting (id_column, return_column, ...), as the file spells it. #}
{% macro panel_column(key, columns) -%}
    {{- return(columns['keys'].get(key, panel_setting(key))) -}}
{%- endmacro %}

{# SQL: a panel column's field, null when missing: text (CSV, or a text column of a Parquet) trimmed,
   a missing marker (dbt var missing_markers) or the empty text null, as for the Kaggle files; a NaN
   in a float column null, as the marker NaN is in a CSV; else as typed. #}
{% macro panel_field(name, columns) -%}
    {%- set type = columns['types'].get(name) -%}
    {%- if type == 'VARCHAR' -%}
        case when trim({{ panel_identifier(name) }}) not in ({{ panel_missing_markers() }})
            then trim({{ panel_identifier(name) }}) end
    {%- elif type in ['FLOAT', 'DOUBLE'] -%}
        case when not isnan({{ panel_identifier(name) }}) then {{ panel_identifier(name) }} end
    {%- else -%}
        {{ panel_identifier(name) }}
    {%- endif -%}
{%- endmacro %}

{# SQL: the field (panel_field) of an optional key's column (sector_column, market_equity_column, ...),
   or null when the key is not set. #}
{% macro panel_optional_field(key, columns) -%}
    {%- if key in columns['keys'] -%}
        {{ panel_field(columns['keys'][key], columns) }}
    {%- else -%}
        null
    {%- endif -%}
{%- endmacro %}

{# SQL: an optional numeric key's field as double (panel_number), null when the key is not set. #}
{% macro panel_optional_number(key, expression, columns) -%}
    {%- if key in columns['keys'] -%}
        {{ panel_number(expression, columns['types'].get(columns['keys'][key]) == 'VARCHAR') }}
    {%- else -%}
        cast(null as double)
    {%- endif -%}
{%- endmacro %}

{# SQL: a field (its column `name`, none for an unset key) as text: a float column's number as DuckDB
   writes it (macro number_text), any other cast. #}
{% macro panel_text(expression, name, columns) -%}
    {%- if columns['types'].get(name) in ['FLOAT', 'DOUBLE'] -%}
        {{ number_text(expression) }}
    {%- else -%}
        cast({{ expression }} as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{# SQL: the exchange code as text, compared with panel.nyse_exchange_values: a whole number stored as
   a float reads without its '.0' (CRSP's exchcd 1.0 is '1'). #}
{% macro panel_exchange_text(expression) -%}
    {{ regexp_replace_text('cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ')', '^(-?[0-9]+)\\.0$', '\\1') }}
{%- endmacro %}

{# SQL: the dbt var missing_markers, and the empty text, as a list of string literals. #}
{% macro panel_missing_markers() -%}
    {%- for marker in (var('missing_markers') | list + ['']) | unique(case_sensitive=true) -%}
        {{ panel_literal(marker) }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{# SQL: a field read by panel_field as double: text through the project's number grammar (macro
   parse_number), typed values cast. #}
{% macro panel_number(expression, is_text) -%}
    {%- if is_text -%}
        {{ parse_number(expression) }}
    {%- else -%}
        cast({{ expression }} as double)
    {%- endif -%}
{%- endmacro %}

{# SQL: where a panel row is in its file: the line for CSV (the header is line 1, as for the
   Kaggle files), the 1-based row for Parquet. #}
{% macro panel_line_number(columns) -%}
    {%- if columns['is_text'] -%}
        {{ panel_identifier(columns['row_column']) }}
            - min({{ panel_identifier(columns['row_column']) }}) over (partition by __panel_file) + 2
    {%- else -%}
        file_row_number + 1
    {%- endif -%}
{%- endmacro %}

{# SQL select list: where a panel row comes from and its stock id (text trimmed, as the Kaggle
   loader trims tickers) and raw period, the keys every panel staging model starts from. Internal
   names start with __panel_, so that no header can collide with them. #}
{% macro panel_row_keys(columns) -%}
    __panel_file,
    {{ panel_line_number(columns) }} as __panel_line,
    {%- set id_column = panel_column('id_column', columns) %}
    {%- if columns['types'].get(id_column) == 'VARCHAR' %}
    nullif(trim({{ panel_identifier(id_column) }}), '') as __panel_id,
    {%- else %}
    {{ panel_identifier(id_column) }} as __panel_id,
    {%- endif %}
    {{ panel_identifier(panel_column('period_column', columns)) }} as __panel_period
{%- endmacro %}

{#
  Generic test (warns): a panel whose returns are implausible for panel.return_unit decimal, i.e.
  whose median absolute return exceeds 100% once multiplied by 100, which is what percent returns
  read as decimal look like (5, meaning 5%, read as 500%). One row per file, with the message,
  which the build prints (macro log_warning_lines).
#}
{% test panel_returns_plausible_for_unit(model) %}

{%- set implausible_sql -%}
with stock_rows as (

    select * from {{ model }}
    where {{ is_finite('return_pct') }}

),

per_file as (

    select
        source_file,
        any_value(return_column) as return_column,
        min(return_pct) as lowest,
        max(return_pct) as highest,
        median(abs(return_pct)) as median_absolute
    from stock_rows
    group by source_file

),

final as (

    select
        source_file,
        source_file || ': the returns of column ''' || return_column || ''' run from '
            || cast(round(lowest) as bigint) || '% to ' || cast(round(highest) as bigint) || '% (median absolute '
            || cast(round(median_absolute) as bigint) || '%) once read as decimals (0.05 = 5%); if the file writes '
            || 'them in percent (5 = 5%), set the dbt var panel.return_unit to percent' as message
    from per_file
    where {{ panel_setting('return_unit') == 'decimal' }} and median_absolute > 100

)

select * from final
{%- endset -%}

{{ log_warning_lines('select message from (' ~ implausible_sql ~ ') as implausible order by all') }}

{{ implausible_sql }}

{% endtest %}
