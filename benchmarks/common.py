"""What the benchmarks share: the peak memory of a process and dbt runs that keep their
target/ and logs/ in the benchmark's own directory."""

from pathlib import Path


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


def run_dbt_checked(args, database, dbt_vars, workdir):
    from factor_warehouse.cli.dbt_runner import run_dbt

    result = run_dbt([*args, *dbt_options(workdir)], database=database, dbt_vars=dbt_vars)
    if not result.success:
        raise SystemExit(f"dbt {' '.join(args)} failed on {database}: {result.exception or 'see '}"
                         f"{Path(workdir) / 'logs' / 'dbt.log'}")
    return result
