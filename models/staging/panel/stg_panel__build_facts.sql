{{ config(enabled=input_source() == 'panel') }}
-- The panel's row of the build_facts contract: its path and the words its messages use.
select
    'panel' as data_source,
    cast(null as {{ dbt.type_string() }}) as kaggle_dir,
    {{ panel_literal(panel_setting('path')) }} as panel_path,
    'stock id' as stock_word,
    'period' as period_word,
    {{ panel_literal(panel_setting('benchmark_path') or '') }} || ' (dbt var panel.benchmark_path): add a line for it,'
        as missing_benchmark_advice
