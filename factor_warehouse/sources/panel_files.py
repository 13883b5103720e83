"""Checks of the panel source's files that DuckDB cannot make without failing: a Parquet file must
begin and end with the magic bytes PAR1 (only those 8 bytes are read). Registered by `dbt_plugin`
as the DuckDB function panel_parquet_problem, which macro panel_columns calls on every file the
panel path matches before DuckDB reads them."""

from pathlib import Path

MAGIC = b"PAR1"


def parquet_problem(path):
    """What is wrong with the Parquet file at `path` and what to do, or None when it is whole."""
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as file:
        head = file.read(len(MAGIC))
        file.seek(max(size - len(MAGIC), 0))
        tail = file.read(len(MAGIC))
    if size >= 3 * len(MAGIC) and head == MAGIC and tail == MAGIC:
        return None
    if head != MAGIC:
        return f"{path}: not a Parquet file (it does not start with PAR1); remove it from {path.parent} or convert it"
    return (f"{path}: the Parquet file is cut short (it does not end with its footer, PAR1), as a copy or a "
            f"download that stopped does; copy it again, or move it out of {path.parent}")
