-- One row: where the input comes from and the words its messages use.
-- Role build_facts of the staging contract: the active source's stg_<source>__build_facts (macro
-- input_model), with exactly the contract's columns. Models above staging read this view.
select
    data_source,
    kaggle_dir,
    panel_path,
    stock_word,
    period_word,
    missing_benchmark_advice
from {{ input_model('build_facts') }}
