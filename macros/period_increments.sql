{#
  Incremental by period: a table whose rows each belong to one period (its `period` column) is
  rebuilt only for the periods whose input changed. Contract: the model is materialized as
  period_table (or factor_batched_table, macros/factor_batches.sql) and puts
  period_filter('period') in the where clause of each import CTE that reads per-period rows; it
  follows the digests of int_period_digests (the input's content and the user factors), or with
  period_filter('period', 'int_input_period_digests') those of the input with its file and line
  numbers, for a table read from the input's rows (stock_periods, the accepted and rejected
  cells). Config period_lookback / period_lookahead: how many periods before / after its own (by
  periods.period_index) a period's rows read (factor_turnover 1, factor_ic its longest horizon -
  1); 0 by default. Config across_periods=true: a table of statistics across periods (its rows
  need no period column), whose every row may read every period: built in full when any period
  changed, left as it is when none did (and so is every incremental model above it).
  Table period_build_state holds, per model and period, the settings hash and the digest its rows
  were built from, and when (built_at: the start of that dbt command). The settings hash covers
  the code of the model and of every model and seed under it (with the project macros they call)
  and the values of the dbt vars they read, except where the input lies (kaggle_dir, panel.path:
  the digests cover what is read there). The table is built in full when it or its state is
  missing, on --full-refresh, when the settings hash differs, or when every period changed;
  otherwise the changed periods (digest changed, period added or removed), widened by the reach of
  the model and of every incremental model under it, are deleted and inserted again, computed
  from their periods plus the reach (period_filter). Nothing changed: nothing runs. The state is
  updated in the same transaction as the rows.
#}

{#- the predicate on `column` of this render: the periods an increment reads, `true` otherwise.
    `digests` names the digests model the table follows; the ref makes dbt build it first (not
    in a unit test, whose inputs are its fixtures) -#}
{% macro period_filter(column, digests='int_period_digests') -%}
    {%- if model.resource_type != 'unit_test' -%}
        {%- do ref(digests) -%}
    {%- endif -%}
    {%- if 'period_reads' in model -%}
        {{ period_list_test(column, model.period_reads) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- period_filter for rows read straight from the input files: the periods, and bounds on the input
    values' source_period (`source_column`), so that the scan skips the files' blocks of other
    periods (macro input_source_period_test) -#}
{% macro input_period_filter(column, source_column, digests='int_period_digests') -%}
    {{ period_filter(column, digests) }}
    {%- if 'period_reads' in model %} and {{ input_source_period_test(source_column, model.period_reads) }}{% endif -%}
{%- endmacro %}

{#- `column` is one of `periods` (texts 'yyyy-mm-dd', none for the null period) -#}
{% macro period_list_test(column, periods) -%}
    {%- set dates = periods | reject('none') | list -%}
    {%- set tests = [] -%}
    {%- if dates -%}
        {%- set literals = [] -%}
        {%- for period in dates -%}
            {%- do literals.append("date '" ~ period ~ "'") -%}
        {%- endfor -%}
        {%- do tests.append(column ~ ' in (' ~ literals | join(', ') ~ ')') -%}
    {%- endif -%}
    {%- if none in periods -%}
        {%- do tests.append(column ~ ' is null') -%}
    {%- endif -%}
    {{- '(' ~ (tests | join(' or ') if tests else 'false') ~ ')' -}}
{%- endmacro %}

{#- the model's rendered SQL for an increment: its rows of the target periods only -#}
{% macro period_targets_only(sql) -%}
    {%- if 'period_targets' not in model -%}
        {{ return(sql) }}
    {%- endif -%}
    {{ return('select * from (\n' ~ sql ~ '\n) as period_increment\nwhere '
        ~ period_list_test('period', model.period_targets)) }}
{%- endmacro %}

{#- the input's rows of a group (a period) as their count (named `count_name`) and two
    order-independent sums of 64-bit row hashes: content_sum without the columns `location` (where a
    row sits), provenance_sum with them -#}
{% macro period_hash_sums(location, count_name='n_rows') -%}
    count(*) as {{ count_name }},
    {{ row_hash_sum(location) }} as content_sum,
    {{ row_hash_sum() }} as provenance_sum
{%- endmacro %}

{#- The value_digests role of the staging contract from a source's values model `values_relation`:
    per period and file, n_values and the two sums of period_hash_sums over its values (where a
    value sits: file, line, column number). A source reading wide rows can do it cheaper without
    unpivoting them (models/staging/panel/stg_panel__value_digests.sql). -#}
{% macro value_digests_of(values_relation) -%}
with cell_values as (

    select source_file, line_number, stock_id, period, column_number, factor, cell_text, value
    from {{ values_relation }}

),

final as (

    select
        period,
        source_file,
        {{ period_hash_sums(['source_file', 'line_number', 'column_number'], 'n_values') }}
    from cell_values
    group by period, source_file

)

select * from final
{%- endmacro %}

{#- the model and the models and seeds under it, as graph nodes -#}
{% macro period_upstream_nodes() -%}
    {%- set found = [] -%}
    {%- set seen = [] -%}
    {%- set frontier = [model.unique_id] -%}
    {%- for depth in range(100) if frontier -%}
        {%- set current = frontier[:] -%}
        {%- do frontier.clear() -%}
        {%- for node_id in current if node_id not in seen and node_id in graph.nodes -%}
            {%- do seen.append(node_id) -%}
            {%- do found.append(graph.nodes[node_id]) -%}
            {%- do frontier.extend(graph.nodes[node_id].depends_on.nodes) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{#- md5 of what a model's rows depend on besides its input's periods: the code and settings of the
    model and of everything under it -#}
{% macro period_settings_hash() -%}
    {%- set parts = [] -%}
    {%- set memo = {} -%}
    {%- for node in period_upstream_nodes() -%}
        {%- if node.resource_type == 'seed' -%}
            {%- do parts.append(node.unique_id ~ ' ' ~ node.checksum.checksum) -%}
        {%- elif node.resource_type == 'model' -%}
            {%- set settings = model_settings_read(node, memo) -%}
            {%- do settings.pop('kaggle_dir', none) -%}
            {%- if 'panel' in settings and var('panel') is mapping -%}
                {%- set panel = dict(var('panel')) -%}
                {%- do panel.pop('path', none) -%}
                {%- do settings.update({'panel': tojson(panel, sort_keys=true)}) -%}
            {%- endif -%}
            {%- do parts.append(node.unique_id ~ ' ' ~ local_md5(model_settings_texts(node, memo) | join('\n'))
                ~ ' ' ~ tojson(settings, sort_keys=true) ~ ' ' ~ tojson(period_reach(node))) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(parts | sort | join('\n'))) }}
{%- endmacro %}

{#- [lookback, lookahead] of a model node's own period reach; across_periods: more periods than any
    warehouse holds, every period -#}
{% macro period_reach(node) -%}
    {%- if node.config.get('across_periods') -%}
        {{ return([10 ** 9, 10 ** 9]) }}
    {%- endif -%}
    {{ return([node.config.get('period_lookback') or 0, node.config.get('period_lookahead') or 0] | map('int') | list) }}
{%- endmacro %}

{#- [lookback, lookahead] summed over the model and every incremental model under it: how far a
    changed period reaches into this model's periods -#}
{% macro period_total_reach() -%}
    {%- set total = [0, 0] -%}
    {%- for node in period_upstream_nodes()
          if node.resource_type == 'model' and node.config.materialized in ['period_table', 'factor_batched_table'] -%}
        {%- set reach = period_reach(node) -%}
        {%- do total.extend([total.pop(0) + reach[0], total.pop(0) + reach[1]]) -%}
    {%- endfor -%}
    {{ return(total) }}
{%- endmacro %}

{% macro period_state_relation() -%}
    {{ return(api.Relation.create(schema=target.schema, identifier='period_build_state', type='table')) }}
{%- endmacro %}

{#- How to build the model: {'mode': 'full' | 'increment' | 'unchanged', 'settings_hash': ...,
    'digests': the digests relation, and for an increment 'targets' (periods to compute), 'reads'
    (periods they read), 'deletes' (targets and removed periods), 'share' (reads over all periods)} -#}
{% macro period_increment_plan(existing_relation) -%}
    {%- set digests_names = [] -%}
    {%- for name in ['int_input_period_digests', 'int_period_digests']
          if 'model.' ~ project_name ~ '.' ~ name in model.depends_on.nodes -%}
        {%- do digests_names.append(name) -%}
    {%- endfor -%}
    {%- if digests_names | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "model " ~ model.name ~ " is incremental by period but follows " ~ (digests_names | join(' and ') or 'no digests')
            ~ ": put {{ period_filter('period') }} (or period_filter('period', 'int_input_period_digests') for a table "
            ~ "carrying the input's file and line) in the where clause of each import CTE that reads per-period rows ("
            ~ model.original_file_path ~ ")") }}
    {%- endif -%}
    {%- set digests_name = digests_names[0] -%}
    {%- set plan = {'mode': 'full', 'settings_hash': period_settings_hash(),
                    'digests': this.incorporate(path={'identifier': digests_name})} -%}
    {%- set state = period_state_relation() -%}
    {%- if existing_relation is none or existing_relation.type != 'table' or should_full_refresh() -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set lookback, lookahead = period_total_reach() -%}
    {%- set rows = run_query(
        "with current_periods as (select period, period_index, digest from " ~ plan.digests ~ "),"
        ~ " previous as (select period, period_index, digest, settings_hash from " ~ state
        ~ " where model = '" ~ model.name ~ "'),"
        ~ " changed as (select coalesce(current_periods.period, previous.period) as period,"
        ~ " coalesce(current_periods.period_index, previous.period_index) as period_index"
        ~ " from current_periods full join previous on current_periods.period is not distinct from previous.period"
        ~ " where current_periods.digest is distinct from previous.digest),"
        ~ " targets as (select period, period_index from current_periods where exists (select 1 from changed"
        ~ " where (current_periods.period is null and changed.period is null) or current_periods.period_index"
        ~ " between changed.period_index - " ~ lookahead ~ " and changed.period_index + " ~ lookback ~ ")),"
        ~ " reads as (select period from current_periods where exists (select 1 from targets"
        ~ " where (current_periods.period is null and targets.period is null) or current_periods.period_index"
        ~ " between targets.period_index - " ~ lookback ~ " and targets.period_index + " ~ lookahead ~ "))"
        ~ " select 'state' as kind, cast(count(*) filter (where settings_hash <> '" ~ plan.settings_hash ~ "') as varchar),"
        ~ " cast(count(*) as varchar) from previous"
        ~ " union all select 'periods', cast(count(*) as varchar), null from current_periods"
        ~ " union all select 'target', cast(period as varchar), null from targets"
        ~ " union all select 'read', cast(period as varchar), null from reads"
        ~ " union all select 'delete', cast(period as varchar), null from (select period from targets union select period from changed)") -%}
    {%- set found = {'target': [], 'read': [], 'delete': []} -%}
    {%- for kind, value, count in rows.rows -%}
        {%- if kind == 'state' -%}
            {%- set stale, recorded = value | int, count | int -%}
            {%- if stale > 0 or recorded == 0 -%}
                {{ return(plan) }}
            {%- endif -%}
        {%- elif kind == 'periods' -%}
            {%- do found.update({'periods': value | int}) -%}
        {%- else -%}
            {%- do found[kind].append(value) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if found.target | length == found.periods and found.periods > 0 -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- if not found.delete -%}
        {%- do plan.update({'mode': 'unchanged'}) -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- do plan.update({'mode': 'increment', 'targets': found.target, 'reads': found.read, 'deletes': found.delete,
                        'periods': found.periods, 'share': found.read | length / [found.periods, 1] | max}) -%}
    {{ return(plan) }}
{%- endmacro %}

{#- Set up the model's renders for an increment (period_filter, period_targets_only) and check the
    model has a period_filter -#}
{% macro period_increment_begin(plan) -%}
    {%- do model.update({'period_reads': plan.reads}) -%}
    {%- if render(model.raw_code) == compiled_code -%}
        {{ exceptions.raise_compiler_error(
            "model " ~ model.name ~ " is incremental by period but its SQL has no period_filter(...): put "
            ~ "{{ period_filter('period') }} in the where clause of each import CTE that reads per-period rows ("
            ~ model.original_file_path ~ ")") }}
    {%- endif -%}
    {%- do model.update({'period_targets': plan.targets}) -%}
{%- endmacro %}

{#- delete the increment's periods from the table -#}
{% macro period_increment_delete(plan, relation) -%}
    delete from {{ relation }} where {{ period_list_test('period', plan.deletes) }}
{%- endmacro %}

{#- record the digests the model's periods were built from: every period after a full build, the
    increment's otherwise (a removed period leaves the state) -#}
{% macro period_state_update(plan) -%}
    {%- set state = period_state_relation() -%}
    {%- set full = plan.mode == 'full' -%}
    delete from {{ state }} where model = '{{ model.name }}'
        and {{ 'true' if full else period_list_test('period', plan.get('deletes', [])) }};
    insert into {{ state }}
    select '{{ model.name }}', '{{ plan.settings_hash }}', period, period_index, digest,
        timestamp '{{ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') }}'
    from {{ plan.digests }}
    where {{ 'true' if full else period_list_test('period', plan.get('targets', [])) }}
{%- endmacro %}

{#- a line saying which periods the build computed -#}
{% macro period_increment_log(plan) -%}
    {%- if plan.mode == 'increment' -%}
        {% do log(model.name ~ ': rebuilt ' ~ plan.targets | length ~ ' of ' ~ plan.periods ~ ' periods, '
            ~ (plan.deletes | length - plan.targets | length) ~ ' removed', info=True) %}
    {%- elif plan.mode == 'unchanged' -%}
        {% do log(model.name ~ ': no period changed', info=True) %}
    {%- endif -%}
{%- endmacro %}

{#- the statement building the model's rows, of factor batch `batch` of `batches` ([none]: one pass) -#}
{% macro period_build_sql(factor_batched, batch, batches) -%}
    {%- if factor_batched -%}
        {{ return(factor_batch_sql(batch, batches)) }}
    {%- endif -%}
    {{ return(period_targets_only(render(model.raw_code) if 'period_reads' in model else compiled_code)) }}
{%- endmacro %}

{#- the body of both materializations: built in full, or an increment, or left as it is -#}
{% macro period_materialization(factor_batched) -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set plan = period_increment_plan(existing_relation) -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if plan.mode == 'full' -%}
        {%- set batches = factor_batches() if factor_batched else [none] -%}
        {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
        {%- set backup_relation = make_backup_relation(target_relation, 'table' if existing_relation is none else existing_relation.type) -%}
        {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
        {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}
        {%- set started = modules.datetime.datetime.now() -%}
        {%- call statement('main') -%}
            {{ create_table_as(False, intermediate_relation, period_build_sql(factor_batched, 0, batches)) }}
        {%- endcall -%}
        {%- do factor_batch_log(0, batches, started) -%}
        {%- for batch in range(1, batches | length) -%}
            {%- set started = modules.datetime.datetime.now() -%}
            {%- call statement('factor_batch_' ~ batch) -%}
                insert into {{ intermediate_relation }}
                {{ period_build_sql(factor_batched, batch, batches) }}
            {%- endcall -%}
            {%- do factor_batch_log(batch, batches, started) -%}
        {%- endfor -%}
        {%- if existing_relation is not none -%}
            {{ adapter.rename_relation(existing_relation, backup_relation) }}
        {%- endif -%}
        {{ adapter.rename_relation(intermediate_relation, target_relation) }}
        {{ drop_relation_if_exists(backup_relation) }}
    {%- elif plan.mode == 'increment' -%}
        {%- do period_increment_begin(plan) -%}
        {%- set batches = factor_batches(plan.share) if factor_batched else [none] -%}
        {%- call statement('period_delete') -%}
            {{ period_increment_delete(plan, target_relation) }}
        {%- endcall -%}
        {%- for batch in range(batches | length) -%}
            {%- set started = modules.datetime.datetime.now() -%}
            {%- call statement('main' if batch == 0 else 'factor_batch_' ~ batch) -%}
                insert into {{ target_relation }} by name
                {{ period_build_sql(factor_batched, batch, batches) }}
            {%- endcall -%}
            {%- do factor_batch_log(batch, batches, started) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if plan.mode != 'unchanged' and batches | length > 1 -%}
        {%- do log(model.name ~ ': built in ' ~ batches | length ~ ' factor batches', info=True) -%}
    {%- endif -%}
    {%- call statement('main' if plan.mode == 'unchanged' else 'period_state') -%}
        {{ period_state_update(plan) }}
    {%- endcall -%}
    {{ period_increment_log(plan) }}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do persist_docs(target_relation, model) -%}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{%- endmacro %}
