{#
  Settings of the factor sorts (models/intermediate/factor_sorts, models/marts/factor_sorts),
  read from dbt vars in this one place and validated:
    portfolio_count  J >= 2 portfolios per sort (default 2: the article's median split)
    sort_grouping    'period' (default) or 'sector': within what ranks, breakpoints and
                     portfolios are computed; 'sector' means within (period, sector).
#}
{% macro factor_sorts_portfolio_count() -%}
    {%- set raw = var('portfolio_count') -%}
    {%- set text = raw | string | trim -%}
    {%- if not text.isdigit() or (text | int) < 2 -%}
        {{ exceptions.raise_compiler_error(
            "dbt var portfolio_count must be an integer >= 2 (got '" ~ raw ~ "'); "
            ~ "set it with --vars '{portfolio_count: 5}' or in dbt_project.yml vars") }}
    {%- endif -%}
    {{- text | int -}}
{%- endmacro %}

{% macro factor_sorts_grouping() -%}
    {%- set grouping = var('sort_grouping') | string | trim | lower -%}
    {%- if grouping not in ['period', 'sector'] -%}
        {{ exceptions.raise_compiler_error(
            "dbt var sort_grouping must be 'period' or 'sector' (got '"
            ~ var('sort_grouping') ~ "'); set it with --vars '{sort_grouping: sector}'") }}
    {%- endif -%}
    {{- grouping -}}
{%- endmacro %}

{# SQL expression of the group a stock is sorted in within its period: one group
   ('all stocks') or its sector; a stock without a sector forms the group '(no sector)'. #}
{% macro factor_sorts_sort_group(sector_column) -%}
    {%- if factor_sorts_grouping() == 'sector' -%}
        coalesce({{ sector_column }}, '(no sector)')
    {%- else -%}
        'all stocks'
    {%- endif -%}
{%- endmacro %}

{# The constant list of quantile levels 0/J, 1/J, ..., J/J for quantile_cont: element k + 1
   is the k/J quantile, so the interior elements are the J - 1 breakpoints and the two ends
   are the minimum and the maximum. #}
{% macro factor_sorts_quantile_levels() -%}
    {{- quantile_levels(factor_sorts_portfolio_count() | int) -}}
{%- endmacro %}

{#
  The portfolio schemes (dbt var portfolio_schemes): a list of named constructions built side by
  side, each a mapping whose keys default as portfolio_scheme_defaults says. Every per-period and
  performance table of the sorts carries the scheme's name in its column `scheme`; the first
  scheme is the primary one, which factor_summary reads. Keys:
    name                  [a-z0-9_]+, unique
    breakpoints           all (every stock with the value), nyse (NYSE stocks: panel.exchange_column)
                          or non_microcap (market equity >= the size cutoff)
    weights               equal, value (market equity at formation, the period's market_equity) or
                          capped_value (market equity capped at cap_percentile of size_universe)
    size_universe         nyse or all: whose market equity the size cutoff and the cap are percentiles of
    size_percentile       the size cutoff's percentile (microcaps are below it; 20 as JKP and OSAP)
    cap_percentile        capped_value's percentile (80 as JKP)
    min_price             screen: stocks whose absolute price is below it (or missing) are left out
    exclude_microcaps     screen: stocks below the size cutoff (or without market equity) are left out
    min_stocks_per_leg    a portfolio with fewer stocks with an alpha (and a weight) has a null mean
    min_breakpoint_stocks a factor-period(-group) with fewer breakpoint stocks has no portfolios
    holding_periods       K: each period's portfolio return is the mean over the portfolios formed in
                          the last K periods (Jegadeesh-Titman); 1 is a one-period hold
    cost_bps              trading cost in basis points of the value traded, or the word column for
                          the stock's own cost (panel.cost_column); with K > 1, of the overlapping
                          portfolios' trades (factor_turnover.holding_trading_cost_pct)
#}
{% macro portfolio_scheme_defaults() -%}
    {{- return({
        'name': none, 'breakpoints': 'all', 'weights': 'equal', 'size_universe': 'nyse',
        'size_percentile': 20, 'cap_percentile': 80, 'min_price': none, 'exclude_microcaps': false,
        'min_stocks_per_leg': 1, 'min_breakpoint_stocks': 1, 'holding_periods': 1, 'cost_bps': 0,
    }) -}}
{%- endmacro %}

{#- The stock-level columns this build's input can give: market equity (the Kaggle files' Market Cap,
    a panel's market_equity_column), exchange, price, cost (keys of the dbt var panel; their
    panel_defaults are null, and reading only the var keeps panel_defaults out of the sorts' settings). -#}
{% macro portfolio_scheme_input_columns() -%}
    {%- if input_source() == 'kaggle' -%}
        {{- return(['market_equity']) -}}
    {%- endif -%}
    {%- set panel = var('panel') or {} -%}
    {%- set given = [] -%}
    {%- for column in ['market_equity', 'exchange', 'price', 'cost']
          if input_source() == 'panel' and panel.get(column ~ '_column') is not none -%}
        {%- do given.append(column) -%}
    {%- endfor -%}
    {{- return(given) -}}
{%- endmacro %}

{#- Raises, naming the panel key to set, when a scheme needs a stock-level column this input does
    not give; called where the schemes meet the stocks (int_factor_sorts__scheme_values). -#}
{% macro portfolio_schemes_input_check() -%}
    {%- set available = portfolio_scheme_input_columns() -%}
    {%- for scheme in portfolio_schemes() -%}
        {%- for column, needed in scheme.needs.items() if needed and column not in available -%}
            {{ exceptions.raise_compiler_error("dbt var portfolio_schemes, scheme '" ~ scheme.name ~ "' needs the stocks' "
                ~ column | replace('_', ' ') ~ ", which this input does not give: set the dbt var panel."
                ~ column ~ "_column to the panel's column"
                ~ (", or use size_universe: all" if column == 'exchange' and scheme.breakpoints != 'nyse' else "")) }}
        {%- endfor -%}
    {%- endfor -%}
{%- endmacro %}

{#- The schemes of the var, validated, every key filled. -#}
{% macro portfolio_schemes() -%}
    {%- set advice = " (see README \"Building portfolios as the papers do\"; e.g. --vars "
        ~ "'{portfolio_schemes: [{name: vw_nyse, breakpoints: nyse, weights: value}]}')" -%}
    {%- set schemes = [] -%}
    {%- for scheme in named_settings(var('portfolio_schemes'), 'portfolio_schemes', 'scheme', portfolio_scheme_defaults(), advice,
                                   required=true) -%}
        {%- set name = scheme['name'] -%}
        {%- set where = "dbt var portfolio_schemes, scheme '" ~ name ~ "'" -%}
        {%- for key, choices in {'breakpoints': ['all', 'nyse', 'non_microcap'], 'weights': ['equal', 'value', 'capped_value'],
                                 'size_universe': ['nyse', 'all'], 'exclude_microcaps': [true, false]}.items() -%}
            {%- if scheme[key] not in choices -%}
                {{ exceptions.raise_compiler_error(where ~ ": " ~ key ~ " must be one of " ~ choices | join(', ')
                    ~ "; got '" ~ scheme[key] ~ "'") }}
            {%- endif -%}
        {%- endfor -%}
        {%- for key, lowest, highest in [('size_percentile', 0, 100), ('cap_percentile', 0, 100), ('min_price', 0, none),
                                         ('min_stocks_per_leg', 1, none), ('min_breakpoint_stocks', 1, none),
                                         ('holding_periods', 1, none), ('cost_bps', 0, none)] -%}
            {%- set value = scheme[key] -%}
            {%- set whole = key in ['min_stocks_per_leg', 'min_breakpoint_stocks', 'holding_periods'] -%}
            {%- if value is none and key == 'min_price' or key == 'cost_bps' and value == 'column' -%}
            {%- elif value is not number or value is sameas true or value is sameas false or value < lowest
                  or (highest is not none and value > highest) or (whole and value != value | int) -%}
                {{ exceptions.raise_compiler_error(where ~ ": " ~ key ~ " must be a" ~ (" whole" if whole else "")
                    ~ " number >= " ~ lowest ~ (" and <= " ~ highest if highest is not none else "")
                    ~ (" or the word column" if key == 'cost_bps' else "") ~ "; got '" ~ value ~ "'") }}
            {%- endif -%}
        {%- endfor -%}
        {%- set sized = scheme['breakpoints'] == 'non_microcap' or scheme['exclude_microcaps']
            or scheme['weights'] == 'capped_value' -%}
        {%- set needs = {
            'market_equity': sized or scheme['weights'] == 'value',
            'exchange': scheme['breakpoints'] == 'nyse' or (sized and scheme['size_universe'] == 'nyse'),
            'price': scheme['min_price'] is not none,
            'cost': scheme['cost_bps'] == 'column',
        } -%}
        {%- do scheme.update({'needs': needs, 'needs_stocks': sized or scheme['weights'] != 'equal'
            or scheme['breakpoints'] != 'all' or scheme['min_price'] is not none or scheme['cost_bps'] == 'column'}) -%}
        {%- do schemes.append(scheme) -%}
    {%- endfor -%}
    {{- return(schemes) -}}
{%- endmacro %}

{#- SQL: the schemes as a relation, one row per scheme: scheme (the name), scheme_index (its place in
    the var, 1 the primary) and every key as a column. -#}
{% macro portfolio_schemes_relation() -%}
    select * from (values
    {%- for scheme in portfolio_schemes() %}
        ('{{ scheme.name }}', {{ loop.index }}, '{{ scheme.breakpoints }}', '{{ scheme.weights }}',
            '{{ scheme.size_universe }}', {{ scheme.size_percentile }}, {{ scheme.cap_percentile }},
            cast({{ 'null' if scheme.min_price is none else scheme.min_price }} as double), {{ scheme.exclude_microcaps }},
            {{ scheme.min_stocks_per_leg }}, {{ scheme.min_breakpoint_stocks }}, {{ scheme.holding_periods }},
            cast({{ 'null' if scheme.cost_bps == 'column' else scheme.cost_bps }} as double), {{ scheme.cost_bps == 'column' }},
            {{ scheme.needs_stocks }}){{ ',' if not loop.last }}
    {%- endfor %}
    ) as schemes (scheme, scheme_index, breakpoints, weights, size_universe, size_percentile, cap_percentile,
        min_price, exclude_microcaps, min_stocks_per_leg, min_breakpoint_stocks, holding_periods, cost_bps,
        cost_from_column, needs_stocks)
{%- endmacro %}

{#- The longest holding period K of the schemes: a period's portfolio return reads the portfolios
    formed K - 1 periods before it (period_lookback of the tables that hold them). -#}
{% macro portfolio_schemes_holding_reach() -%}
    {{- return(portfolio_schemes() | map(attribute='holding_periods') | map('int') | max - 1) -}}
{%- endmacro %}

{#- Whether any scheme needs the stocks' own columns (int_factor_sorts__scheme_stocks); when none
    does, every stock is in every scheme's sample and breakpoints with weight 1. -#}
{% macro portfolio_schemes_need_stocks() -%}
    {{- return(portfolio_schemes() | selectattr('needs_stocks') | list | length > 0) -}}
{%- endmacro %}

{#- SQL aggregate: a portfolio's mean of `value` under the scheme's weights (column `weights`, grouped
    on): avg for equal weights (exactly the equal-weighted mean), else the `weight`-weighted mean over
    the stocks with both; null when there are none. -#}
{% macro portfolio_weighted_mean(value, weight='weight', weights='weights') -%}
    case
        when {{ weights }} = 'equal' then avg({{ value }})
        else sum({{ value }} * {{ weight }}) / sum(case when {{ value }} is not null then {{ weight }} end)
    end
{%- endmacro %}

{#
  The double sorts (dbt var double_sorts): a list of named 2-way sorts of every factor with a
  control, each a mapping whose keys default as double_sort_defaults says; [] (the default) builds
  none. Keys:
    name            [a-z0-9_]+, unique
    control         size (market equity at the period) or a factor's exact name
    control_groups  groups of the control (2: small and big, as Fama-French)
    factor_groups   groups of the factor within them (3, as Fama-French's 2 x 3)
    method          dependent (the factor's breakpoints within each control group, conditional) or
                    independent (the factor's breakpoints over all stocks)
#}
{% macro double_sort_defaults() -%}
    {{- return({'name': none, 'control': 'size', 'control_groups': 2, 'factor_groups': 3, 'method': 'dependent'}) -}}
{%- endmacro %}

{% macro double_sorts() -%}
    {%- set sorts = [] -%}
    {%- for sort in named_settings(var('double_sorts'), 'double_sorts', 'sort', double_sort_defaults()) -%}
        {%- set where = "dbt var double_sorts, sort " ~ loop.index -%}
        {%- for key in ['control_groups', 'factor_groups'] -%}
            {%- if sort[key] is not number or sort[key] is sameas true or sort[key] < 2 or sort[key] != sort[key] | int -%}
                {{ exceptions.raise_compiler_error(where ~ ": " ~ key ~ " must be a whole number >= 2; got '" ~ sort[key] ~ "'") }}
            {%- endif -%}
        {%- endfor -%}
        {%- if sort['method'] not in ['dependent', 'independent'] -%}
            {{ exceptions.raise_compiler_error(where ~ ": method must be dependent or independent; got '" ~ sort['method'] ~ "'") }}
        {%- endif -%}
        {%- if sort['control'] == 'size' and 'market_equity' not in portfolio_scheme_input_columns() -%}
            {{ exceptions.raise_compiler_error(where ~ " controls for size, which needs the stocks' market equity: "
                ~ "set the dbt var panel.market_equity_column to the panel's column, or name a factor as control") }}
        {%- endif -%}
        {%- do sort.update({'control': sort['control'] | string}) -%}
        {%- do sorts.append(sort) -%}
    {%- endfor -%}
    {{- return(sorts) -}}
{%- endmacro %}

{#- The value `raw` of the list var `var_name` of named settings (portfolio_schemes, double_sorts): each
    item a mapping of the keys of `defaults`, its name [a-z0-9_]+ and unique (returned as text), every
    key filled from `defaults`; `required`: the list may not be empty. Errors name the var, the item
    (`item` and its place) and the keys; `advice` ends them. The caller reads the var by its literal
    name, so model_settings sees which var a model reads. -#}
{% macro named_settings(raw, var_name, item, defaults, advice='', required=false) -%}
    {%- set raw = fromyaml(raw) if raw is string else raw -%}
    {%- if raw is not iterable or raw is string or raw is mapping or (required and raw | length == 0) -%}
        {{ exceptions.raise_compiler_error("dbt var " ~ var_name ~ " must be a " ~ ("non-empty " if required else "")
            ~ "list of mappings with a name; got '" ~ raw ~ "'" ~ advice) }}
    {%- endif -%}
    {%- set items = [] -%}
    {%- set names = [] -%}
    {%- for given in raw -%}
        {%- set where = "dbt var " ~ var_name ~ ", " ~ item ~ " " ~ loop.index -%}
        {%- if given is not mapping -%}
            {{ exceptions.raise_compiler_error(where ~ ": a " ~ item ~ " is a mapping with a name; got '" ~ given ~ "'" ~ advice) }}
        {%- endif -%}
        {%- set unknown = given.keys() | reject('in', defaults.keys()) | list -%}
        {%- if unknown -%}
            {{ exceptions.raise_compiler_error(where ~ ": unknown key(s) " ~ unknown | join(', ') ~ "; the keys are "
                ~ defaults.keys() | join(', ') ~ " (macros/factor_sorts_settings.sql)") }}
        {%- endif -%}
        {%- set filled = {} -%}
        {%- do filled.update(defaults) -%}
        {%- do filled.update(given) -%}
        {%- set name = filled['name'] | string -%}
        {%- if filled['name'] is none or not modules.re.fullmatch('[a-z0-9_]+', name) or name in names -%}
            {{ exceptions.raise_compiler_error(where ~ ": name must be lowercase letters, digits and _ and unique; got '"
                ~ filled['name'] ~ "'" ~ advice) }}
        {%- endif -%}
        {%- do filled.update({'name': name}) -%}
        {%- do names.append(name) -%}
        {%- do items.append(filled) -%}
    {%- endfor -%}
    {{- return(items) -}}
{%- endmacro %}

{#- The constant list of quantile levels 0/n, 1/n, ..., n/n. -#}
{% macro quantile_levels(count) -%}
    {%- set levels = [] -%}
    {%- for k in range(count + 1) -%}
        {%- do levels.append(k / count) -%}
    {%- endfor -%}
    {{- array_literal(levels) -}}
{%- endmacro %}
