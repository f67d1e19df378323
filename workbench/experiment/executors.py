"""Where replications run: in this process, on a local process pool, or on Dask distributed.

Two layers:

- :class:`_ProgressExecutor` is the package's one process-pool wrapper: a
  :class:`concurrent.futures.Executor` that keeps its worker processes between runs (the explorer
  reuses them run after run), starts a fresh pool after a worker died, and calls ``on_done()``
  in the caller's thread as each result is collected (the explorer's progress bar). Its workers
  end themselves when the process that started them is gone, and report their process ids so
  that an interrupted run can stop them at once (:func:`.isolation.pool_worker_start`).
- The backends of :func:`~workbench.experiment.run_experiment` (:func:`make_backend`): serial,
  any concurrent.futures executor (a :class:`_ProgressExecutor` for ``"process"``) and Dask.
  Each has ``workers`` and ``close(abort=False)``, and ``run(fn, jobs)`` yields
  ``(tag, result, error)`` as each job finishes: the result of ``fn(*args)``, or the exception it
  raised, or :class:`~.isolation.WorkerDied` when the process running it died.

A dead worker (a segmentation fault, the system out of memory) breaks a process pool and fails
every job in it. The pool backend therefore keeps only ``workers + 1`` jobs in the pool at a
time, and runs the jobs a broken pool failed again, each in a process of its own
(:func:`.isolation.run_isolated`): the innocent ones give their results, and the death is
reported against the one job whose own process died. Dask runs a dead worker's jobs again
itself and gives up on a job after several deaths (``KilledWorker``), which can catch an
innocent job queued on the same worker: each job it gave up on runs again alone on the
cluster, so that only the guilty one is reported. A local cluster whose workers all died and
were not restarted runs the jobs it had left each in a process of its own, as the pool does.
The serial backend runs in this process and cannot outlive a crash of its own.

Everything sent to a worker process is a module-level function and picklable arguments, so the
pools work with the ``spawn`` start method (Windows, macOS) as well as ``fork``.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import multiprocessing as mp
import os
import re
import time
from collections import deque
from typing import Any, Callable, Hashable, Iterable, Iterator

from .isolation import WorkerDied, pool_worker_start, pool_workers, run_isolated, terminate

__all__ = ["EXECUTORS", "make_backend"]

#: The executors named by a string.
EXECUTORS = ("serial", "process", "dask")

#: A job: a tag handed back with its result, and the arguments of the worker function.
Job = tuple[Hashable, tuple]
#: What a backend yields per job: its tag, the result (None on error) and the error (or None).
Outcome = tuple[Hashable, Any, "BaseException | None"]


# ============================================================================================
# The process pool
# ============================================================================================

class _TickFuture(cf.Future):
    """A future whose result, once collected, moves the progress bar (in the caller's thread)."""

    def __init__(self, owner: "_ProgressExecutor", inner: cf.Future | None = None):
        super().__init__()
        self._owner = owner
        self._inner = inner
        self._ticked = False

    def _tick(self):
        if not self._ticked:
            self._ticked = True
            self._owner._tick()

    def result(self, timeout=None):
        try:
            return super().result(timeout)
        finally:
            if self.done():
                self._tick()

    def cancel(self):
        if self._inner is not None:
            self._inner.cancel()
        return super().cancel()


def _copy_state(outer: _TickFuture, inner: cf.Future) -> None:
    """Hand the pool's future's outcome to the future the caller holds."""
    try:
        if outer.done():
            return
        if inner.cancelled():
            outer.cancel()
        elif inner.exception() is not None:
            outer.set_exception(inner.exception())
        else:
            outer.set_result(inner.result())
    except cf.InvalidStateError:  # cancelled meanwhile
        pass


def _noop() -> None:
    """A job that only makes a worker process start (module level: picklable under spawn)."""
    return None


class _ProgressExecutor(cf.Executor):
    """Runs jobs on a process pool kept between runs (or in this process, ``serial``) and calls
    ``on_done()`` in the caller's thread as each finished job's result is collected.

    Parameters
    ----------
    kind : {"process", "serial"}
        A pool of worker processes, or this process (each job runs when submitted).
    max_workers : int, optional
        Worker processes (default: ``os.cpu_count()``).
    mp_context : str or multiprocessing context, optional
        Start method of the worker processes, e.g. ``"spawn"`` (default: the platform's).

    Attributes
    ----------
    on_done : callable or None
        Called with no arguments as each result is collected.
    """

    def __init__(self, kind: str = "process", max_workers: int | None = None,
                 mp_context: str | Any | None = None):
        if kind not in ("process", "serial"):
            raise ValueError(f"executor must be 'process' or 'serial' (got {kind!r})")
        self.kind = kind
        self._max_workers = 1 if kind == "serial" else (max_workers or os.cpu_count() or 1)
        self._context = mp.get_context(mp_context) if isinstance(mp_context, str) else mp_context
        self._pool: cf.ProcessPoolExecutor | None = None
        self._pids: Any = None        # the pool's workers put their process ids here
        self._stopping: Any = None    # set when the pool is stopped: a starting worker ends
        self.on_done: Callable[[], None] | None = None

    def _tick(self) -> None:
        if self.on_done is not None:
            self.on_done()

    def _start(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            ctx = self._context or mp.get_context()
            self._pids = ctx.SimpleQueue()
            self._stopping = ctx.Event()
            self._pool = cf.ProcessPoolExecutor(max_workers=self._max_workers, mp_context=ctx,
                                                initializer=pool_worker_start,
                                                initargs=(self._pids, self._stopping))
        return self._pool

    def submit(self, fn, /, *args, **kwargs):
        if self.kind == "serial":
            fut = _TickFuture(self)
            try:
                fut.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller via the future
                fut.set_exception(exc)
            fut._tick()
            return fut
        for attempt in (0, 1):
            try:
                inner = self._start().submit(fn, *args, **kwargs)
                break
            except cf.BrokenExecutor:
                self._pool = None  # a worker died in an earlier run: start a fresh pool
                if attempt:
                    raise
        outer = _TickFuture(self, inner)
        inner.add_done_callback(functools.partial(_copy_state, outer))
        return outer

    def warm_up(self) -> None:
        """Start the worker processes now (in the background), so that the first run does not
        wait for them."""
        if self.kind == "process" and self._pool is None:
            pool = self._start()
            for _ in range(self._max_workers):
                pool.submit(_noop)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
            self._pool = None

    def terminate(self) -> None:
        """Stop the worker processes now, without waiting for the jobs they are running (an
        interrupted experiment); the next job starts a fresh pool."""
        pool, self._pool = self._pool, None
        if pool is not None:
            # the workers are found by the process ids they reported when they started
            procs = pool_workers(self._pids, self._stopping)
            pool.shutdown(wait=False, cancel_futures=True)
            terminate(procs)
            self._pids.close()


# ============================================================================================
# Backends of run_experiment
# ============================================================================================

class _Serial:
    """In this process, one job after another (each yielded as soon as it is done)."""

    name = "serial"
    workers = 1

    def run(self, fn: Callable, jobs: Iterable[Job]) -> Iterator[Outcome]:
        for tag, args in jobs:
            try:
                res = fn(*args)
            except Exception as exc:  # noqa: BLE001 - reported with its job by the caller
                yield tag, None, exc
            else:
                yield tag, res, None

    def close(self, abort: bool = False) -> None:
        pass


class _Futures:
    """A concurrent.futures executor: the one given, or a :class:`_ProgressExecutor` pool of
    ``max_workers`` processes (shut down by :meth:`close`)."""

    name = "process"

    def __init__(self, executor: cf.Executor | None = None, max_workers: int | None = None):
        self._owned = executor is None
        self._ex = _ProgressExecutor("process", max_workers) if executor is None else executor
        self.workers = getattr(self._ex, "_max_workers", max_workers or os.cpu_count() or 1)

    def run(self, fn: Callable, jobs: Iterable[Job]) -> Iterator[Outcome]:
        queue = deque(jobs)
        live: dict[cf.Future, Job] = {}
        suspects: list[Job] = []  # jobs in the pool when a worker died
        try:
            while queue or live:
                # only workers + 1 jobs in the pool: a dead worker fails no more than these
                while queue and len(live) <= self.workers:
                    try:
                        f = self._ex.submit(fn, *queue[0][1])
                    except cf.BrokenExecutor:
                        break  # a given pool that cannot restart: the rest run one by one
                    live[f] = queue.popleft()
                if not live:
                    break
                done, _ = cf.wait(live, return_when=cf.FIRST_COMPLETED)
                for f in done:
                    tag, args = live.pop(f)
                    try:
                        res = f.result()
                    except cf.BrokenExecutor:
                        suspects.append((tag, args))
                    except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable argument
                        yield tag, None, exc
                    else:
                        yield tag, res, None
            if suspects or queue:
                ctx = getattr(self._ex, "_context", None) or getattr(self._ex, "_mp_context", None)
                yield from run_isolated(fn, suspects + list(queue), self.workers, ctx)
        finally:
            for f in live:
                f.cancel()

    def close(self, abort: bool = False) -> None:
        """Shut the pool down (if this backend started it); ``abort``: without waiting for the
        jobs in progress."""
        if self._owned:
            if abort and isinstance(self._ex, _ProgressExecutor):
                self._ex.terminate()
            else:
                self._ex.shutdown(wait=not abort, cancel_futures=True)


#: Seconds a Dask cluster may have no worker before its pending jobs are reported as failed,
#: and how often it is looked at.
NO_WORKER_WAIT = 30.0
_DASK_POLL = 2.0
#: What a job left pending on a cluster with no worker is told.
NO_WORKER_LEFT = ("the Dask cluster has no worker left (its workers died and were not "
                  "restarted), so this replication could not run")


class _Dask:
    """Dask distributed: a scheduler at ``address``, a given Client, or a new LocalCluster of
    ``max_workers`` single-threaded worker processes."""

    name = "dask"

    def __init__(self, address=None, client=None, max_workers: int | None = None):
        from distributed import Client, LocalCluster

        self._cluster = None
        self._own_client = client is None
        if client is not None:
            self.client = client
        elif address:
            self.client = dask_client(address)
        else:
            import logging

            self._cluster = LocalCluster(n_workers=max_workers or os.cpu_count() or 1,
                                         threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self._cluster)
        info = self.client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def run(self, fn: Callable, jobs: Iterable[Job]) -> Iterator[Outcome]:
        stem = f"{getattr(fn, '__name__', 'job').strip('_')}-{time.time_ns()}"
        live: dict[str, tuple[Any, Job]] = {}

        def submit(job: Job):
            # pure=False and a fresh key: the same job asked for twice runs twice
            f = self.client.submit(fn, *job[1], pure=False, key=f"{stem}-{len(live)}")
            live[f.key] = (f, job)
            return f

        suspects: list[Job] = []
        orphans: list[Job] = []  # left pending on a local cluster with no worker
        try:
            for f, exc in self._as_done([submit(job) for job in jobs]):
                job = live[f.key][1]
                res, exc = (None, exc) if exc is not None else self._outcome(f)
                if self._orphan(exc):
                    orphans.append(job)
                elif isinstance(exc, WorkerDied) and exc.args[0] != NO_WORKER_LEFT:
                    # the jobs queued on a dying worker share its blame: try each again alone
                    suspects.append(job)
                else:
                    yield job[0], res, exc
            for job in suspects:
                if orphans:  # the cluster is empty: the suspects run alone, here
                    orphans.append(job)
                    continue
                for f, exc in self._as_done([submit(job)]):
                    out = (None, exc) if exc is not None else self._outcome(f)
                    if self._orphan(out[1]):
                        orphans.append(job)
                    else:
                        yield (job[0], *out)
            if orphans:
                # a local cluster left with no worker (its workers died and were not
                # restarted) runs no more: run each job in a process of its own on this
                # machine, as the process backend does after a broken pool, so that the
                # innocent ones give their results and a death is blamed on its own job
                yield from run_isolated(fn, orphans, self.workers)
        finally:
            self.client.cancel([f for f, _ in live.values()])

    def _orphan(self, exc: BaseException | None) -> bool:
        """Whether ``exc`` says the job was left pending on this backend's own local cluster
        with no worker (the jobs of a scheduler the user gave are reported as failed)."""
        return (self._cluster is not None and isinstance(exc, WorkerDied)
                and exc.args[0] == NO_WORKER_LEFT)

    def _as_done(self, futures: list) -> Iterator[tuple[Any, BaseException | None]]:
        """Each future as it finishes, in the order they finish (``(future, None)``); once the
        cluster has had no worker for :data:`NO_WORKER_WAIT` seconds, every future still
        pending as ``(future, WorkerDied)``. A worker that ends with an exit status (``exit()``
        from compiled code) is not always restarted: after a few, a local cluster had no worker
        left, and the experiment waited for ever with no word (H87, round 16)."""
        from distributed import wait

        pending = list(futures)
        empty_since: float | None = None
        while pending:
            try:
                wait(pending, timeout=_DASK_POLL, return_when="FIRST_COMPLETED")
            except TimeoutError:
                pass
            done = [f for f in pending if f.done()]
            pending = [f for f in pending if not f.done()]
            for f in done:
                yield f, None
            if not pending or done:
                empty_since = None
                continue
            empty_since = self._no_worker_since(empty_since)
            if empty_since is not None and time.monotonic() - empty_since >= NO_WORKER_WAIT:
                for f in pending:
                    yield f, WorkerDied(NO_WORKER_LEFT)
                return

    def _no_worker_since(self, since: float | None) -> float | None:
        """When the cluster was first seen with no worker (``since``, or now), or None when
        it has a worker."""
        if self.client.scheduler_info().get("workers"):
            return None
        return time.monotonic() if since is None else since

    def _outcome(self, f) -> tuple[Any, BaseException | None]:
        """A finished future's ``(result, error)``, as :func:`_dask_outcome`; or
        ``WorkerDied`` when its result was lost with its worker and the cluster has had no
        worker since for :data:`NO_WORKER_WAIT` seconds. A result is kept on the worker that
        made it until it is fetched: a replication that finished on a worker that died before
        its result was fetched waited for ever on a cluster with no worker left."""
        since: float | None = None
        while f.status != "error" and not f.cancelled():
            try:
                return f.result(timeout=_DASK_POLL), None
            except TimeoutError:  # its result is not here yet (made again, or lost)
                since = self._no_worker_since(since)
                if since is not None and time.monotonic() - since >= NO_WORKER_WAIT:
                    return None, WorkerDied(NO_WORKER_LEFT)
            except Exception:  # noqa: BLE001 - said by _dask_outcome below
                break
        return _dask_outcome(f)

    def close(self, abort: bool = False) -> None:
        if self._own_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def dask_client(address: str):
    """A Dask client of the scheduler at ``address``, or a UserError saying it could not be
    reached (a mistyped or unreachable --scheduler ended in distributed's traceback)."""
    from distributed import Client

    try:
        return Client(address)
    except (OSError, ValueError, TypeError) as exc:
        from ..errors import UserError

        why = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise UserError(f"--scheduler {address!r}: no Dask scheduler could be reached "
                        f"there ({why}); give its address as tcp://HOST:PORT, or leave "
                        f"--scheduler out to run on a local cluster") from None


def _dask_outcome(f) -> tuple[Any, BaseException | None]:
    """A finished Dask future's ``(result, error)``; ``KilledWorker`` as :class:`WorkerDied`."""
    try:
        return f.result(), None
    except Exception as exc:  # noqa: BLE001 - reported with its job by the caller
        if type(exc).__name__ == "KilledWorker":
            # Dask ran it again on other workers, and each died while it was there; its own
            # words name its task key, a worker's address and a web page
            tries = re.search(r"on (\d+) different workers", str(exc))
            tried = f"it was tried on {tries.group(1)} workers in turn, and " if tries else ""
            return None, WorkerDied(f"every Dask worker process that ran this replication "
                                    f"died ({tried}each ended while running it: a crash in "
                                    f"compiled code, or the system out of memory)")
        return None, exc


def make_backend(executor: Any, max_workers: int | None = None, scheduler: str | None = None):
    """The backend for ``executor``.

    Parameters
    ----------
    executor : {"serial", "process", "dask"}, or a concurrent.futures.Executor, or a dask Client
    max_workers : int, optional
        Worker processes of a new process pool or LocalCluster (default: ``os.cpu_count()``).
    scheduler : str, optional
        Dask scheduler address (``"dask"`` only; default: a new LocalCluster).

    Raises
    ------
    ValueError
        For anything else.
    """
    if isinstance(executor, str):
        if executor == "serial":
            return _Serial()
        if executor == "process":
            return _Futures(max_workers=max_workers)
        if executor == "dask":
            return _Dask(address=scheduler, max_workers=max_workers)
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)} (got {executor!r})")
    if isinstance(executor, cf.Executor):
        return _Futures(executor=executor)
    if type(executor).__name__ == "Client" and hasattr(executor, "submit"):
        return _Dask(client=executor)
    raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, a concurrent.futures "
                     f"Executor or a dask Client (got {type(executor).__name__})")
