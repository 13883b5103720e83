"""The report's shared questions to the warehouse: which tables exist, which fiscal years,
which factors are strongest or most non-linear, and why a factor is absent."""


def table_exists(connection, table):
    return connection.execute(
        "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?", [table]
    ).fetchone()[0] > 0


def missing_tables_reason(connection, *tables):
    """None when every table exists, else a sentence naming the missing ones."""
    missing = [table for table in tables if not table_exists(connection, table)]
    if not missing:
        return None
    subject = f"table {missing[0]} is" if len(missing) == 1 else f"tables {', '.join(missing)} are"
    return f"{subject} not in the warehouse: run `make build` (dbt build) to create it"


def fiscal_years(connection):
    return [row[0] for row in connection.execute("select distinct fiscal_year from stock_years order by 1").fetchall()]


def absent_factor_reason(connection, factor, table):
    """Why `factor` has no row in `table`: not an input column at all, or too few values."""
    in_input = connection.execute("select count(*) from factors where factor = ?", [factor]).fetchone()[0] > 0
    if not in_input:
        return f"factor '{factor}': the input files have no '{factor}' column (it is not in the factors table)"
    return (
        f"factor '{factor}': no row in {table}, it has too few values to compute one "
        "(see factor_coverage and quarantined_inputs)"
    )


def strongest_factors(connection, count):
    """Factors by |t| of the high-minus-low spread, strongest first. Where no t exists (a
    single fiscal year), by |mean spread| among factors present for at least half of the
    stocks, as a spread over a handful of stocks is noise."""
    return [
        row[0]
        for row in connection.execute(
            """
            select factor
            from factor_summary
            where mean_spread is not null
            order by
                spread_t_statistic is null,
                abs(spread_t_statistic) desc,
                average_coverage >= 0.5 desc,
                abs(mean_spread) desc,
                factor
            limit ?
            """,
            [count],
        ).fetchall()
    ]


def nonlinear_candidates(connection, count):
    """Factors by pooled MIC minus |mean rank IC|, largest first (needs factor_mic)."""
    if missing_tables_reason(connection, "factor_mic", "factor_summary"):
        return []
    return [
        row[0]
        for row in connection.execute(
            """
            select factor_mic.factor
            from factor_mic
            inner join factor_summary on factor_mic.factor = factor_summary.factor
            where factor_mic.scope = 'pooled' and factor_summary.mean_rank_ic is not null
            order by factor_mic.mic - abs(factor_summary.mean_rank_ic) desc, factor_mic.factor
            limit ?
            """,
            [count],
        ).fetchall()
    ]
