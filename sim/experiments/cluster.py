"""Where many runs execute: an embedded Dask LocalCluster by default, or a Dask cluster given by address.

Sweeps and calibration both take a ``--scheduler tcp://HOST:PORT`` option and a number of local workers; this is
the one place that turns those into a ``distributed.Client``. The scheduling itself is Dask's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator

from scenarios.errors import UserError


def default_workers() -> int:
    """Local worker processes when none are asked for: one per core."""
    return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[object]:
    """A ``distributed.Client``: connected to ``scheduler`` (or ``$DASK_SCHEDULER_ADDRESS``) when given, otherwise to
    a LocalCluster of ``workers`` single-threaded processes (the model is numpy-bound and holds the GIL)."""
    from distributed import Client, LocalCluster

    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        try:
            client = Client(address, timeout="10s")
        except OSError as err:
            raise UserError(f"--scheduler {address}: cannot reach a Dask scheduler there ({err})") from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers if workers is not None else default_workers()
    if n < 1:
        raise UserError(f"--workers {n}: needs at least 1 worker")
    # The worker processes start with Ctrl+C ignored (a disposition a spawned process keeps): Ctrl+C reaches the
    # whole process group, and only this process should answer it, by closing the cluster; otherwise every
    # worker prints its own KeyboardInterrupt traceback.
    with _sigint_ignored():
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.ERROR)
    client = Client(cluster)
    try:
        yield client
    finally:
        _close_quietly(client, cluster)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are the main thread's; a cluster started elsewhere keeps the default
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _close_quietly(client: object, cluster: object) -> None:
    """Close the client, then the cluster, without the heartbeat tracebacks of workers that still talk to a
    scheduler going away (distributed logs them as errors after a successful run); errors during the run itself
    were shown at the level set above."""
    def hush() -> None:
        logging.getLogger("distributed").setLevel(logging.CRITICAL)

    hush()
    with contextlib.suppress(Exception):
        client.run(hush)  # in every worker process
    with contextlib.suppress(Exception):
        client.close()
    with contextlib.suppress(Exception):
        cluster.close()

__all__ = ["dask_client", "default_workers"]
