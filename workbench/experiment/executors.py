"""Where replications run."""

from __future__ import annotations

import concurrent.futures as cf
import functools
import os
from typing import Callable


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
    return None


class _ProgressExecutor(cf.Executor):
    """Runs replications on a process pool kept between runs (or in this process, ``serial``)
    and calls ``on_done()`` in the caller's thread as each finished replication is collected."""

    def __init__(self, kind: str = "process", max_workers: int | None = None):
        if kind not in ("process", "serial"):
            raise ValueError(f"executor must be 'process' or 'serial' (got {kind!r})")
        self.kind = kind
        self._max_workers = 1 if kind == "serial" else (max_workers or os.cpu_count() or 1)
        self._pool: cf.ProcessPoolExecutor | None = None
        self.on_done: Callable[[], None] | None = None

    def _tick(self) -> None:
        if self.on_done is not None:
            self.on_done()

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
            if self._pool is None:
                self._pool = cf.ProcessPoolExecutor(max_workers=self._max_workers)
            try:
                inner = self._pool.submit(fn, *args, **kwargs)
                break
            except cf.process.BrokenProcessPool:
                self._pool = None  # a worker died in an earlier run: start a fresh pool
                if attempt:
                    raise
        outer = _TickFuture(self, inner)
        inner.add_done_callback(functools.partial(_copy_state, outer))
        return outer

    def warm_up(self) -> None:
        """Start the worker processes now (in the background), so that the first Run does not
        wait for them."""
        if self.kind == "process" and self._pool is None:
            self._pool = cf.ProcessPoolExecutor(max_workers=self._max_workers)
            for _ in range(self._max_workers):
                self._pool.submit(_noop)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
            self._pool = None


