"""A deterministic monthly stock panel at research scale, with planted effects on the next month's
return: the demo and benchmark input of the warehouse's panel reader, shaped like Jensen-Kelly-Pedersen's
Global Factor Data (one row per stock and month end: `id`, `eom`, `ret_exc_lead1m`, a sector, then the
characteristics). How it is made (listing, AR(1) scores, missing spells, returns) and the planted truth:
docs/panel_demo.md. The panel is generated month after month from one random stream, so no value depends
on how months are grouped into chunks; the same arguments give byte-identical files.

    write_panel(path, shape="wide", file_format="parquet", n_stocks=..., n_months=..., ...)
    generate_panel(n_stocks, n_months, n_characteristics, seed)   # PanelChunk after PanelChunk
    characteristic_catalogue(n_characteristics), panel_truth(n_characteristics)   # the planted truth
    python -m factor_warehouse.cli.panel_demo PATH [--stocks N] [--months M] [--characteristics K]
"""

import gzip
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

# --- sizes and layout ---------------------------------------------------------------------------

FULL_SCALE_STOCKS = 4000           # mean stocks listed per month (3,360 to 4,366 at 1,000 months)
FULL_SCALE_MONTHS = 1000           # 1926-01 .. 2009-04 from the default start
FULL_SCALE_CHARACTERISTICS = 150   # 4,000,000 stock-months x 150 = 600 million values
DEFAULT_START = "1926-01"          # the first month (CRSP's and JKP's US data start in 1926)
FIRST_ID = 10001                   # ids are consecutive integers in order of listing
KEY_COLUMNS = ("id", "eom", "ret_exc_lead1m", "sector")  # then the characteristics (wide) or characteristic, value (long)
SHAPES = ("wide", "long")
FILE_FORMATS = ("parquet", "csv", "csv.gz")
# Rows per Parquet row group (one per chunk of whole months): DuckDB's own row-group size for
# wide files; pyarrow's default maximum for long ones.
WIDE_ROWS_PER_CHUNK = 122_880
LONG_ROWS_PER_CHUNK = 1_048_576
GZIP_LEVEL = 6
METADATA_KEY = b"factor_warehouse.panel_demo"

# --- listing -----------------------------------------------------------------------------------

EXIT_HAZARD = 0.01   # monthly probability that a listed stock leaves: mean listing about 8 years
ALIVE_HUMP = 0.3     # listed count ~ 1 + ALIVE_HUMP * sin(pi * (t + 1/2) / n_months), rescaled
SECTORS = ("Energy", "Materials", "Industrials", "Consumer Discretionary", "Consumer Staples",
           "Health Care", "Financials", "Information Technology", "Communication Services",
           "Utilities", "Real Estate")
SECTOR_SHARES = (0.05, 0.06, 0.15, 0.12, 0.05, 0.14, 0.15, 0.15, 0.05, 0.03, 0.05)
MISSING_SECTOR_SHARE = 0.02  # stocks whose sector is never reported (null in every month)

# --- returns -----------------------------------------------------------------------------------

MARKET_MEAN = 0.006               # monthly market excess return: mean 0.6%
MARKET_SD = 0.045                 # and sd 4.5%, Student t tails
MARKET_T_DEGREES_OF_FREEDOM = 5
IDIOSYNCRATIC_LOG_SD_CALM = 0.09  # idiosyncratic log-return sd in an ordinary month
IDIOSYNCRATIC_LOG_SD_NEWS = 0.30  # ... and in a news month
NEWS_SHARE = 0.10                 # idiosyncratic return sd overall: 12.9%


@dataclass(frozen=True)
class Characteristic:
    """One characteristic's generating process.

    marginal: how the latent score s ~ N(0, 1) becomes the reported value (all increasing in s):
      normal         location + scale * s
      lognormal      exp(location + scale * s)                       (heavy right tail, positive)
      return_like    exp(location + scale * s) - 1                   (above -1, right skew)
      zero_inflated  0 if s <= q else scale * (exp(s - q) - 1), q = the zero_share quantile of s
      heavy_tailed   location + scale * s * exp(tail_weight * s^2 / 2)   (Tukey's h: both tails)
    persistence: the monthly AR(1) coefficient rho of s.
    missing_share, missing_spell_months: the long-run share of stock-months with no value, and
    the mean length of a missing spell (a spell of reported values lasts
    missing_spell_months * (1 - missing_share) / missing_share months on average).
    """
    name: str
    marginal: str
    persistence: float
    missing_share: float
    missing_spell_months: float
    location: float = 0.0
    scale: float = 1.0
    zero_share: float = 0.0
    tail_weight: float = 0.0


@dataclass(frozen=True)
class PlantedEffect:
    """A planted effect of a characteristic's latent score s (at the month end) on the next
    month's return, in decimal:
      linear            slope * s
      u_shaped          slope * (s^2 - 1)            (mean 0; highest at both extremes)
      linear_in_sector  slope * s for stocks of `sector`, 0 for the others
    """
    characteristic: str
    shape: str
    slope: float
    sector: str | None = None
    story: str = ""


PLANTED_EFFECTS = (
    PlantedEffect("be_me", "linear", 0.0030, story="value: high book-to-market beats low"),
    PlantedEffect("ret_12_1", "linear", 0.0040, story="momentum: past winners beat past losers"),
    PlantedEffect("niq_su", "linear", 0.0050,
                  story="earnings surprise: the least persistent, so its power decays fastest with horizon"),
    PlantedEffect("sale_gr1", "u_shaped", 0.0040, story="sales growth: both extremes beat the middle"),
    PlantedEffect("gp_at", "linear_in_sector", 0.0120, sector="Health Care",
                  story="gross profitability: works in Health Care only"),
)
EFFECT_SHAPES = ("linear", "u_shaped", "linear_in_sector")
# A characteristic planted as a pure market loading: its latent score s sets the stock's loading on
# the market, 1 + slope * s, and nothing else (high-yield stocks have low betas). Its long-short
# earns the market's premium times its loading spread, so its CAPM alpha is 0. Present when the
# catalogue holds it (7 characteristics or more).
MARKET_LOADING = PlantedEffect("div12m_me", "market_loading", -0.5,
                               story="dividend yield: a lower market beta, no alpha")

PLANTED_CHARACTERISTICS = (
    Characteristic("be_me", "lognormal", persistence=0.99, missing_share=0.10, missing_spell_months=24,
                   location=math.log(0.6), scale=0.8),
    Characteristic("ret_12_1", "return_like", persistence=0.92, missing_share=0.05, missing_spell_months=12,
                   location=0.0, scale=0.45),
    Characteristic("niq_su", "heavy_tailed", persistence=0.85, missing_share=0.25, missing_spell_months=12,
                   scale=1.0, tail_weight=0.3),
    Characteristic("sale_gr1", "return_like", persistence=0.95, missing_share=0.15, missing_spell_months=24,
                   location=0.0, scale=0.3),
    Characteristic("gp_at", "normal", persistence=0.97, missing_share=0.20, missing_spell_months=36,
                   location=0.3, scale=0.25),
)
# Realistic names and margins: market equity in USD millions (spans orders of magnitude, never
# missing; noise), and a dividend yield that is exactly 0 for 40% of stocks (the pure market
# loading MARKET_LOADING: no alpha).
NAMED_NOISE_CHARACTERISTICS = (
    Characteristic("market_equity", "lognormal", persistence=0.995, missing_share=0.0, missing_spell_months=12,
                   location=math.log(500.0), scale=2.0),
    Characteristic("div12m_me", "zero_inflated", persistence=0.98, missing_share=0.05, missing_spell_months=12,
                   scale=0.02, zero_share=0.40),
)
MARGINALS = ("normal", "lognormal", "zero_inflated", "heavy_tailed", "return_like")
GENERIC_MARGINALS = MARGINALS  # the cycle of marginals of char_001, char_002, ...
# Generic noise characteristic j (0-based) takes its settings from low-discrepancy sequences
# frac(j * c), so they spread evenly over their ranges and do not move with n_characteristics.
GENERIC_PERSISTENCE_RANGE = (0.90, 0.99)
GENERIC_MISSING_SHARE_MAX = 0.60
GENERIC_MISSING_SPELL_RANGE = (6.0, 48.0)
GENERIC_ZERO_SHARE_RANGE = (0.10, 0.50)
# setting: (offset, step); missing_share has offset 0, so char_001 is never missing.
_SEQUENCES = {"persistence": (0.5, 0.6180339887498949), "missing_share": (0.0, 0.7548776662466927),
              "missing_spell": (0.5, 0.5698402909980532), "zero_share": (0.5, 0.4142135623730950)}


def _spread(j, setting, low, high):
    """low + (high - low) * frac(offset + j * step) for the setting's sequence."""
    offset, step = _SEQUENCES[setting]
    return low + (high - low) * ((offset + j * step) % 1.0)


def generic_characteristic(j):
    """The j-th (0-based) noise characteristic `char_{j+1:03d}`: its marginal cycles through
    GENERIC_MARGINALS; persistence, missing share (char_001 is never missing) and missing spell
    length spread evenly over their ranges."""
    marginal = GENERIC_MARGINALS[j % len(GENERIC_MARGINALS)]
    return Characteristic(
        name=f"char_{j + 1:03d}", marginal=marginal,
        persistence=round(_spread(j, "persistence", *GENERIC_PERSISTENCE_RANGE), 4),
        missing_share=round(_spread(j, "missing_share", 0.0, GENERIC_MISSING_SHARE_MAX), 4),
        missing_spell_months=round(_spread(j, "missing_spell", *GENERIC_MISSING_SPELL_RANGE), 1),
        scale=0.5 if marginal == "return_like" else 1.0,
        zero_share=round(_spread(j, "zero_share", *GENERIC_ZERO_SHARE_RANGE), 4) if marginal == "zero_inflated" else 0.0,
        tail_weight=0.25 if marginal == "heavy_tailed" else 0.0)


def characteristic_catalogue(n_characteristics=FULL_SCALE_CHARACTERISTICS):
    """The panel's characteristics in column order: the 5 planted ones, then market_equity and
    div12m_me, then char_001, char_002, ... (noise); the first n_characteristics of that list.
    At least the planted ones (5), since the returns depend on them."""
    if n_characteristics < len(PLANTED_CHARACTERISTICS):
        raise ValueError(f"n_characteristics={n_characteristics}: use at least {len(PLANTED_CHARACTERISTICS)}, "
                         "the planted characteristics the returns depend on")
    named = PLANTED_CHARACTERISTICS + NAMED_NOISE_CHARACTERISTICS
    generic = tuple(generic_characteristic(j) for j in range(max(0, n_characteristics - len(named))))
    return (named + generic)[:n_characteristics]


# --- the planted truth ------------------------------------------------------------------------

def planted_effect(scores, sector_codes):
    """The planted part of the next month's return, decimal: the sum of PLANTED_EFFECTS at the
    latent scores `scores` ({characteristic name: array of s}) of stocks whose sectors are
    `sector_codes` (index into SECTORS, -1 for none)."""
    total = np.zeros(len(sector_codes), dtype=np.float64)
    for effect in PLANTED_EFFECTS:
        score = np.asarray(scores[effect.characteristic], dtype=np.float64)
        if effect.shape == "linear":
            total += effect.slope * score
        elif effect.shape == "u_shaped":
            total += effect.slope * (score ** 2 - 1.0)
        elif effect.shape == "linear_in_sector":
            total += np.where(sector_codes == SECTORS.index(effect.sector), effect.slope * score, 0.0)
        else:
            raise ValueError(f"planted effect {effect.characteristic}: unknown shape {effect.shape!r}; use one of {EFFECT_SHAPES}")
    return total


def score_quintile_moments():
    """E[s | quintile] and E[s^2 | quintile] of s ~ N(0, 1), quintiles 1 (lowest) .. 5 (exact)."""
    normal = NormalDist()
    edges = [-math.inf, *(normal.inv_cdf(k / 5) for k in range(1, 5)), math.inf]

    def power_times_density(x, power):  # x^power * pdf(x), 0 at +-infinity
        return 0.0 if math.isinf(x) else (x ** power) * normal.pdf(x)

    means, squares = [], []
    for low, high in zip(edges[:-1], edges[1:]):
        means.append((power_times_density(low, 0) - power_times_density(high, 0)) / 0.2)
        squares.append(1.0 + (power_times_density(low, 1) - power_times_density(high, 1)) / 0.2)
    return np.array(means), np.array(squares)


def expected_quintile_effects(characteristic, horizon=1):
    """Expected planted return (decimal, per month) of the five quintiles of `characteristic`
    sorted at eom t, earned in month t + horizon (ret_exc_lead1m at eom t + horizon - 1), for
    stocks listed then; for a linear_in_sector effect, quintiles within that sector. Exact:
    E[s_(t+h-1) | s_t] = rho^(h-1) s_t and E[s_(t+h-1)^2 - 1 | s_t] = rho^(2(h-1)) (s_t^2 - 1).
    Sorting on the reported value is sorting on s (zero-inflated ties aside). Zeros for any
    characteristic without a planted effect."""
    effects = {effect.characteristic: effect for effect in PLANTED_EFFECTS}
    if characteristic not in effects:
        return np.zeros(5)
    effect = effects[characteristic]
    rho = next(item.persistence for item in PLANTED_CHARACTERISTICS if item.name == characteristic)
    means, squares = score_quintile_moments()
    if effect.shape == "u_shaped":
        return effect.slope * rho ** (2 * (horizon - 1)) * (squares - 1.0)
    return effect.slope * rho ** (horizon - 1) * means


def market_loading_quintile_returns(horizon=1):
    """Expected return (decimal, per month) of the five quintiles of MARKET_LOADING's
    characteristic from its loading alone: MARKET_MEAN * slope * rho^(h-1) * E[s | quintile]
    (zero-inflated ties aside)."""
    rho = next(item.persistence for item in NAMED_NOISE_CHARACTERISTICS if item.name == MARKET_LOADING.characteristic)
    return MARKET_MEAN * MARKET_LOADING.slope * rho ** (horizon - 1) * score_quintile_moments()[0]


def panel_truth(n_characteristics=FULL_SCALE_CHARACTERISTICS, horizons=(1, 3, 6, 12)):
    """The planted truth, one row per characteristic of the catalogue: its generating settings
    (marginal, persistence, missing_share, missing_spell_months, zero_share), its planted effect
    (effect: none, linear, u_shaped, linear_in_sector or market_loading; slope; sector) and, per
    horizon h, planted_spread_h{h}: the expected monthly spread its shape shows, from
    expected_quintile_effects: quintile 5 minus quintile 1 for a linear effect (within the
    sector for linear_in_sector; for market_loading the market premium times the loading spread,
    market_loading_quintile_returns), (quintile 1 + quintile 5) / 2 minus quintile 3 for
    u_shaped, 0 for noise."""
    effects = {effect.characteristic: effect for effect in (*PLANTED_EFFECTS, MARKET_LOADING)}
    catalogue = characteristic_catalogue(n_characteristics)
    rows = []
    for item in catalogue:
        effect = effects.get(item.name)
        row = {"characteristic": item.name, "marginal": item.marginal, "persistence": item.persistence,
               "missing_share": item.missing_share, "missing_spell_months": item.missing_spell_months,
               "zero_share": item.zero_share, "effect": effect.shape if effect else "none",
               "slope": effect.slope if effect else 0.0, "sector": effect.sector if effect else None}
        for horizon in horizons:
            quintiles = market_loading_quintile_returns(horizon) if effect is MARKET_LOADING \
                else expected_quintile_effects(item.name, horizon)
            spread = ((quintiles[0] + quintiles[4]) / 2 - quintiles[2]) if effect and effect.shape == "u_shaped" \
                else quintiles[4] - quintiles[0]
            row[f"planted_spread_h{horizon}"] = spread
        rows.append(row)
    return pd.DataFrame(rows)


# --- the calendar and the listing -------------------------------------------------------------

def month_ends(n_months, start=DEFAULT_START):
    """The n_months consecutive month ends (datetime64[D]) from the month of `start`
    ('YYYY-MM', 'YYYY-MM-DD' or a date)."""
    try:
        first = np.datetime64(str(start)[:7], "M")
    except ValueError as error:
        raise ValueError(f"start={start!r}: give the first month as YYYY-MM ({error})") from None
    months = first + np.arange(n_months + 1)
    return (months[1:].astype("datetime64[D]") - np.timedelta64(1, "D"))


def alive_counts(n_stocks, n_months):
    """Stocks listed in each month: a slow hump (weights 1 + ALIVE_HUMP sin(pi (t + 1/2) / n_months)),
    from 0.84 to 1.09 times n_stocks, apportioned so that the counts sum to exactly
    n_stocks * n_months (largest remainders)."""
    t = np.arange(n_months)
    weights = 1.0 + ALIVE_HUMP * np.sin(np.pi * (t + 0.5) / n_months)
    total = n_stocks * n_months
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(counts - exact, kind="stable")[:total - counts.sum()]] += 1
    return counts


# --- the generator ------------------------------------------------------------------------

@dataclass
class PanelChunk:
    """Consecutive months of the panel, rows ordered by month end, then id.

    ids (int64), eom (datetime64[D]) and ret_exc_lead1m (float64) have one entry per row;
    sector_codes (int8) index SECTORS, -1 where the sector is missing; values (float32) and
    missing (bool) are characteristics x rows (one contiguous row per characteristic), values
    NaN where missing.
    """
    ids: np.ndarray
    eom: np.ndarray
    ret_exc_lead1m: np.ndarray
    sector_codes: np.ndarray
    values: np.ndarray
    missing: np.ndarray

    @property
    def n_rows(self):
        return len(self.ids)


def _check_catalogue(catalogue):
    """Raise ValueError naming the first characteristic whose settings the generator cannot use."""
    for item in catalogue:
        problems = [text for failed, text in (
            (item.marginal not in MARGINALS, f"marginal {item.marginal!r} is not one of {MARGINALS}"),
            (not 0 <= item.persistence < 1, f"persistence {item.persistence} is not in [0, 1)"),
            (not 0 <= item.missing_share < 1, f"missing_share {item.missing_share} is not in [0, 1)"),
            (item.missing_spell_months < 1, f"missing_spell_months {item.missing_spell_months} is below 1"),
            (item.marginal == "zero_inflated" and not 0 < item.zero_share < 1,
             f"zero_share {item.zero_share} of a zero_inflated marginal is not in (0, 1)"),
        ) if failed]
        if problems:
            raise ValueError(f"characteristic {item.name}: " + "; ".join(problems))


class _CatalogueArrays:
    """The catalogue's per-characteristic settings as vectors (one entry per characteristic)."""

    def __init__(self, catalogue):
        def vector(name):
            return np.array([getattr(item, name) for item in catalogue], dtype=np.float32)

        _check_catalogue(catalogue)
        self.names = [item.name for item in catalogue]
        self.persistence = vector("persistence")
        self.innovation_sd = np.sqrt(1.0 - self.persistence.astype(np.float64) ** 2).astype(np.float32)
        # the missing-spell chain: leave a missing spell with probability 1 / spell length, enter
        # one with the probability that makes missing_share its long-run share
        self.missing_share = vector("missing_share")
        self.leave_missing = (1.0 / vector("missing_spell_months")).astype(np.float32)
        self.enter_missing = (self.leave_missing * self.missing_share / (1 - self.missing_share)).astype(np.float32)
        self.marginal_columns = {marginal: np.array([k for k, item in enumerate(catalogue) if item.marginal == marginal])
                                 for marginal in MARGINALS}
        self.location, self.scale, self.tail_weight = vector("location"), vector("scale"), vector("tail_weight")
        normal = NormalDist()
        self.zero_quantile = np.array([normal.inv_cdf(item.zero_share) if item.marginal == "zero_inflated" else -np.inf
                                       for item in catalogue], dtype=np.float32)
        self.planted_columns = {effect.characteristic: self.names.index(effect.characteristic)
                                for effect in PLANTED_EFFECTS}
        self.market_loading_column = (self.names.index(MARKET_LOADING.characteristic)
                                      if MARKET_LOADING.characteristic in self.names else None)

    def reported_values(self, scores):
        """Reported values (characteristics x rows, float32) of latent scores of the same shape."""
        values = np.empty_like(scores)
        for marginal, columns in self.marginal_columns.items():
            if not len(columns):
                continue
            s = scores[columns]
            location, scale = self.location[columns, None], self.scale[columns, None]
            if marginal == "normal":
                values[columns] = location + scale * s
            elif marginal == "lognormal":
                values[columns] = np.exp(location + scale * s)
            elif marginal == "return_like":
                values[columns] = np.expm1(location + scale * s)
            elif marginal == "zero_inflated":
                threshold = self.zero_quantile[columns, None]
                values[columns] = np.where(s <= threshold, np.float32(0), scale * np.expm1(s - threshold))
            else:  # heavy_tailed
                values[columns] = location + scale * s * np.exp(self.tail_weight[columns, None] * s * s / 2)
        return values


@dataclass
class _Listed:
    """The stocks listed at the current month and their carried state (scores and missing flags
    are stocks x characteristics)."""
    ids: np.ndarray
    sector_codes: np.ndarray
    scores: np.ndarray
    missing: np.ndarray
    next_id: int


def _draw_sectors(rng, count):
    shares = np.array([*SECTOR_SHARES, 0.0]) / sum(SECTOR_SHARES) * (1 - MISSING_SECTOR_SHARE)
    shares[-1] = MISSING_SECTOR_SHARE
    codes = rng.choice(len(shares), size=count, p=shares).astype(np.int8)
    codes[codes == len(SECTORS)] = -1
    return codes


def _next_listing(listed, target, rng, settings):
    """Advance the listing by one month to `target` stocks: exits, then the survivors' AR(1)
    scores and missing-spell chains, then entrants with stationary draws (listed after the
    survivors, so ids stay sorted). The order of draws is fixed, so the stream is reproducible."""
    leaving = rng.random(len(listed.ids)) < EXIT_HAZARD
    excess = int((~leaving).sum()) - target
    if excess > 0:
        leaving[rng.choice(np.flatnonzero(~leaving), size=excess, replace=False)] = True
    staying = ~leaving
    n_characteristics = len(settings.names)
    scores = listed.scores[staying]
    scores *= settings.persistence
    scores += settings.innovation_sd * rng.standard_normal(scores.shape, dtype=np.float32)
    missing = listed.missing[staying]
    switch = rng.random(missing.shape, dtype=np.float32) < np.where(missing, settings.leave_missing, settings.enter_missing)
    missing ^= switch

    entering = target - len(scores)
    new_sectors = _draw_sectors(rng, entering)
    new_scores = rng.standard_normal((entering, n_characteristics), dtype=np.float32)
    new_missing = rng.random((entering, n_characteristics), dtype=np.float32) < settings.missing_share
    new_ids = np.arange(listed.next_id, listed.next_id + entering, dtype=np.int64)
    return _Listed(ids=np.concatenate([listed.ids[staying], new_ids]),
                   sector_codes=np.concatenate([listed.sector_codes[staying], new_sectors]),
                   scores=np.concatenate([scores, new_scores]),
                   missing=np.concatenate([missing, new_missing]),
                   next_id=listed.next_id + entering)


def _next_month_returns(listed, rng, settings):
    """ret_exc_lead1m of the listed stocks: planted effect + (1 + market * loading) * idiosyncratic
    gross - 1, the loading 1 + slope * s of MARKET_LOADING (1 without it)."""
    t_scale = math.sqrt((MARKET_T_DEGREES_OF_FREEDOM - 2) / MARKET_T_DEGREES_OF_FREEDOM)
    market = MARKET_MEAN + MARKET_SD * t_scale * rng.standard_t(MARKET_T_DEGREES_OF_FREEDOM)
    news = rng.random(len(listed.ids)) < NEWS_SHARE
    log_sd = np.where(news, IDIOSYNCRATIC_LOG_SD_NEWS, IDIOSYNCRATIC_LOG_SD_CALM)
    idiosyncratic_gross = np.exp(log_sd * rng.standard_normal(len(listed.ids)) - log_sd ** 2 / 2)
    scores = {name: listed.scores[:, column] for name, column in settings.planted_columns.items()}
    loading = 1.0 if settings.market_loading_column is None else \
        1.0 + MARKET_LOADING.slope * listed.scores[:, settings.market_loading_column].astype(np.float64)
    return planted_effect(scores, listed.sector_codes) + (1.0 + market * loading) * idiosyncratic_gross - 1.0


def check_panel_arguments(n_stocks, n_months, n_characteristics, months_per_chunk=1, start=DEFAULT_START):
    """Raise ValueError with what to change when the panel's sizes or start month are unusable."""
    if n_stocks < 10:
        raise ValueError(f"n_stocks={n_stocks}: use at least 10 stocks per month")
    if n_months < 1:
        raise ValueError(f"n_months={n_months}: use at least 1 month")
    if months_per_chunk < 1:
        raise ValueError(f"months_per_chunk={months_per_chunk}: use at least 1 month per chunk")
    characteristic_catalogue(n_characteristics)  # checks n_characteristics
    month_ends(1, start)  # checks start


def generate_panel(n_stocks=FULL_SCALE_STOCKS, n_months=FULL_SCALE_MONTHS,
                   n_characteristics=FULL_SCALE_CHARACTERISTICS, seed=0, start=DEFAULT_START, months_per_chunk=1):
    """Yield the panel as PanelChunk objects of `months_per_chunk` consecutive months (the last
    may be shorter). Memory is one chunk plus the carried state; the values are the same
    whatever months_per_chunk is (one random stream, consumed month by month)."""
    check_panel_arguments(n_stocks, n_months, n_characteristics, months_per_chunk, start)
    settings = _CatalogueArrays(characteristic_catalogue(n_characteristics))
    n_columns = len(settings.names)
    eoms = month_ends(n_months, start)
    counts = alive_counts(n_stocks, n_months)
    rng = np.random.default_rng(seed)
    listed = _Listed(ids=np.empty(0, np.int64), sector_codes=np.empty(0, np.int8),
                     scores=np.empty((0, n_columns), np.float32), missing=np.empty((0, n_columns), bool),
                     next_id=FIRST_ID)
    for first_month in range(0, n_months, months_per_chunk):
        months = range(first_month, min(first_month + months_per_chunk, n_months))
        n_rows = int(counts[months.start:months.stop].sum())
        ids = np.empty(n_rows, np.int64)
        returns = np.empty(n_rows, np.float64)
        sector_codes = np.empty(n_rows, np.int8)
        scores = np.empty((n_columns, n_rows), np.float32)
        missing = np.empty((n_columns, n_rows), bool)
        row = 0
        for month in months:
            listed = _next_listing(listed, int(counts[month]), rng, settings)
            rows = slice(row, row + int(counts[month]))
            returns[rows] = _next_month_returns(listed, rng, settings)
            ids[rows], sector_codes[rows] = listed.ids, listed.sector_codes
            scores[:, rows], missing[:, rows] = listed.scores.T, listed.missing.T
            row = rows.stop
        values = settings.reported_values(scores)
        values[missing] = np.nan
        eom = np.repeat(eoms[months.start:months.stop], counts[months.start:months.stop])
        yield PanelChunk(ids=ids, eom=eom, ret_exc_lead1m=returns, sector_codes=sector_codes,
                         values=values, missing=missing)


# --- Arrow tables and files ------------------------------------------------------------------

def wide_schema(characteristic_names):
    """id int64, eom date32, ret_exc_lead1m float64, sector string, then one float32 per characteristic."""
    return pa.schema([("id", pa.int64()), ("eom", pa.date32()), ("ret_exc_lead1m", pa.float64()),
                      ("sector", pa.string()), *((name, pa.float32()) for name in characteristic_names)])


LONG_SCHEMA = pa.schema([("id", pa.int64()), ("eom", pa.date32()), ("ret_exc_lead1m", pa.float64()),
                         ("sector", pa.string()), ("characteristic", pa.string()), ("value", pa.float32())])


def _sector_array(sector_codes):
    return pa.array(SECTORS).take(pa.array(sector_codes, mask=sector_codes < 0))


def wide_table(chunk, characteristic_names):
    """The chunk as a wide Arrow table: one row per stock-month (wide_schema); a missing
    characteristic is null."""
    columns = [pa.array(chunk.ids), pa.array(chunk.eom, type=pa.date32()), pa.array(chunk.ret_exc_lead1m),
               _sector_array(chunk.sector_codes)]
    columns += [pa.array(chunk.values[k], mask=chunk.missing[k]) for k in range(len(characteristic_names))]
    return pa.Table.from_arrays(columns, schema=wide_schema(characteristic_names))


def long_table(chunk, characteristic_names):
    """The chunk as a long Arrow table (LONG_SCHEMA): one row per reported value, ordered by
    month end, id, then catalogue order; the stock-month's return and sector repeat on each of
    its rows; a missing value has no row."""
    n_columns = len(characteristic_names)
    present = ~chunk.missing.ravel(order="F")  # row-major over (stock-month, characteristic)
    row_of = np.repeat(np.arange(chunk.n_rows), n_columns)[present]
    column_of = np.tile(np.arange(n_columns, dtype=np.int16), chunk.n_rows)[present]
    columns = [pa.array(chunk.ids[row_of]), pa.array(chunk.eom[row_of], type=pa.date32()),
               pa.array(chunk.ret_exc_lead1m[row_of]), _sector_array(chunk.sector_codes[row_of]),
               pa.array(characteristic_names).take(pa.array(column_of)),
               pa.array(chunk.values.ravel(order="F")[present])]
    return pa.Table.from_arrays(columns, schema=LONG_SCHEMA)


class _ParquetSink:
    """One row group per written table; dictionary encoding only for the text columns."""

    def __init__(self, path, schema, compression):
        text_columns = [field.name for field in schema if pa.types.is_string(field.type)]
        self.writer = pq.ParquetWriter(path, schema, compression=compression, use_dictionary=text_columns)

    def write(self, table):
        self.writer.write_table(table, row_group_size=max(1, table.num_rows))

    def close(self):
        self.writer.close()


class _CsvSink:
    """A header line, then the rows as Arrow writes them (shortest round-trip numbers, dates as
    YYYY-MM-DD, text quoted, null empty); gzip with a fixed header (no file name, mtime 0)."""

    def __init__(self, path, schema, gzipped):
        self.raw = open(path, "wb")
        self.stream = gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, compresslevel=GZIP_LEVEL, mtime=0) \
            if gzipped else self.raw
        self.writer = pa_csv.CSVWriter(self.stream, schema)

    def write(self, table):
        self.writer.write_table(table)

    def close(self):
        self.writer.close()
        if self.stream is not self.raw:
            self.stream.close()
        self.raw.close()


def file_format_of(path):
    """The file format a path's name asks for: .parquet, .csv or .csv.gz; else None."""
    name = Path(path).name.lower()
    for file_format, suffix in (("csv.gz", ".csv.gz"), ("csv", ".csv"), ("parquet", ".parquet")):
        if name.endswith(suffix):
            return file_format
    return None


@dataclass(frozen=True)
class WrittenPanel:
    """What write_panel wrote: the file, its shape and format, rows, column names and bytes."""
    path: Path
    shape: str
    file_format: str
    rows: int
    columns: tuple
    bytes: int


def write_panel(path, shape="wide", file_format=None, n_stocks=FULL_SCALE_STOCKS, n_months=FULL_SCALE_MONTHS,
                n_characteristics=FULL_SCALE_CHARACTERISTICS, seed=0, start=DEFAULT_START, months_per_chunk=None,
                compression="snappy"):
    """Write the panel to `path` and return a WrittenPanel.

    shape: 'wide' (wide_schema: one row per stock-month) or 'long' (LONG_SCHEMA: one row per
    reported value). file_format: 'parquet', 'csv' or 'csv.gz'; None takes it from the path's
    suffix (.parquet, .csv, .csv.gz). Parquet gets one row group per chunk of months_per_chunk
    months (default: about WIDE_ROWS_PER_CHUNK rows for wide, LONG_ROWS_PER_CHUNK for long),
    `compression` (a Parquet codec) and the generator's arguments as JSON under the key
    METADATA_KEY of its metadata. The file is written under a temporary name next to `path` and
    renamed when complete. Same arguments, same bytes.
    """
    path = Path(path)
    file_format = file_format or file_format_of(path)
    if shape not in SHAPES:
        raise ValueError(f"shape={shape!r}: use one of {SHAPES}")
    if file_format not in FILE_FORMATS:
        raise ValueError(f"{path}: file_format={file_format!r}; use one of {FILE_FORMATS} "
                         "(or a path ending in .parquet, .csv or .csv.gz)")
    names = [item.name for item in characteristic_catalogue(n_characteristics)]
    if months_per_chunk is None:
        target_rows = WIDE_ROWS_PER_CHUNK if shape == "wide" else LONG_ROWS_PER_CHUNK // len(names)
        months_per_chunk = max(1, target_rows // n_stocks)
    check_panel_arguments(n_stocks, n_months, n_characteristics, months_per_chunk, start)
    arguments = {"shape": shape, "n_stocks": n_stocks, "n_months": n_months, "n_characteristics": n_characteristics,
                 "seed": seed, "start": str(start)}
    schema = (wide_schema(names) if shape == "wide" else LONG_SCHEMA).with_metadata(
        {METADATA_KEY: json.dumps(arguments, sort_keys=True).encode()})
    to_table = wide_table if shape == "wide" else long_table

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    sink = _ParquetSink(partial, schema, compression) if file_format == "parquet" \
        else _CsvSink(partial, schema, gzipped=file_format == "csv.gz")
    rows = 0
    try:
        for chunk in generate_panel(n_stocks, n_months, n_characteristics, seed, start, months_per_chunk):
            table = to_table(chunk, names)
            sink.write(table)
            rows += table.num_rows
    except BaseException:
        sink.close()
        partial.unlink(missing_ok=True)
        raise
    sink.close()
    os.replace(partial, path)
    return WrittenPanel(path=path, shape=shape, file_format=file_format, rows=rows,
                        columns=tuple(schema.names), bytes=path.stat().st_size)
