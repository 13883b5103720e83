-- One row: where the input comes from and the words its messages use: the build_facts of the staging contract, from the active input source's
-- stg_<source>__build_facts (macro input_model). Models above staging read this view.
select
    data_source,
    kaggle_dir,
    panel_path,
    stock_word,
    period_word,
    missing_benchmark_advice
from {{ input_model('build_facts') }}
