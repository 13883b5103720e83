-- The characteristics the input declares, in each period: the columns of the staging contract, from the active input source's
-- stg_<source>__columns (macro input_model). Models above staging read this view.
select
    period,
    column_number,
    column_name,
    column_role
from {{ input_model('columns') }}
