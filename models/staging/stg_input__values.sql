-- The input's non-missing characteristic values: the values of the staging contract, from the active input source's
-- stg_<source>__values (macro input_model). Models above staging read this view.
select
    source_file,
    line_number,
    stock_id,
    period,
    column_number,
    factor,
    cell_text,
    value
from {{ input_model('values') }}
