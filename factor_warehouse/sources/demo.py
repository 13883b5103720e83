"""The embedded demo data set: deterministic files in exactly the Kaggle format, with a few
planted, documented effects on alpha (docs/demo_data.md has the model and the truth).

Every indicator value is the real 2018 column's empirical quantile function
(resources/kaggle_2018_profile.csv) at a uniform draw, one per (ticker, fiscal year, indicator);
alpha depends on three of those draws and noise, and the file's return column is alpha + the S&P
500 return of return_year, so the warehouse's `benchmark` alpha method gives alpha back exactly.

    write_demo_files(directory)          # the five files the demo warehouse is built on
    demo_truth()                         # the planted truth, one row per (ticker, fiscal_year)
    python -m factor_warehouse.cli.demo DIRECTORY [--n-tickers N] [--seed S]
    python -m factor_warehouse.cli.demo --profile KAGGLE_2018_FILE   # re-derive the committed profile
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from factor_warehouse.paths import PROJECT_DIR

RESOURCES = Path(__file__).resolve().parent / "resources"
PROFILE_PATH = RESOURCES / "kaggle_2018_profile.csv"
SHARES_PATH = RESOURCES / "kaggle_2018_shares.csv"
BENCHMARK_SEED_PATH = PROJECT_DIR / "data" / "seeds" / "benchmark_returns.csv"

# Quantiles of each real column kept in the profile. The generator's quantile function runs
# through them (plus the exact zero atom); the real minimum and maximum are recorded but not
# used, so the only values beyond the 0.1% / 99.9% quantiles are the planted mistyped extremes.
QUANTILE_PROBABILITIES = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5,
                          0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999)
SIGNIFICANT_DIGITS = 6

SIZE_FACTOR, VALUE_FACTOR, U_SHAPED_FACTOR = "Market Cap", "PE ratio", "Revenue Growth"
PLANTED_FACTORS = (SIZE_FACTOR, VALUE_FACTOR, U_SHAPED_FACTOR)
SIZE_SLOPE = 20.0     # big beats small: expected median-split spread +10 pp
VALUE_SLOPE = -20.0   # cheap beats expensive: expected median-split spread -10 pp
U_CURVATURE = 12.0    # +24 pp at both extremes, -12 pp at the median; linear slope and median split 0
NOISE_SCALE = 45.0    # centred log-normal noise: sd 35.5 pp, bounded below by -53.9 pp, long right tail
NOISE_LOG_SD = 0.6

CHURN_SHARE = 0.05    # share of tickers replaced by new ones from one fiscal year to the next
# Mistyped extremes planted in every year, each on the stock with the largest (or smallest) draw
# of that indicator, so percentile ranks (and the planted effects) are unchanged. Values: the
# real 2018 file's extremes (IGLD's Market Cap 4.452e13, the maximal Revenue Growth, the
# minimal Enterprise Value).
MISTYPED_EXTREMES = (("Market Cap", "largest", 4.452e13),
                     ("Revenue Growth", "largest", 12739.0),
                     ("Enterprise Value", "smallest", -148754786733.0))
# Strings that common CSV readers turn into NULL or booleans; never used as demo tickers.
RESERVED_TICKERS = frozenset({"NA", "NAN", "NULL", "NONE", "TRUE", "FALSE", "INF"})


def return_column(fiscal_year):
    return f"{fiscal_year + 1} PRICE VAR [%]"


def file_name(fiscal_year):
    return f"{fiscal_year}_Financial_Data.csv"


# --- the profile of the real file --------------------------------------------------------------

def profile_kaggle_file(path):
    """Profile a real Kaggle file (plain or .zip): (columns, shares) DataFrames.

    columns: one row per indicator with column_number (position in the file, ticker = 0),
    header (exact text), missing_rate, share_negative and share_zero (among non-null values),
    minimum, maximum and quantile_<p> for p in QUANTILE_PROBABILITIES (numpy's linear method).
    shares: attribute ('sector' or 'ticker_length'), value, share.
    """
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])  # a ticker "NA" stays a ticker
    headers = list(frame.columns)
    if headers[0] != "Unnamed: 0" or headers[-3] != "Sector" or headers[-1] != "Class":
        raise ValueError(f"{path}: not a Kaggle financial-data file (expected an empty ticker header, "
                         f"then indicators, then Sector, PRICE VAR and Class); got {headers[:1] + headers[-3:]}")
    rows = []
    for column_number, header in enumerate(headers[1:-3], start=1):
        values = frame[header].to_numpy(dtype=float)
        present = values[~np.isnan(values)]
        row = {"column_number": column_number, "header": header,
               "missing_rate": 1 - len(present) / len(values),
               "share_negative": float(np.mean(present < 0)) if len(present) else 0.0,
               "share_zero": float(np.mean(present == 0)) if len(present) else 0.0,
               "minimum": present.min() if len(present) else np.nan,
               "maximum": present.max() if len(present) else np.nan}
        quantiles = np.quantile(present, QUANTILE_PROBABILITIES) if len(present) else [np.nan] * len(QUANTILE_PROBABILITIES)
        row.update({f"quantile_{p}": float(q) for p, q in zip(QUANTILE_PROBABILITIES, quantiles)})
        rows.append(row)
    columns = pd.DataFrame(rows)
    shares = pd.concat([_shares("sector", frame["Sector"]),
                        _shares("ticker_length", frame["Unnamed: 0"].str.len())], ignore_index=True)
    return columns, shares


def _shares(attribute, series):
    counts = series.value_counts().sort_index()
    return pd.DataFrame({"attribute": attribute, "value": counts.index.astype(str), "share": counts.to_numpy() / counts.sum()})


def write_profile(kaggle_file, directory=RESOURCES):
    """Derive the committed profile files from the real 2018 file (run once, by hand)."""
    columns, shares = profile_kaggle_file(kaggle_file)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    columns.to_csv(directory / PROFILE_PATH.name, index=False, lineterminator="\n")
    shares.to_csv(directory / SHARES_PATH.name, index=False, lineterminator="\n")
    return directory / PROFILE_PATH.name, directory / SHARES_PATH.name


@dataclass(frozen=True)
class Profile:
    headers: tuple          # the 221 indicator headers in file order
    missing_rates: np.ndarray
    knots: tuple            # per indicator: (probabilities, values) of its quantile function
    sectors: tuple
    sector_shares: np.ndarray
    ticker_lengths: np.ndarray
    ticker_length_shares: np.ndarray


def load_profile(profile_path=PROFILE_PATH, shares_path=SHARES_PATH):
    columns = pd.read_csv(profile_path, keep_default_na=False, na_values=[""])
    columns = columns.sort_values("column_number")
    quantile_columns = [f"quantile_{p}" for p in QUANTILE_PROBABILITIES]
    knots = tuple(_quantile_knots(row, quantile_columns) for row in columns.to_dict("records"))
    shares = pd.read_csv(shares_path, keep_default_na=False)
    sectors = shares[shares["attribute"] == "sector"]
    lengths = shares[shares["attribute"] == "ticker_length"]
    return Profile(headers=tuple(columns["header"]),
                   missing_rates=columns["missing_rate"].to_numpy(dtype=float),
                   knots=knots,
                   sectors=tuple(sectors["value"]),
                   sector_shares=sectors["share"].to_numpy(dtype=float) / sectors["share"].sum(),
                   ticker_lengths=lengths["value"].astype(int).to_numpy(),
                   ticker_length_shares=lengths["share"].to_numpy(dtype=float) / lengths["share"].sum())


def _quantile_knots(row, quantile_columns):
    """Knots of a piecewise-linear quantile function: the profile's quantiles, plus the exact
    zero atom (u in [share_negative, share_negative + share_zero] maps to 0)."""
    probabilities = list(QUANTILE_PROBABILITIES)
    values = [row[name] for name in quantile_columns]
    if np.isnan(values).any():  # a column with no value at all: every cell is missing
        return np.array([0.0, 1.0]), np.array([np.nan, np.nan])
    if row["share_zero"] > 0:
        start, end = row["share_negative"], row["share_negative"] + row["share_zero"]
        probabilities += [start, end]
        values += [0.0, 0.0]
    order = np.argsort(probabilities, kind="stable")
    probabilities = np.asarray(probabilities)[order]
    values = np.asarray(values)[order]
    # The zero atom is inserted exactly; nearby interpolated quantiles cannot cross it.
    values = np.where(probabilities < row["share_negative"], np.minimum(values, 0.0), values)
    values = np.where(probabilities > row["share_negative"] + row["share_zero"], np.maximum(values, 0.0), values)
    return probabilities, np.maximum.accumulate(values)


def quantile_function(knots, u):
    """Value at uniform draw(s) u of a column's quantile function (flat beyond the end knots)."""
    probabilities, values = knots
    return np.interp(u, probabilities, values)


def round_significant(values, digits=SIGNIFICANT_DIGITS):
    """Round to `digits` significant digits, as the real file's figures mostly are."""
    values = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(np.abs(values)))
    exponent = np.where(np.isfinite(exponent), exponent, 0.0)
    decimals = digits - 1 - exponent
    small = decimals >= 0  # multiply/divide by exact powers of ten to avoid float noise
    scale = 10.0 ** np.abs(decimals)
    return np.where(small, np.round(values * scale) / scale, np.round(values / scale) * scale)


# --- the planted truth ----------------------------------------------------------------------

def planted_alpha(u_size, u_value, u_shaped, noise):
    """Alpha in percentage points from the three planted draws and the noise."""
    return (SIZE_SLOPE * (u_size - 0.5)
            + VALUE_SLOPE * (u_value - 0.5)
            + U_CURVATURE * (12.0 * (u_shaped - 0.5) ** 2 - 1.0)
            + noise)


def draw_noise(rng, size):
    """Centred log-normal noise (mean 0, long right tail, bounded below like a price return)."""
    return NOISE_SCALE * (np.exp(NOISE_LOG_SD * rng.standard_normal(size)) - np.exp(NOISE_LOG_SD ** 2 / 2))


def read_benchmark_returns(path=BENCHMARK_SEED_PATH):
    seed = pd.read_csv(path)
    return dict(zip(seed["return_year"].astype(int), seed["benchmark_return_pct"].astype(float)))


# --- the generator --------------------------------------------------------------------------

def draw_tickers(rng, count, profile):
    """`count` unique, real-looking tickers (A-Z, the real file's length mix)."""
    tickers, seen = [], set(RESERVED_TICKERS)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    while len(tickers) < count:
        lengths = rng.choice(profile.ticker_lengths, size=2 * count, p=profile.ticker_length_shares)
        draws = rng.choice(letters, size=(2 * count, int(profile.ticker_lengths.max())))
        for length, row in zip(lengths, draws):
            ticker = "".join(row[:length])
            if ticker not in seen and len(tickers) < count:
                seen.add(ticker)
                tickers.append(ticker)
    return tickers


def generate_demo(n_tickers=1000, years=range(2014, 2019), seed=0, profile=None):
    """The demo data set in memory: ({fiscal_year: file DataFrame}, truth DataFrame).

    A file DataFrame has the real file's 225 columns in order (ticker column named ''),
    missing cells as NaN. The truth has one row per (ticker, fiscal_year): sector, the three
    planted draws (u_market_cap, u_pe_ratio, u_revenue_growth), noise, alpha,
    benchmark_return_pct, price_var_pct and class.
    """
    years = [int(year) for year in years]
    if n_tickers < 10:
        raise ValueError(f"write_demo_files: n_tickers={n_tickers}; use at least 10 tickers per year")
    if len(set(years)) != len(years) or not years:
        raise ValueError(f"write_demo_files: years={years}; give each fiscal year once")
    benchmark = read_benchmark_returns()
    missing_benchmarks = [year + 1 for year in years if year + 1 not in benchmark]
    if missing_benchmarks:
        raise ValueError(f"{BENCHMARK_SEED_PATH}: no S&P 500 return for return_year {missing_benchmarks}; "
                         "add a row per return year to the seed or choose fiscal years it covers")
    profile = profile or load_profile()
    rng = np.random.default_rng(seed)
    churn = int(round(CHURN_SHARE * n_tickers))
    pool = draw_tickers(rng, n_tickers + churn * (len(years) - 1), profile)
    sector_of = dict(zip(pool, map(str, rng.choice(profile.sectors, size=len(pool), p=profile.sector_shares))))
    planted_columns = [profile.headers.index(factor) for factor in PLANTED_FACTORS]

    members = pool[:n_tickers]
    next_new = n_tickers
    files, truths = {}, []
    for position, year in enumerate(years):
        if position:
            leaving = set(rng.choice(members, size=churn, replace=False))
            members = [ticker for ticker in members if ticker not in leaving] + pool[next_new:next_new + churn]
            next_new += churn
        tickers = [str(ticker) for ticker in rng.permutation(members)]
        draws = rng.random((n_tickers, len(profile.headers)))
        missing = rng.random((n_tickers, len(profile.headers))) < profile.missing_rates
        noise = draw_noise(rng, n_tickers)

        values = np.column_stack([quantile_function(knots, draws[:, column])
                                  for column, knots in enumerate(profile.knots)])
        values = round_significant(values)
        values[missing] = np.nan
        for factor, which, extreme in MISTYPED_EXTREMES:
            column = profile.headers.index(factor)
            present = np.flatnonzero(~missing[:, column])
            if len(present):
                chosen = present[np.argmax(draws[present, column]) if which == "largest"
                                 else np.argmin(draws[present, column])]
                values[chosen, column] = extreme

        u_size, u_value, u_shaped = (draws[:, column] for column in planted_columns)
        alpha = planted_alpha(u_size, u_value, u_shaped, noise)
        price_var_pct = alpha + benchmark[year + 1]
        class_ = (price_var_pct >= 0).astype(int)  # the real file: PRICE VAR == 0 has Class 1
        sectors = [sector_of[ticker] for ticker in tickers]

        frame = pd.DataFrame(values, columns=list(profile.headers))
        frame.insert(0, "", tickers)
        frame["Sector"] = sectors
        frame[return_column(year)] = price_var_pct
        frame["Class"] = class_
        files[year] = frame
        truths.append(pd.DataFrame({
            "ticker": tickers, "fiscal_year": year, "return_year": year + 1, "sector": sectors,
            "u_market_cap": u_size, "u_pe_ratio": u_value, "u_revenue_growth": u_shaped,
            "noise": noise, "alpha": alpha, "benchmark_return_pct": benchmark[year + 1],
            "price_var_pct": price_var_pct, "class": class_}))
    return files, pd.concat(truths, ignore_index=True)


def demo_truth(n_tickers=1000, years=range(2014, 2019), seed=0):
    """The planted truth for write_demo_files with the same arguments."""
    return generate_demo(n_tickers, years, seed)[1]


def write_demo_files(directory, n_tickers=1000, years=range(2014, 2019), seed=0):
    """Write `{YEAR}_Financial_Data.csv` per fiscal year into `directory`; return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files, _ = generate_demo(n_tickers, years, seed)
    paths = []
    for year, frame in files.items():
        path = directory / file_name(year)
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerow(frame.columns)  # quotes as the real file does
            handle.write(_csv_body(frame))
        paths.append(path)
    return paths


def _csv_body(frame):
    """The data lines as pandas.to_csv writes them (floats as repr, NaN empty, minimal quoting),
    about 3x faster, which keeps n_tickers=4400 within a few seconds."""
    columns = []
    for name in frame.columns:
        values = frame[name].tolist()
        if frame[name].dtype == float:
            columns.append(["" if value != value else repr(value) for value in values])
        else:
            columns.append([_quoted(str(value)) for value in values])
    return "".join(",".join(fields) + "\n" for fields in zip(*columns))


def _quoted(text):
    """A text field as csv.QUOTE_MINIMAL writes it (demo tickers and the real sectors need none)."""
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
