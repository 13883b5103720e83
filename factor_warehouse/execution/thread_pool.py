"""Units of work in a pool of threads, and the progress lines of a long computation.

`run_in_threads` suits work that releases the GIL (numba, minepy, numpy); the caller gets
each result in its own thread as it arrives, and a failure cancels the queued work;
`called_once` shares one load among the units that need it. `ProgressReport` logs done /
total, the rate and the time left, weighing each unit by a cost (for MIC, n ** 1.4) so the
estimate holds when units differ in size."""

import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait


def run_in_threads(function, items, workers, name, on_done):
    """function(item) for every item, in `workers` threads named after `name`. Calls
    on_done(index, result) in the calling thread as items finish, and on_done(None, None)
    about every second while none does (a chance to report progress). A failure (or an
    interrupt) cancels the items not started and raises."""
    if not items:
        return
    with ThreadPoolExecutor(max_workers=int(workers), thread_name_prefix=name) as pool:
        pending = {pool.submit(function, item): index for index, item in enumerate(items)}
        try:
            while pending:
                finished, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                for future in finished:
                    on_done(pending.pop(future), future.result())
                if not finished:
                    on_done(None, None)
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def called_once(function):
    """function() behind a lock: called on the first call, from whichever thread, its result
    returned to every call after (a failure is raised again and retried by the next call)."""
    lock, results = threading.Lock(), []

    def once():
        with lock:
            if not results:
                results.append(function())
            return results[0]

    return once


class ProgressReport:
    """Reports done/total, units per second and the time left at most every `interval` seconds,
    each line starting with `prefix`."""

    def __init__(self, costs, report, interval, prefix, noun, clock=time.monotonic):
        self.total_units = len(costs)
        self.total_cost = float(sum(costs))
        self.done_units = 0
        self.done_cost = 0.0
        self.report = report
        self.interval = interval
        self.prefix = prefix
        self.noun = noun
        self.clock = clock
        self.started = self.last_report = clock()

    def advance(self, cost):
        self.done_units += 1
        self.done_cost += cost

    def maybe_report(self, force=False):
        now = self.clock()
        if not force and now - self.last_report < self.interval:
            return
        self.last_report = now
        elapsed = max(now - self.started, 1e-9)
        rate = self.done_units / elapsed
        if self.done_cost > 0:
            left = elapsed * (self.total_cost - self.done_cost) / self.done_cost
            time_left = f"about {format_duration(left)} left"
        else:
            time_left = "time left unknown yet"
        self.report(f"{self.prefix}{self.done_units}/{self.total_units} {self.noun} computed, "
                    f"{rate:.2f} {self.noun}/s, {time_left}")


def format_duration(seconds):
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"
