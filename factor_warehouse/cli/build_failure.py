"""How the build runner stops: `BuildFailed`, whose message is one line saying what failed, on
which path, the operating system's reason and what to do, and `failing_as`, which turns an
OSError or a DuckDB I/O error (full disk, no permission, read-only file system) of one step
into it. DuckDB reports a checkpoint that cannot write as a FatalException (the database is
then invalidated) whose message quotes the OS's reason, followed by a stack trace."""

import errno
import os
from contextlib import contextmanager
from pathlib import Path

import duckdb

AGAIN = "then build again"
WRITABLE = "make {folder} writable or use another folder"
# errno -> what to do; {folder} is the folder of the path that failed
WHAT_TO_DO = {
    errno.ENOSPC: "free space on that disk",
    errno.EDQUOT: "free space within your disk quota",
    errno.EACCES: WRITABLE,
    errno.EPERM: WRITABLE,
    errno.EROFS: "use a folder on a writable file system",
}
IO_ERRORS = (OSError, duckdb.IOException, duckdb.FatalException)


class BuildFailed(Exception):
    """A build that stops; its message is the whole line for the user."""


@contextmanager
def failing_as(what, path, then=AGAIN):
    """Re-raise an I/O error (IO_ERRORS) inside the block as BuildFailed:
    `could not <what> <path>: <reason>; <what to do>, <then>`."""
    try:
        yield
    except IO_ERRORS as error:
        code = error.errno if isinstance(error, OSError) else duckdb_errno(error)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error).splitlines()[0]
        to_do = WHAT_TO_DO.get(code, "fix that").format(folder=Path(path).parent)
        raise BuildFailed(f"could not {what} {path}: {reason}; {to_do}, {then}") from error


def duckdb_errno(error):
    """The errno whose text DuckDB quotes in `error`'s message, or None."""
    return next((code for code in WHAT_TO_DO if os.strerror(code) in str(error)), None)
