{{ config(enabled=input_source() == 'kaggle') }}
-- The Kaggle files' values in the value_digests contract every source fills
-- (models/staging/_staging__docs.md), from their values (macro value_digests_of).
{{ value_digests_of(ref('stg_kaggle__values')) }}
