"""The design matrix of the alpha models: one row per stock-period, one column per factor.

Cells are the factor's within-period percentile rank (`factor_values.pct_rank`). Factor
names stay DataFrame column labels (never SQL identifiers), so case pairs such as
'niperEBT' / 'nIperEBT' remain two columns. Missing ranks stay NaN here; they are
filled by `fill_with_training_means` with the mean over the rows being fitted only.

A period is a date (the month end, or December 31 of the fiscal year for yearly data).
Cross-validation folds, walk-forward refits and MIC scopes group periods by their year
(`period_years`); for yearly data that is the fiscal year.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

STOCK_PERIOD_KEY = ["stock_id", "period"]
# factor_values.pct_rank is a ratio of whole numbers (macros/pct_rank.sql): every build computes the
# same bits, so the result cache digests it exactly (execution/result_cache.py, LazyInput.exact)
EXACT_COLUMNS = ("pct_rank",)
# period_years in SQL: the year of a period, the group of refits, folds and MIC scopes
PERIOD_YEAR_SQL = "year(period)"


def period_years(periods):
    """The calendar year of each period (dates, datetimes or ISO text) as an int64 array."""
    return pd.to_datetime(pd.Series(periods)).dt.year.to_numpy(dtype="int64")


def as_date_column(periods):
    """Periods as a pandas column of Arrow date32, which DuckDB (and so a dbt Python model's
    table) stores as DATE, the type of `period` in every warehouse table."""
    return pd.to_datetime(pd.Series(periods)).astype(pd.ArrowDtype(pa.date32())).reset_index(drop=True)


@dataclass(frozen=True)
class Design:
    """Stock-periods with a known alpha, their factor ranks (NaN = missing) and targets."""

    keys: pd.DataFrame  # stock_id, period; row i of every other member belongs to keys row i
    ranks: pd.DataFrame  # float, columns = factor names, NaN where the factor is missing
    alpha: np.ndarray  # percentage points
    alpha_rank: np.ndarray  # within-period percentile rank of alpha, in (0, 1]

    @property
    def period_years(self):
        """The year of each row's period: the group of refits and cross-validation folds."""
        return period_years(self.keys["period"])

    def subset(self, mask):
        """The rows where the boolean array `mask` is true, in the same order."""
        mask = np.asarray(mask, dtype=bool)
        return Design(
            keys=self.keys[mask].reset_index(drop=True),
            ranks=self.ranks[mask].reset_index(drop=True),
            alpha=self.alpha[mask],
            alpha_rank=self.alpha_rank[mask],
        )


def build_design(factor_ranks, targets):
    """Pivot the long factor ranks onto the stock-periods of `targets`.

    factor_ranks: columns stock_id, period, factor, pct_rank (one row per key).
    targets: columns stock_id, period, alpha, alpha_rank; rows with a null alpha are
    dropped (they cannot be fitted or scored). Rows come out sorted by period, stock_id;
    columns sorted by factor name, so results do not depend on input order.
    """
    missing = {"stock_id", "period", "factor", "pct_rank"} - set(factor_ranks.columns)
    if missing:
        raise ValueError(f"factor ranks lack columns {sorted(missing)}; pass factor_values' stock_id, period, factor, pct_rank")
    targets = targets[targets["alpha"].notna()]
    if targets.empty:
        raise ValueError(
            "no stock-period has a known alpha (stock_periods.alpha is null everywhere): the alpha models have"
            " nothing to fit; check the return column of the input (for the Kaggle files '{YEAR+1} PRICE VAR [%]')"
        )
    keys = (
        targets[STOCK_PERIOD_KEY + ["alpha", "alpha_rank"]]
        .sort_values(["period", "stock_id"])
        .reset_index(drop=True)
    )
    wide = factor_ranks.pivot(index=STOCK_PERIOD_KEY, columns="factor", values="pct_rank")
    wide = wide.reindex(columns=sorted(wide.columns))
    index = pd.MultiIndex.from_frame(keys[STOCK_PERIOD_KEY])
    ranks = wide.reindex(index).reset_index(drop=True).astype("float64")
    ranks.columns = pd.Index(list(ranks.columns), dtype=object, name=None)
    return Design(
        keys=keys[STOCK_PERIOD_KEY].copy(),
        ranks=ranks,
        alpha=keys["alpha"].to_numpy(dtype="float64"),
        alpha_rank=keys["alpha_rank"].to_numpy(dtype="float64"),
    )


@dataclass(frozen=True)
class Filler:
    """Column means of the training rows; columns never seen in training are dropped."""

    columns: list
    means: np.ndarray

    @classmethod
    def fit(cls, ranks):
        means = ranks.mean(axis=0)  # NaN-skipping, as pandas fillna(df.mean()) in the article
        observed = means.notna().to_numpy()
        return cls(columns=list(ranks.columns[observed]), means=means.to_numpy()[observed])

    def transform(self, ranks):
        values = ranks[self.columns].to_numpy(dtype="float64", copy=True)
        missing = np.isnan(values)
        values[missing] = np.take(self.means, np.nonzero(missing)[1])
        return values


def fill_with_training_means(training_ranks, *other_ranks):
    """Fill NaN ranks with the training rows' column means (the article's fillna(mean)).

    Returns (columns, training_matrix, *other_matrices) as float ndarrays over `columns`,
    the factors observed at least once in training.
    """
    filler = Filler.fit(training_ranks)
    return (filler.columns, filler.transform(training_ranks), *(filler.transform(r) for r in other_ranks))


def target_relation(stock_periods):
    """Stock-periods with a known alpha (DuckDB relation; the filter runs in DuckDB)."""
    return stock_periods.filter("alpha is not null").project("stock_id, period, alpha, alpha_rank")


def design_relations(design_ranks, stock_periods):
    """The rows the design needs, as DuckDB relations (ranks, targets): the warehouse's
    `int_research__design_ranks` (the ranks of stock-periods with a known alpha, joined in SQL) and the
    stock-periods of `stock_periods` with a known alpha, read by `design_of_relations` (so the
    result cache can digest them where they are)."""
    return design_ranks.project("stock_id, period, factor, pct_rank"), target_relation(stock_periods)


def design_of_relations(ranks, targets):
    """build_design over the two relations of design_relations; the pivot (factor names as
    labels) runs in pandas."""
    return build_design(ranks.df(), targets.df())


def load_design(design_ranks, stock_periods):
    """The design of the warehouse's `int_research__design_ranks` and `stock_periods` relations, loaded now."""
    return design_of_relations(*design_relations(design_ranks, stock_periods))


def ordered_pairs(ranks, targets):
    """The rank-alpha pairs: factor, period, stock_id, pct_rank, alpha for every stock-period where
    both exist, joined in DuckDB from the relations of design_relations, as a pandas DataFrame
    ordered by factor, period, stock_id. No filling: the input of the single-factor regressions
    and of MIC."""
    pairs = ranks.join(targets, "stock_id, period").project("factor, period, stock_id, pct_rank, alpha")
    return pairs.order("factor, period, stock_id").df()
