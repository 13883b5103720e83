"""The run-facts table: each fact is the single value of its own SQL query on the
warehouse (or says why it is not recorded), so the report's numbers can be checked."""

from dataclasses import dataclass

import duckdb

from factor_warehouse.report.queries import missing_tables_reason


@dataclass(frozen=True)
class Fact:
    """One line of the run-facts table and the query it comes from."""

    key: str
    label: str
    value: str
    sql: str


def scalar_fact(connection, key, label, sql, tables):
    """A fact whose value is the single value `sql` returns; says so when a table is missing."""
    reason = missing_tables_reason(connection, *tables)
    if reason:
        return Fact(key, label, f"not recorded ({reason})", sql)
    try:
        value = connection.execute(sql).fetchone()[0]
    except duckdb.Error as error:
        return Fact(key, label, f"not recorded (its query failed: {type(error).__name__}: {error})", sql)
    return Fact(key, label, format_value(value), sql)


def format_value(value):
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def run_facts(connection, build_seconds):
    """The run-facts table: every value but the build time is the result of its SQL."""
    facts = [
        scalar_fact(connection, "data_source", "Data source",
                    "select data_source || coalesce(' in ' || kaggle_dir, '') from build_facts",
                    ["build_facts"]),
        scalar_fact(connection, "source_files", "Input files",
                    "select string_agg(distinct source_file, ', ' order by source_file) from stock_years",
                    ["stock_years"]),
        scalar_fact(connection, "fiscal_years", "Fiscal years",
                    "select string_agg(distinct cast(fiscal_year as varchar), ', ' order by cast(fiscal_year as varchar)) "
                    "from stock_years",
                    ["stock_years"]),
        scalar_fact(connection, "stock_years_loaded", "Stock-years loaded",
                    "select count(*) from stock_years", ["stock_years"]),
        scalar_fact(connection, "stock_years_with_alpha", "Stock-years with an alpha",
                    "select count(alpha) from stock_years", ["stock_years"]),
        scalar_fact(connection, "factors", "Factors", "select count(*) from factors", ["factors"]),
        scalar_fact(connection, "factor_values_loaded", "Factor values loaded",
                    "select count(*) from factor_values", ["factor_values"]),
        scalar_fact(connection, "rows_quarantined", "Input rows quarantined",
                    "select count(*) from quarantined_inputs where rejected = 'row'", ["quarantined_inputs"]),
        scalar_fact(connection, "values_quarantined", "Input values quarantined",
                    "select count(*) from quarantined_inputs where rejected = 'value'", ["quarantined_inputs"]),
        scalar_fact(connection, "data_loss", "Data loss by fiscal year",
                    "select string_agg(fiscal_year || ': ' || loss_summary, '; ' order by fiscal_year) from data_loss",
                    ["data_loss"]),
        scalar_fact(connection, "alpha_method", "Alpha method",
                    "select string_agg(distinct alpha_method, ', ' order by alpha_method) from stock_years",
                    ["stock_years"]),
        scalar_fact(connection, "portfolio_count", "Portfolios per sort (J)",
                    "select string_agg(distinct cast(portfolio_count as varchar), ', ') from factor_summary",
                    ["factor_summary"]),
        scalar_fact(connection, "sort_grouping", "Sort grouping",
                    "select string_agg(distinct grouping, ', ' order by grouping) from factor_summary",
                    ["factor_summary"]),
        scalar_fact(connection, "mic_estimator", "MIC estimator",
                    "select string_agg(distinct estimator || ' (alpha=' || alpha_param || ', c=' || c_param || ')', ', ') "
                    "from factor_mic",
                    ["factor_mic"]),
        scalar_fact(connection, "top_k", "Top-k factors (f_regression)",
                    "select count(*) filter (where is_top_k) from factor_f_scores", ["factor_f_scores"]),
    ]
    build_time = "not recorded" if build_seconds is None else f"{build_seconds:.1f} s"
    facts.append(Fact("build_time", "Build time", build_time, "passed in by the build runner"))
    return facts
