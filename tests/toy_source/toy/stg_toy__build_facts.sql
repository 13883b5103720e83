{{ config(enabled=input_source() == 'toy') }}
select
    'toy long CSV' as data_source,
    cast(null as varchar) as kaggle_dir,
    cast(null as varchar) as panel_path,
    'symbol' as stock_word,
    'month' as period_word,
    'the toy input, which has no benchmark series:' as missing_benchmark_advice
