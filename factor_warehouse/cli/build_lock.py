"""The build lock: one build at a time per warehouse. `build_lock(path)` holds an exclusive
`fcntl.flock` on a lock file next to the working copy for the whole build and writes the
holder's pid into it; a second build stops before touching any other file and names that pid.
The kernel drops the lock when its holder exits, so a killed build never leaves a stale lock."""

import fcntl
import os
from contextlib import contextmanager

from factor_warehouse.cli.build_failure import AGAIN, BuildFailed, failing_as


@contextmanager
def build_lock(path):
    """Hold the build lock `path` (created with its folder if missing) for the block."""
    with failing_as("create the build lock", path):
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path, "a+", encoding="ascii")  # "a+": never truncate the holder's pid before holding the lock
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "unknown"
            raise BuildFailed(f"another build (pid {holder}) holds the build lock {path}; "
                              f"wait for it to finish or stop it, {AGAIN}") from None
        with failing_as("write this build's pid into", path):
            lock.truncate(0)
            lock.write(f"{os.getpid()}\n")
            lock.flush()
        yield
