"""The report's shared questions to the warehouse: which tables exist, which periods and
years of periods, how a figure steps through them, which factors are strongest or most
non-linear, which factors are twins of others (table factor_duplicates) and so left out of
the figures, and why a factor is absent."""

from dataclasses import dataclass

# A figure that draws one point per period draws one per year of periods (the mean over the
# year's periods) when there are more periods than this: a monthly panel has hundreds.
PERIODS_DRAWN_ONE_BY_ONE = 12

# The period labels of the warehouse, as a CTE body for queries on tables that hold only `period`.
PERIOD_LABELS_SQL = "select period, any_value(period_label) as period_label from stock_periods group by period"

# The primary portfolio scheme (the first of the dbt var portfolio_schemes), whose portfolios and
# long-short returns the figures draw and factor_summary summarizes, as a scalar subquery.
PRIMARY_SCHEME_SQL = "(select primary_scheme from int_factor_evaluation__settings)"

# The intermediate models the report reads (every other table it reads is a mart or a research table).
REPORT_INTERMEDIATES = ("int_factor_evaluation__settings",)


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


def period_labels(connection):
    """The labels of the warehouse's periods ('2018', or '2018-01' for monthly data), in period order."""
    return [row[0] for row in connection.execute(f"select period_label from ({PERIOD_LABELS_SQL}) order by period").fetchall()]


def period_years(connection):
    """The years of the warehouse's periods, in order (for yearly data, its fiscal years)."""
    return [row[0] for row in connection.execute("select distinct year(period) from stock_periods order by 1").fetchall()]


def count_and_list(values):
    """'3 (2014, 2015, 2016)', or for more than PERIODS_DRAWN_ONE_BY_ONE values '60 (2014-01 to 2018-12)'."""
    if len(values) > PERIODS_DRAWN_ONE_BY_ONE:
        return f"{len(values)} ({values[0]} to {values[-1]})"
    return f"{len(values)} ({', '.join(map(str, values))})"


@dataclass(frozen=True)
class TimeAxis:
    """How a figure over periods steps through time: one point per period, or, when the table
    has more than PERIODS_DRAWN_ONE_BY_ONE periods, one point per year of periods holding the
    mean over that year's periods (for yearly data the two are the same)."""

    n_periods: int

    @property
    def per_year(self):
        return self.n_periods > PERIODS_DRAWN_ONE_BY_ONE

    @property
    def key_sql(self):
        """SQL of a point's label, on a table with `period` joined to PERIOD_LABELS_SQL as period_labels."""
        return "cast(year(period) as varchar)" if self.per_year else "period_labels.period_label"

    @property
    def title(self):
        return "year of periods (mean over its periods)" if self.per_year else "period"

    def note(self, subject):
        """What the figure's note says when periods are averaged per year, else None."""
        if not self.per_year:
            return None
        return (f"{subject}: the warehouse has {self.n_periods} periods, more than the "
                f"{PERIODS_DRAWN_ONE_BY_ONE} drawn one by one, so each point is the mean over the periods of one year")


def time_axis(connection, table):
    """The TimeAxis of a figure drawn from `table` (a table with a `period` column)."""
    return TimeAxis(connection.execute(f"select count(distinct period) from {table}").fetchone()[0])


def absent_factor_reason(connection, factor, table):
    """Why `factor` has no row in `table`: not an input column at all, or too few values."""
    in_input = connection.execute("select count(*) from factors where factor = ?", [factor]).fetchone()[0] > 0
    if not in_input:
        return f"factor '{factor}': the input files have no '{factor}' column (it is not in the factors table)"
    return (
        f"factor '{factor}': no row in {table}, it has too few values to compute one "
        "(see factor_coverage and quarantined_inputs)"
    )


def strongest_factors(connection):
    """Every factor with a spread by |t| of the high-minus-low spread, strongest first. Where no
    t exists (a single period), by |mean spread| among factors present for at least half of
    the stocks, as a spread over a handful of stocks is noise."""
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
            """
        ).fetchall()
    ]


def nonlinear_candidates(connection):
    """Factors by pooled MIC minus |mean rank IC|, largest first (none without factor_mic)."""
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
            """
        ).fetchall()
    ]


@dataclass(frozen=True)
class Twin:
    """A row of factor_duplicates: `factor` repeats `representative` (identical values, or
    percentile ranks correlated above 0.99), so figures draw the representative only."""

    factor: str
    representative: str
    reason: str

    def describe(self, left_out):
        """Why `left_out`, one member of the pair, is not drawn."""
        other = self.representative if left_out == self.factor else self.factor
        return f"'{left_out}' (duplicate of '{other}': {self.reason})"


@dataclass(frozen=True)
class Twins:
    """The warehouse's pairs of duplicate factors, and how a figure picks factors without them."""

    pairs: tuple

    def partners(self, factor):
        """The pairs `factor` is in, as either member."""
        return [pair for pair in self.pairs if factor in (pair.factor, pair.representative)]

    def choose(self, ranked, count, drawn=()):
        """(chosen, left_out): the first `count` factors of `ranked` not in `drawn`, leaving out
        each twin of a representative and each factor paired with one already drawn or chosen;
        left_out holds (factor, the pair that put it out) for each factor skipped."""
        chosen, left_out = [], []
        for factor in ranked:
            if len(chosen) == count:
                break
            if factor in drawn or factor in chosen:
                continue
            # the twin of a pair, or the representative of one whose twin is already drawn
            reasons = [pair for pair in self.partners(factor) if pair.factor in (factor, *drawn, *chosen)]
            if reasons:
                left_out.append((factor, reasons[0]))
            else:
                chosen.append(factor)
        return chosen, left_out

    def without_twins(self, factors):
        """(kept, left_out): `factors` without those that are the twin of a representative;
        left_out as in `choose`."""
        twin_of = {pair.factor: pair for pair in self.pairs}
        return [factor for factor in factors if factor not in twin_of], [
            (factor, twin_of[factor]) for factor in factors if factor in twin_of]


def factor_twins(connection):
    """The Twins of table factor_duplicates (none when the table is not in the warehouse)."""
    if missing_tables_reason(connection, "factor_duplicates"):
        return Twins(())
    rows = connection.execute(
        "select factor, representative, reason from factor_duplicates order by factor, representative").fetchall()
    return Twins(tuple(Twin(*row) for row in rows))


def twins_note(left_out):
    """The note of a figure that left twins out, or None when it left none out."""
    if not left_out:
        return None
    unique = list(dict.fromkeys(left_out))
    return "duplicates left out (table factor_duplicates): " + "; ".join(pair.describe(factor) for factor, pair in unique)
