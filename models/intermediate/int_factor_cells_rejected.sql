-- The rejected values of int_factor_cells_flagged with their provenance (file, line, column,
-- names, text) and the reason, for quarantined_inputs and data_loss.
{{ config(materialized='table') }}
with flagged as (

    select * from {{ ref('int_factor_cells_flagged') }}
    where rejection_reason is not null

)

select * from flagged
