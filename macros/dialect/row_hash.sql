{#- 64-bit hashes for the period digests (macros/period_increments.sql): values_hash(expressions)
    of a few values; row_hash_sum(exclude) an aggregate, the sum of every row's hash of all its
    columns but `exclude` (names), as a wide integer. DuckDB: hash, summed as hugeint; Spark:
    xxhash64, summed as decimal(38, 0). -#}
{% macro values_hash(expressions) -%}
    {{ return(adapter.dispatch('values_hash')(expressions)) }}
{%- endmacro %}

{% macro duckdb__values_hash(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}

{% macro spark__values_hash(expressions) -%}
    xxhash64({{ expressions | join(', ') }})
{%- endmacro %}

{% macro row_hash_sum(exclude=[]) -%}
    {{ return(adapter.dispatch('row_hash_sum')(exclude)) }}
{%- endmacro %}

{% macro duckdb__row_hash_sum(exclude) -%}
    sum(cast(hash(*columns(*{{ ' exclude (' ~ exclude | join(', ') ~ ')' if exclude }})) as hugeint))
{%- endmacro %}

{% macro spark__row_hash_sum(exclude) -%}
    sum(cast(xxhash64(*{{ ' except (' ~ exclude | join(', ') ~ ')' if exclude }}) as decimal(38, 0)))
{%- endmacro %}
