"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

All three are ``concurrent.futures`` executors, so the batch loop does not care
which it has. Local workers come from a *forkserver* that has already imported
the model (forking a process that runs threads is unsafe; spawning a fresh
interpreter per worker costs a second each); where there is no forkserver
(Windows), they are spawned. A Dask scheduler is reached with a
short connect timeout, so an unreachable address fails at once instead of hanging.
"""

from __future__ import annotations

import gc
import os
import re
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from escalation.errors import InputError

CONNECT_TIMEOUT = 5  # seconds to reach a Dask scheduler
ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$")


class InlineExecutor(Executor):
    """Runs each task as it is submitted, in this process: one worker, no start-up cost."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


@dataclass
class Pool:
    """An open executor, how many tasks to keep in flight on it, and what it is."""

    executor: Executor
    capacity: Callable[[], int]  # asked again as tasks finish: a cluster's workers may join late
    label: str

    def abandon(self) -> None:
        """Stop submitting and drop queued tasks (after an interrupt or a failed chunk)."""
        if isinstance(self.executor, ProcessPoolExecutor):
            self.executor.shutdown(wait=False, cancel_futures=True)


def check_executor(executor) -> str | None:
    """``None`` for local processes, or the Dask scheduler address; refuse anything else."""
    if executor is None or isinstance(executor, Executor) or executor == "local":
        return None
    text = str(executor).strip()
    match = ADDRESS.match(text)
    if not match or not 0 < int(match.group(2)) < 65536:
        raise InputError(f"--executor '{executor}': expected 'local' or a Dask scheduler address such as tcp://127.0.0.1:8786")
    return text if "://" in text else f"tcp://{text}"


@contextmanager
def open_pool(executor, workers: int | None, tasks: int):
    """Yield a :class:`Pool` for ``tasks`` tasks; close whatever was opened here on the way out."""
    if isinstance(executor, Executor):
        yield Pool(executor, lambda: 2 * max(workers or 1, 1), "the given executor")
        return
    address = check_executor(executor)
    if address:
        client = _connect(address)
        try:
            yield Pool(client.get_executor(pure=False), lambda: 2 * max(sum(client.nthreads().values()), 1), f"the Dask scheduler at {address}")
        finally:
            client.close()
        return
    n = max(1, min(workers or os.cpu_count() or 1, tasks))
    if n == 1:
        yield Pool(InlineExecutor(), lambda: 1, "1 local worker")
        return
    import multiprocessing

    context: multiprocessing.context.BaseContext
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["escalation.ensemble.batch"])
    else:
        context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(n, mp_context=context, initializer=_worker_init, initargs=(os.getpid(),)) as pool:
        yield Pool(pool, lambda: 2 * n, f"{n} local workers")


def _worker_init(batch: int) -> None:
    # Ctrl-C reaches the whole process group: let the parent alone decide what to do
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the imported modules live as long as the worker: keep them out of each chunk's garbage collection
    gc.freeze()
    # a batch killed outright (kill -9) cannot stop its workers, which would wait for work forever: they watch it
    threading.Thread(target=_exit_after, args=(batch,), name="watch-batch", daemon=True).start()


def _exit_after(batch: int, every: float = 1.0) -> None:
    """End this worker once the batch process that started it is gone."""
    while True:
        time.sleep(every)
        if not _alive(batch):
            os._exit(1)


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate it there; a spawned worker's parent is the batch
        import multiprocessing

        parent = multiprocessing.parent_process()
        return parent is None or parent.is_alive()
    try:
        os.kill(pid, 0)
    except OSError:  # gone (or its number reused by another user's process)
        return False
    return True


def _connect(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--executor needs Dask: pip install 'escalation[cluster]'") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InputError(f"--executor {address}: cannot reach a Dask scheduler there within {CONNECT_TIMEOUT} s ({_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
