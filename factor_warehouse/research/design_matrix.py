"""The design matrix of the alpha models: one row per stock-year, one column per factor.

Cells are the factor's within-year percentile rank (`factor_values.pct_rank`). Factor
names stay DataFrame column labels (never SQL identifiers), so case pairs such as
'niperEBT' / 'nIperEBT' remain two columns. Missing ranks stay NaN here; they are
filled by `fill_with_training_means` with the mean over the rows being fitted only.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

STOCK_YEAR_KEY = ["ticker", "fiscal_year"]


@dataclass(frozen=True)
class Design:
    """Stock-years with a known alpha, their factor ranks (NaN = missing) and targets."""

    keys: pd.DataFrame  # ticker, fiscal_year; row i of every other member belongs to keys row i
    ranks: pd.DataFrame  # float, columns = factor names, NaN where the factor is missing
    alpha: np.ndarray  # percentage points
    alpha_rank: np.ndarray  # within-year percentile rank of alpha, in (0, 1]

    @property
    def fiscal_years(self):
        return self.keys["fiscal_year"].to_numpy()

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
    """Pivot the long factor ranks onto the stock-years of `targets`.

    factor_ranks: columns ticker, fiscal_year, factor, pct_rank (one row per key).
    targets: columns ticker, fiscal_year, alpha, alpha_rank; rows with a null alpha are
    dropped (they cannot be fitted or scored). Rows come out sorted by fiscal_year,
    ticker; columns sorted by factor name, so results do not depend on input order.
    """
    missing = {"ticker", "fiscal_year", "factor", "pct_rank"} - set(factor_ranks.columns)
    if missing:
        raise ValueError(f"factor ranks lack columns {sorted(missing)}; pass factor_values' ticker, fiscal_year, factor, pct_rank")
    targets = targets[targets["alpha"].notna()]
    if targets.empty:
        raise ValueError(
            "no stock-year has a known alpha (stock_years.alpha is null everywhere): the alpha models have"
            " nothing to fit; check the '{YEAR+1} PRICE VAR [%]' column of the input files"
        )
    keys = (
        targets[STOCK_YEAR_KEY + ["alpha", "alpha_rank"]]
        .sort_values(["fiscal_year", "ticker"])
        .reset_index(drop=True)
    )
    wide = factor_ranks.pivot(index=STOCK_YEAR_KEY, columns="factor", values="pct_rank")
    wide = wide.reindex(columns=sorted(wide.columns))
    index = pd.MultiIndex.from_frame(keys[STOCK_YEAR_KEY])
    ranks = wide.reindex(index).reset_index(drop=True).astype("float64")
    ranks.columns = pd.Index(list(ranks.columns), dtype=object, name=None)
    return Design(
        keys=keys[STOCK_YEAR_KEY].copy(),
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


def target_relation(stock_years):
    """Stock-years with a known alpha (DuckDB relation; the filter runs in DuckDB)."""
    return stock_years.filter("alpha is not null").project("ticker, fiscal_year, alpha, alpha_rank")


def load_design(factor_values, stock_years):
    """The design of the warehouse's `factor_values` and `stock_years` relations: the rows
    needed are selected in DuckDB; the pivot (factor names as labels) runs in pandas."""
    targets = target_relation(stock_years)
    ranks = (
        factor_values.filter("pct_rank is not null")
        .project("ticker, fiscal_year, factor, pct_rank")
        .join(targets.project("ticker, fiscal_year"), "ticker, fiscal_year", how="semi")
    )
    return build_design(ranks.df(), targets.df())


def load_rank_alpha_pairs(factor_values, stock_years):
    """factor, fiscal_year, ticker, pct_rank, alpha for every stock-year where both exist,
    joined and ordered by (factor, fiscal_year, ticker) in DuckDB. No filling: the input
    of the single-factor regressions and of MIC."""
    pairs = factor_values.filter("pct_rank is not null").project("ticker, fiscal_year, factor, pct_rank")
    return (
        pairs.join(target_relation(stock_years), "ticker, fiscal_year")
        .project("factor, fiscal_year, ticker, pct_rank, alpha")
        .order("factor, fiscal_year, ticker")
        .df()
    )
