-- The input's stock-periods, accepted or not.
-- Role rows of the staging contract: the active source's stg_<source>__rows (macro
-- input_model), with exactly the contract's columns. Models above staging read this view.
select
    source_file,
    line_number,
    stock_id,
    period,
    period_text,
    period_label,
    frequency,
    fiscal_year,
    sector,
    sector_rejection_reason,
    return_column,
    return_text,
    return_pct,
    distinct_return_count,
    class_text,
    class_value,
    market_equity_column,
    market_equity_text,
    market_equity,
    price_column,
    price_text,
    price,
    cost_column,
    cost_text,
    cost_pct,
    exchange,
    is_nyse
from {{ input_model('rows') }}
