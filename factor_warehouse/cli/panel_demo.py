"""Write the demo monthly panel (factor_warehouse.sources.panel_demo; planted truth in
docs/panel_demo.md) to one file, and print what was written: rows, columns, size, seconds.

    .venv/bin/python -m factor_warehouse.cli.panel_demo PATH [--stocks N] [--months M]
        [--characteristics K] [--shape wide|long] [--format parquet|csv|csv.gz] [--seed S] [--start YYYY-MM]

The defaults are the research scale: 4,000 stocks a month on average x 1,000 months x 150
characteristics (4,000,000 rows, 600 million cells). The format defaults to the one PATH's
suffix names (.parquet, .csv, .csv.gz), else parquet.
"""

import argparse
import sys
import time

from factor_warehouse.sources.panel_demo import (DEFAULT_START, FILE_FORMATS, FULL_SCALE_CHARACTERISTICS,
                                                 FULL_SCALE_MONTHS, FULL_SCALE_STOCKS, SHAPES, file_format_of,
                                                 write_panel)


def describe(written, seconds):
    """One line saying what write_panel wrote and how long it took."""
    return (f"wrote {written.path}: {written.shape} {written.file_format}, {written.rows:,} rows x "
            f"{len(written.columns)} columns, {written.bytes / 1e6:,.1f} MB, {seconds:.1f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="the file to write (its parent directories are created)")
    parser.add_argument("--stocks", type=int, default=FULL_SCALE_STOCKS, help="mean stocks listed per month")
    parser.add_argument("--months", type=int, default=FULL_SCALE_MONTHS)
    parser.add_argument("--characteristics", type=int, default=FULL_SCALE_CHARACTERISTICS,
                        help="characteristic columns, at least 5 (the planted ones)")
    parser.add_argument("--shape", choices=SHAPES, default="wide")
    parser.add_argument("--format", dest="file_format", choices=FILE_FORMATS,
                        help="default: from PATH's suffix, else parquet")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", default=DEFAULT_START, help="the first month, YYYY-MM")
    options = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        written = write_panel(options.path, shape=options.shape,
                              file_format=options.file_format or file_format_of(options.path) or "parquet",
                              n_stocks=options.stocks, n_months=options.months,
                              n_characteristics=options.characteristics, seed=options.seed, start=options.start)
    except ValueError as error:
        parser.error(str(error))
    print(describe(written, time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
