-- The input's values, summed per period and file for the period digests.
-- Role value_digests of the staging contract: the active source's stg_<source>__value_digests
-- (macro input_model), with exactly the contract's columns. Models above staging read this view.
select
    period,
    source_file,
    n_values,
    content_sum,
    provenance_sum
from {{ input_model('value_digests') }}
