{#
  The rows of table model_settings (macros/model_settings.sql) after a dbt command: each model of
  `built` (in the order they finished) replaced, the models no longer in the project removed.
  DuckDB: statements run by the on-run-end hook (the built models' rows deleted at once, then each
  model's own rows in one insert and its inherited rows in another). Spark (Parquet tables have no
  delete): the rows are computed here and the table rewritten.
#}
{% macro duckdb__model_settings_write(relation, built, project_models, built_at) -%}
    create table if not exists {{ relation }} (
        model varchar not null,
        var varchar not null,
        value varchar not null,
        read_directly boolean not null,
        built_at timestamp not null
    );
    delete from {{ relation }}
    where model not in ({{ model_settings_literals(project_models) }})
        or model in ({{ model_settings_literals(built | map(attribute='name') | list) }});
    {#- results come in the order the models finished, so a model's parents are recorded before it -#}
    {%- set memo = {} %}
    {%- for node in built %}
    {%- set own = model_settings_read(node, memo) %}
    {%- if own %}
    insert into {{ relation }} values
    {%- for name, value in own | dictsort %}
        ({{ model_settings_literals([node.name, name, value]) }}, true, timestamp '{{ built_at }}'){{ ';' if loop.last else ',' }}
    {%- endfor %}
    {%- endif %}
    {%- set upstream = model_settings_upstream(node) %}
    {%- set inherited = [] %}
    {%- if upstream['tables'] %}
        {%- do inherited.append('model in (' ~ model_settings_literals(upstream['tables']) ~ ')') %}
    {%- endif %}
    {%- if upstream['views'] %}
        {%- do inherited.append('(read_directly and model in (' ~ model_settings_literals(upstream['views']) ~ '))') %}
    {%- endif %}
    {%- if inherited %}
    insert into {{ relation }}
    select distinct {{ model_settings_literals([node.name]) }}, var, value, false, timestamp '{{ built_at }}'
    from {{ relation }}
    where ({{ inherited | join(' or ') }})
        {%- if own %}
        and var not in ({{ model_settings_literals(own.keys() | list) }})
        {%- endif %};
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{% macro spark__model_settings_write(relation, built, project_models, built_at) -%}
    {%- do run_query('create table if not exists ' ~ relation ~ ' (model string not null, var string not null,'
        ~ ' value string not null, read_directly boolean not null, built_at timestamp not null) using parquet') -%}
    {%- set rows = [] -%}
    {%- for row in run_query("select model, var, value, read_directly, date_format(built_at, 'yyyy-MM-dd HH:mm:ss') from "
          ~ relation).rows if row[0] in project_models -%}
        {%- do rows.append(row | list) -%}
    {%- endfor -%}
    {#- results come in the order the models finished, so a model's parents are recorded before it -#}
    {%- set memo = {} -%}
    {%- for node in built -%}
        {%- set own = model_settings_read(node, memo) -%}
        {%- set upstream = model_settings_upstream(node) -%}
        {%- set others = rows | rejectattr(0, 'equalto', node.name) | list -%}
        {%- do rows.clear() -%}
        {%- do rows.extend(others) -%}
        {%- for name, value in own | dictsort -%}
            {%- do rows.append([node.name, name, value, true, built_at]) -%}
        {%- endfor -%}
        {%- set inherited = [] -%}
        {%- for model, name, value, read_directly, row_built_at in others
              if (model in upstream['tables'] or (read_directly and model in upstream['views'])) and name not in own -%}
            {%- if [name, value] not in inherited -%}
                {%- do inherited.append([name, value]) -%}
                {%- do rows.append([node.name, name, value, false, built_at]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set next_relation = relation.incorporate(path={'identifier': relation.identifier ~ '__next'}) -%}
    {%- do run_query('drop table if exists ' ~ next_relation) -%}
    {%- do run_query('create table ' ~ next_relation ~ ' using parquet as select * from ' ~ relation ~ ' where false') -%}
    {%- if rows -%}
        {%- set values = [] -%}
        {%- for model, name, value, read_directly, row_built_at in rows -%}
            {%- do values.append('(' ~ model_settings_literals([model, name, value]) ~ ', ' ~ read_directly
                ~ ", timestamp '" ~ row_built_at ~ "')") -%}
        {%- endfor -%}
        {%- do run_query('insert into ' ~ next_relation ~ ' values ' ~ values | join(', ')) -%}
    {%- endif -%}
    {%- do run_query('drop table ' ~ relation) -%}
    {%- do run_query('alter table ' ~ next_relation ~ ' rename to ' ~ relation) -%}
{%- endmacro %}
