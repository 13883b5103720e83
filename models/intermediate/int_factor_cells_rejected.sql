-- The rejected values of int_factor_cells_flagged with their provenance (file, line, column,
-- names, text) and the reason, for quarantined_inputs and data_loss.
{{ config(materialized='period_table') }}
with flagged as (

    select * from {{ ref('int_factor_cells_flagged') }}
    where rejection_reason is not null
        and {{ input_period_filter('period', 'source_period', 'int_input_period_digests') }}

)

select * from flagged
