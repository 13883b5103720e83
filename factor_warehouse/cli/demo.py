"""Write the demo data set (the Kaggle file format, planted effects in docs/demo_data.md)
to a directory, or re-derive its committed profile from the real 2018 file.

    .venv/bin/python -m factor_warehouse.cli.demo DIRECTORY [--n-tickers N] [--seed S]
    .venv/bin/python -m factor_warehouse.cli.demo --profile KAGGLE_2018_FILE
"""

import argparse
import sys

from factor_warehouse.sources.demo import write_demo_files, write_profile


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", nargs="?", help="where to write the demo files")
    parser.add_argument("--n-tickers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", metavar="KAGGLE_FILE",
                        help="re-derive the committed profile from the real 2018 file (plain or .zip)")
    options = parser.parse_args(argv)
    if options.profile:
        for path in write_profile(options.profile):
            print(f"wrote {path}")
        return 0
    if not options.directory:
        parser.error("give a directory to write the demo files into (or --profile KAGGLE_FILE)")
    for path in write_demo_files(options.directory, n_tickers=options.n_tickers, seed=options.seed):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
