-- Every file the input read or ignored: the files of the staging contract, from the active input source's
-- stg_<source>__files (macro input_model). Models above staging read this view.
select
    source_file,
    status,
    reason,
    missing_markers,
    trimmed_headers
from {{ input_model('files') }}
