-- Every file the input read or ignored.
-- Role files of the staging contract: the active source's stg_<source>__files (macro
-- input_model), with exactly the contract's columns. Models above staging read this view.
select
    source_file,
    status,
    reason,
    missing_markers,
    trimmed_headers
from {{ input_model('files') }}
