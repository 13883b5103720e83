"""Pure functions behind the factor-research warehouse (dbt + DuckDB)."""
