"""Run numerical code with one BLAS / OpenMP thread (the decorator `one_blas_thread`)."""

import functools

from threadpoolctl import threadpool_limits


def one_blas_thread(function):
    """Run with one BLAS / OpenMP thread. The matrices are small (221 columns) and dbt runs
    models in parallel on few cores: measured on the demo data under load, the learning
    curve took 10 s with BLAS's default threads and 2 s with one."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1):
            return function(*args, **kwargs)

    return wrapper
