{{ config(enabled=input_source() == 'toy') }}
{{ value_digests_of(ref('stg_toy__values')) }}
