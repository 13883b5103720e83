-- The input's non-missing characteristic values.
-- Role values of the staging contract: the active source's stg_<source>__values (macro
-- input_model), with exactly the contract's columns. Models above staging read this view.
select
    source_file,
    line_number,
    stock_id,
    period,
    source_period,
    column_number,
    factor,
    cell_text,
    value
from {{ input_model('values') }}
