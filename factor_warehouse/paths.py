"""Where the project and its default outputs live; imported by every layer that needs a
path, so that no layer imports another just for a constant."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = PROJECT_DIR / "data" / "warehouse.duckdb"
DEFAULT_REPORT = PROJECT_DIR / "data" / "report.html"
