"""Keeping one crashed replication from sinking the others, and workers from outliving the run.

A worker process can die without raising anything Python can catch: a segmentation fault in
compiled code, or the operating system killing it when memory runs out. A process pool then
fails every job it holds (``BrokenProcessPool``), innocent ones included, without saying which
job killed it. Three pieces contain that:

- :func:`run_isolated` runs each of a few suspect jobs in a process of its own, so that a
  death can only be the fault of the job that process ran (:class:`WorkerDied` names the
  signal), and the innocent ones give their result.
- :func:`watch_parent`, the initializer of every worker process, ends the worker as soon as
  the process that started it is gone (killed, or ended without shutting its pool down), so
  that no worker is left running on its own.
- :func:`pool_worker_start`, the initializer of a process pool's workers, also tells the pool
  each worker's process id, so that the pool can find its workers among
  :func:`multiprocessing.active_children` and stop them (:func:`terminate`) at once: an
  interrupted experiment does not wait for the replications in progress.
"""

from __future__ import annotations

import multiprocessing as mp
import multiprocessing.connection as mpc
import os
import signal
import threading
from typing import Any, Callable, Hashable, Iterable, Iterator

__all__ = ["WorkerDied", "pool_worker_start", "pool_workers", "run_isolated", "terminate",
           "watch_parent"]

#: How often (seconds) a worker looks for its parent when the parent's sentinel says nothing
#: (under ``fork`` a sibling started later holds the sentinel pipe open until it ends itself).
_PARENT_POLL_S = 0.5


class WorkerDied(RuntimeError):
    """The process running a replication ended without a result (a crash or a kill)."""


def death_message(exitcode: int | None) -> str:
    """What a worker's exit code says about how it died, in words.

    Parameters
    ----------
    exitcode : int or None
        :attr:`multiprocessing.Process.exitcode` (negative: killed by that signal).

    Returns
    -------
    str
    """
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        why = {"SIGKILL": " (the system may have run out of memory)",
               "SIGSEGV": " (a crash in compiled code)"}.get(name, "")
        return f"the worker process running this replication was killed by {name}{why}"
    return (f"the worker process running this replication ended without a result "
            f"(exit code {exitcode})")


# ============================================================================================
# Workers end with their parent
# ============================================================================================

def _watch(sentinel: Any, ppid: int) -> None:
    while True:
        gone = bool(mpc.wait([sentinel], timeout=_PARENT_POLL_S)) if sentinel is not None else False
        if gone or os.getppid() != ppid:
            os._exit(1)  # the parent is gone: nobody will read this worker's result


def watch_parent() -> None:
    """End this process as soon as its parent process is gone (a worker initializer).

    A daemon thread waits on the parent's sentinel (every platform and start method) and, on
    POSIX, also checks every half second that the parent process is still the same.
    """
    parent = mp.parent_process()
    sentinel = parent.sentinel if parent is not None else None
    threading.Thread(target=_watch, args=(sentinel, os.getppid()), daemon=True,
                     name="workbench-watch-parent").start()


def pool_worker_start(pids: Any, stopping: Any) -> None:
    """Initializer of a process pool's workers: end with the parent (:func:`watch_parent`),
    put this process's id on ``pids`` (a ``SimpleQueue``), and end now if ``stopping`` (an
    ``Event``) is already set.

    The order makes :func:`pool_workers` miss no worker: a worker that puts its id after the
    pool has set ``stopping`` and read the queue sees ``stopping`` set and ends itself.
    """
    watch_parent()
    pids.put(os.getpid())
    if stopping.is_set():
        os._exit(1)  # the pool is being stopped: take no job


def pool_workers(pids: Any, stopping: Any) -> list[Any]:
    """The worker processes of a pool whose workers started with :func:`pool_worker_start`,
    as :class:`multiprocessing.Process` objects (children of this process still running), after
    setting ``stopping`` so that a worker not yet started ends by itself."""
    stopping.set()
    ids = set()
    while not pids.empty():
        ids.add(pids.get())
    return [p for p in mp.active_children() if p.pid in ids]


def terminate(processes: Iterable[Any], timeout: float = 5.0) -> None:
    """Stop worker processes now: terminate, wait up to ``timeout`` seconds, then kill."""
    procs = [p for p in processes if p is not None]
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout)
        if p.is_alive():
            p.kill()
            p.join(1.0)


# ============================================================================================
# One process per job
# ============================================================================================

def _child(conn: Any, fn: Callable, args: tuple) -> None:
    """Run ``fn(*args)`` and send ``(ok, value)`` back (module level: picklable under spawn)."""
    watch_parent()
    try:
        out = (True, fn(*args))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent
        out = (False, exc)
    try:
        conn.send(out)
    except Exception as exc:  # noqa: BLE001 - an unpicklable result or error
        conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    conn.close()


def run_isolated(fn: Callable, jobs: Iterable[tuple[Hashable, tuple]], workers: int,
                 context: Any = None) -> Iterator[tuple[Hashable, Any, BaseException | None]]:
    """Run each job in a new process of its own, at most ``workers`` at a time.

    Parameters
    ----------
    fn : callable
        A module-level function (picklable under ``spawn``).
    jobs : iterable of (tag, args)
    workers : int
        Processes running at once.
    context : multiprocessing context, optional
        Start method (default: the platform's).

    Yields
    ------
    (tag, result, error)
        As each job finishes: its result, or the exception it raised, or :class:`WorkerDied`
        when its process ended without a result.
    """
    ctx = context or mp.get_context()
    todo = list(jobs)[::-1]
    running: dict[Any, tuple[Hashable, Any, Any]] = {}  # reader -> (tag, process, reader)
    try:
        while todo or running:
            while todo and len(running) < max(1, workers):
                tag, args = todo.pop()
                reader, writer = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(writer, fn, args), daemon=True,
                                   name="workbench-isolated")
                proc.start()
                writer.close()  # only the child writes: its death closes the pipe
                running[reader] = (tag, proc, reader)
            for reader in mpc.wait(list(running)):
                tag, proc, _ = running.pop(reader)
                try:
                    ok, value = reader.recv()
                except (EOFError, OSError):  # it died before sending anything
                    ok, value = None, None
                reader.close()
                proc.join()
                if ok is None:
                    yield tag, None, WorkerDied(death_message(proc.exitcode))
                else:
                    yield (tag, value, None) if ok else (tag, None, value)
    finally:
        terminate([p for _, p, _ in running.values()])
        for reader in running:
            reader.close()
