"""What the benchmarks share: the peak memory of a process, whole processes measured (wall, CPU, peak
RSS), dbt runs that keep their target/ and logs/ in the benchmark's own directory (timed per model), a
measured stage in a fresh child process, and the demo panel written into a benchmark's directory."""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

from factor_warehouse.paths import PROJECT_DIR


def peak_rss_megabytes():
    """This process's peak resident memory (Linux VmHWM: unlike getrusage's ru_maxrss it is not
    inherited from the parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return float("nan")


def dbt_options(workdir):
    """Keep dbt's target/ and logs/ in the benchmark's directory, away from the project's."""
    return ["--target-path", str(Path(workdir) / "target"), "--log-path", str(Path(workdir) / "logs")]


def java_cpu_seconds(root, seen, stop):
    """Until `stop` is set, every 0.2 s: the CPU seconds (user and system) and the peak RSS in MB of each
    java process under the process `root`, by pid, into `seen`. A JVM that Spark's Python launcher
    starts is not waited for, so the root's rusage misses it."""
    tick, page_mb = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE") / 2**20
    while not stop.wait(0.2):
        children = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with suppress(OSError, ValueError, IndexError):
                text = stat.read_text()
                fields = text[text.rindex(")") + 2:].split()
                children.setdefault(int(fields[1]), []).append((int(stat.parent.name), text))
        frontier = [root]
        while frontier:
            for pid, text in children.get(frontier.pop(), []):
                frontier.append(pid)
                if "(java)" in text:
                    fields = text[text.rindex(")") + 2:].split()
                    peak = max(seen.get(pid, (0, 0))[1], int(fields[21]) * page_mb)
                    seen[pid] = ((int(fields[11]) + int(fields[12])) / tick, peak)


def run_measured(command, log_path, env=None):
    """Run `command` to the end, its output into log_path; wall seconds, CPU seconds (user and system, the
    JVMs under it included), peak RSS in MB (of the process and the children it waited for, plus the
    JVMs' peaks), and `failed` (why, or None)."""
    started = time.perf_counter()
    java, stop = {}, threading.Event()
    with open(log_path, "w") as log:
        process = subprocess.Popen([str(part) for part in command], stdout=log, stderr=subprocess.STDOUT,
                                   cwd=PROJECT_DIR, env={**os.environ, **(env or {})})
        sampler = threading.Thread(target=java_cpu_seconds, args=(process.pid, java, stop), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
    stop.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    failed = None if process.returncode == 0 else f"exit status {process.returncode}, see {log_path}"
    return {"seconds": time.perf_counter() - started,
            "cpu_seconds": usage.ru_utime + usage.ru_stime + sum(cpu for cpu, _ in java.values()),
            "peak_rss_mb": usage.ru_maxrss / 1024 + sum(peak for _, peak in java.values()), "failed": failed}


def dbt_cli(args, workdir, dbt_vars, target="dev"):
    """The command line of `dbt <args>` on this project with `dbt_vars`, its target/ and logs/ in `workdir`
    (the database: FACTOR_WAREHOUSE_PATH in the environment, as run_measured's env gives it), its output
    without colours."""
    dbt = Path(sys.executable).parent / "dbt"
    return [dbt, "--no-use-colors", *args, "--project-dir", PROJECT_DIR, "--profiles-dir", PROJECT_DIR,
            "--target", target, "--vars", json.dumps(dbt_vars), *dbt_options(workdir)]


def run_dbt_checked(args, database, dbt_vars, workdir):
    from factor_warehouse.cli.dbt_runner import run_dbt

    # target dev: the profile `make build` uses (its memory_limit), not the test suite's smaller one
    result = run_dbt([*args, *dbt_options(workdir)], database=database, dbt_vars=dbt_vars, target="dev")
    if not result.success:
        raise SystemExit(f"dbt {' '.join(args)} failed on {database}: {result.exception or 'see '}"
                         f"{Path(workdir) / 'logs' / 'dbt.log'}")
    return result


def timed_dbt_run(args, database, dbt_vars, workdir):
    """`dbt <args>` in this process, timed: wall seconds (dbt's parse included), CPU seconds (user and
    system, DuckDB's threads included: less sensitive than wall to other jobs on shared cores), dbt's
    own elapsed time of the run, its execution time per model, and this process's peak RSS."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run_dbt_checked(args, database, dbt_vars, workdir)
    return {"wall_seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu_started,
            "run_seconds": result.result.elapsed_time,
            "model_seconds": {item.node.name: item.execution_time for item in result.result.results},
            "peak_rss_mb": peak_rss_megabytes()}


def run_child(module, stage, arguments):
    """`python -m <module> --stage <stage> <arguments>` in a fresh process, so that its peak memory is
    its own, from the project directory (benchmarks/ is not installed); the JSON of its last line."""
    command = [sys.executable, "-m", module, "--stage", stage, *(str(argument) for argument in arguments)]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR)
    if completed.returncode != 0:
        raise SystemExit(f"benchmark stage {stage} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def write_demo_panel(workdir, stocks, months, characteristics):
    """The deterministic demo panel (factor_warehouse.sources.panel_demo) as workdir/panel.parquet, and
    the seeds, into workdir/warehouse.duckdb; returns the panel's facts, the database and the dbt vars
    that read the panel."""
    from factor_warehouse.sources.panel_demo import write_panel

    path = Path(workdir) / "panel.parquet"
    started = time.perf_counter()
    written = write_panel(path, n_stocks=stocks, n_months=months, n_characteristics=characteristics)
    facts = {"rows": written.rows, "bytes": written.bytes, "seconds": time.perf_counter() - started}
    dbt_vars = {"panel": {"path": str(path), "sector_column": "sector"}}
    database = Path(workdir) / "warehouse.duckdb"
    run_dbt_checked(["seed"], database, dbt_vars, workdir)
    return facts, database, dbt_vars


def add_panel_options(parser, stocks, months, characteristics):
    """The options every panel benchmark takes: the demo panel's size, its directory, and the hidden
    ones a measured child stage is called with."""
    parser.add_argument("--stocks", type=int, default=stocks, help=f"mean stocks per month (default {stocks})")
    parser.add_argument("--months", type=int, default=months, help=f"months (default {months})")
    parser.add_argument("--characteristics", type=int, default=characteristics,
                        help=f"characteristics (default {characteristics})")
    parser.add_argument("--workdir", help="directory for the panel, the warehouse and dbt's logs (default: a temp dir)")
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--dbt-vars", default="{}", help=argparse.SUPPRESS)


def load_average_line():
    """The machine's load at the end of a run: the figures mean less when other work shared the cores."""
    one, five, fifteen = os.getloadavg()
    return f"load average at the end (1, 5, 15 min; {os.cpu_count()} cores): {one:.1f}, {five:.1f}, {fifteen:.1f}"
