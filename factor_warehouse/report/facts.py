"""The run-facts table: each fact is the single value of its own SQL query on the
warehouse (or says why it is not recorded), so the report's numbers can be checked; and the
settings the tables disagree on (table model_settings), which the report warns about."""

from dataclasses import dataclass

import duckdb

from factor_warehouse.report.queries import PERIODS_DRAWN_ONE_BY_ONE, missing_tables_reason

# Every period's label, or with more than PERIODS_DRAWN_ONE_BY_ONE periods their count and range.
PERIODS_SQL = f"""
select case
    when count(distinct period) <= {PERIODS_DRAWN_ONE_BY_ONE}
        then string_agg(distinct period_label, ', ' order by period_label)
    else count(distinct period) || ' periods, ' || min(period_label) || ' to ' || max(period_label)
end
from stock_periods"""

# The data loss of every period (its data_loss.loss_summary), or with more than
# PERIODS_DRAWN_ONE_BY_ONE periods the loss of every year of periods, summed in the same words.
DATA_LOSS_SQL = f"""
with by_year as (
    select
        coalesce(cast(year(period) as varchar), 'unreadable period') as year_label,
        min(period) as first_period,
        sum(input_rows) as input_rows,
        sum(quarantined_rows) as quarantined_rows,
        sum(input_values) as input_values,
        sum(quarantined_values) as quarantined_values,
        sum(rows_without_return) as rows_without_return
    from data_loss
    group by year_label
)
select case
    when (select count(*) from data_loss) <= {PERIODS_DRAWN_ONE_BY_ONE}
        then (select string_agg(coalesce(period_label, 'unreadable period') || ': ' || loss_summary, '; '
                                order by period nulls last, source_file) from data_loss)
    else string_agg(
        year_label || ': ' || quarantined_rows || ' of ' || input_rows || ' rows ('
        || printf('%.1f', 100 * quarantined_rows / input_rows) || '%) and '
        || quarantined_values || ' of ' || input_values || ' values ('
        || printf('%.1f', 100 * coalesce(quarantined_values / nullif(input_values, 0), 0)) || '%) quarantined, '
        || rows_without_return || ' rows kept without a return',
        '; ' order by first_period nulls last)
end
from by_year"""


# The values of every var that tables of the warehouse were built with more than one value of, each
# with its tables (model_settings: one row per model, var and value, written by dbt's on-run-end
# hook, macros/model_settings.sql), the value held by the most tables first.
SETTING_DISAGREEMENTS_SQL = """
select var, value, list(distinct model order by model) as models
from model_settings
where var in (select var from model_settings group by var having count(distinct value) > 1)
group by var, value
order by var, count(distinct model) desc, value"""


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
                    "select data_source || coalesce(' in ' || coalesce(kaggle_dir, panel_path), '') from build_facts",
                    ["build_facts"]),
        scalar_fact(connection, "source_files", "Input files",
                    "select string_agg(distinct source_file, ', ' order by source_file) from stock_periods",
                    ["stock_periods"]),
        scalar_fact(connection, "periods", "Periods", PERIODS_SQL, ["stock_periods"]),
        scalar_fact(connection, "stock_periods_loaded", "Stock-periods loaded",
                    "select count(*) from stock_periods", ["stock_periods"]),
        scalar_fact(connection, "stock_periods_with_alpha", "Stock-periods with an alpha",
                    "select count(alpha) from stock_periods", ["stock_periods"]),
        scalar_fact(connection, "factors", "Factors", "select count(*) from factors", ["factors"]),
        scalar_fact(connection, "factor_values_loaded", "Factor values loaded",
                    "select count(*) from factor_values", ["factor_values"]),
        scalar_fact(connection, "rows_quarantined", "Input rows quarantined",
                    "select count(*) from quarantined_inputs where rejected = 'row'", ["quarantined_inputs"]),
        scalar_fact(connection, "values_quarantined", "Input values quarantined",
                    "select count(*) from quarantined_inputs where rejected = 'value'", ["quarantined_inputs"]),
        scalar_fact(connection, "data_loss", "Data loss by period", DATA_LOSS_SQL, ["data_loss"]),
        scalar_fact(connection, "alpha_method", "Alpha method",
                    "select string_agg(distinct alpha_method, ', ' order by alpha_method) from stock_periods",
                    ["stock_periods"]),
        scalar_fact(connection, "portfolio_count", "Portfolios per sort (J)",
                    "select string_agg(distinct cast(portfolio_count as varchar), ', ') from factor_summary",
                    ["factor_summary"]),
        scalar_fact(connection, "sort_grouping", "Sort grouping",
                    "select string_agg(distinct grouping, ', ' order by grouping) from factor_summary",
                    ["factor_summary"]),
        scalar_fact(connection, "mic_estimator", "MIC estimator",
                    "select string_agg(distinct estimator || ' (alpha=' || alpha_param || ', c=' || c_param || ', engine ' "
                    "|| engine || ')', ', ') "
                    "from factor_mic",
                    ["factor_mic"]),
        scalar_fact(connection, "top_k", "Top-k factors (f_regression)",
                    "select count(*) filter (where is_top_k) from factor_f_scores", ["factor_f_scores"]),
    ]
    build_time = "not recorded" if build_seconds is None else f"{build_seconds:.1f} s"
    facts.append(Fact("build_time", "Build time", build_time, "passed in by the build runner"))
    return facts


@dataclass(frozen=True)
class SettingDisagreement:
    """A var that tables of the warehouse were built with different values of: `values` holds
    (value as JSON text, the tables built with it) pairs, the value of the most tables first."""

    var: str
    values: tuple

    @property
    def message(self):
        built = "; ".join(f"{value} ({', '.join(models)})" for value, models in self.values)
        return (f"Tables of this warehouse were built with different values of {self.var}: {built}. Numbers from "
                "tables built with different values do not go together: rebuild them all with one value (`make build`, "
                "with the value in VARS unless it is the default); table model_settings says which settings built "
                "each table.")


def setting_disagreements(connection):
    """Every var the warehouse's tables were built with different values of (none when the
    warehouse has no model_settings table)."""
    if missing_tables_reason(connection, "model_settings"):
        return []
    disagreements = {}
    for var, value, models in connection.execute(SETTING_DISAGREEMENTS_SQL).fetchall():
        disagreements.setdefault(var, []).append((value, tuple(models)))
    return [SettingDisagreement(var, tuple(values)) for var, values in disagreements.items()]
