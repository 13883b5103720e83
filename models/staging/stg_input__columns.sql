-- The characteristics the input declares, in each period.
-- Role columns of the staging contract: the active source's stg_<source>__columns (macro
-- input_model), with exactly the contract's columns. Models above staging read this view.
select
    period,
    column_number,
    column_name,
    column_role
from {{ input_model('columns') }}
