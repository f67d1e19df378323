"""The engine: the one place that drives SimPy. Every other model file schedules through it.

What the model needs from a discrete-event kernel is small: "call this function at that time",
"wake this worker on the next step of the completion grid", processes that wait (the weekly
workforce round, the morning round, the weekly observer), and the current time. The engine
offers exactly that, on a :class:`simpy.Environment`:

- :meth:`Engine.call_in` / :meth:`Engine.call_at` schedule a plain function call. Most of a run's
  ~100,000 events are these, so each is a minimal object (:class:`_Call`).
- A **day wheel** keeps calls due after tomorrow (plan ends a year away, re-referrals) in a bucket
  per day and moves them onto SimPy's heap, at their exact times, the morning before their day,
  so that the heap holds a few hundred events instead of thousands.
- **Wake rounds**: workers whose next completion falls on the same step of the completion grid
  share one event.
- **Flushing**: a handler marks the workers whose load changed (:meth:`Engine.mark`); the engine
  re-times each of them once, after every scheduled call, after each worker of a wake round, and
  before a process waits (:meth:`Engine.timeout`). No handler has to remember it.

Two paths, chosen once per run (:attr:`Engine.fast`):

- the **fast path** keeps the calls in the engine's own heap, ordered by native (time, id) where
  the id is the one SimPy would have given the event, and :meth:`Engine.run` takes, at each
  step, whichever comes first by SimPy's own order: the next call, run directly, or SimPy's next
  event, run by SimPy (the processes). SimPy's heap then holds only the processes' few events,
  and a call costs neither tuple comparisons nor SimPy's interpreted ``step``;
- the **public path** uses only SimPy's public API: each call is a ``Timeout`` with the call as
  its callback.

They give identical results (``tests/test_model_engine.py`` checks the reference runs on the
public path); the fast path is used where the installed SimPy keeps its heap as SimPy 4 does,
because a ``Timeout`` per call costs more (figures in benchmarks/README.md). A SimPy release that
changes its internals (``_queue``, ``_eid``, ``_now``) therefore still runs the model, on the
public path.
"""

from __future__ import annotations

from typing import Any, Callable, Final, Generator, Optional

import simpy

from .heap import Keyed
from .heap import pop as heap_pop
from .heap import push as heap_push

_NORMAL: Final = 1   # simpy.events.NORMAL: the priority of an ordinary event


class _Call(Keyed):
    """A scheduled call on the fast path, in the engine's own heap (see :meth:`Engine.run`):
    ``key`` is its time and ``seq`` the event id SimPy would have given it (its place among
    events at the same time)."""

    def __init__(self, engine: Engine, fn: Callable[..., Any], args: tuple[Any, ...],
                 t: float, eid: int) -> None:
        super().__init__(t, eid)
        self.engine: Engine = engine
        self.fn: Callable[..., Any] = fn
        self.args: tuple[Any, ...] = args


class _Callback:
    """The public path's scheduled call: a callback on a SimPy ``Timeout``."""

    def __init__(self, engine: Engine, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.engine: Engine = engine
        self.fn: Callable[..., Any] = fn
        self.args: tuple[Any, ...] = args

    def __call__(self, _event: Any) -> None:
        self.fn(*self.args)
        eng = self.engine
        if eng.dirty:
            eng.flush()


def fast_path_available(env: Any) -> bool:
    """Whether ``env`` keeps its events as SimPy 4 does: a heap list ``_queue`` of
    ``(time, priority, id, event)`` and an id counter ``_eid``."""
    return isinstance(getattr(env, "_queue", None), list) and hasattr(env, "_eid") \
        and hasattr(env, "_now")


class Engine:
    """Scheduling for one run. ``wake_step_days``: the completion grid (0: exact times)."""

    def __init__(self, wake_step_days: float = 0.0, fast: Optional[bool] = None) -> None:
        self.env: Any = simpy.Environment()
        self.fast: bool = fast_path_available(self.env) if fast is None else bool(fast)
        self.queue: list[Any] = self.env._queue if self.fast else []
        self.eid: Any = self.env._eid if self.fast else None
        self.calls: list[_Call] = []   # the fast path's scheduled calls (a heap)
        self.wheel_on: bool = False
        self.wheel_day: int = 0
        self.wheel: dict[int, list[tuple[float, Callable[..., Any], tuple[Any, ...]]]] = {}
        self.wake_step: float = wake_step_days
        self.wake_rounds: dict[int, list[tuple[Any, int]]] = {}
        self.groups: dict[Any, list[tuple[Callable[..., Any], tuple[Any, ...]]]] = {}
        self.dirty: list[Any] = []   # workers to re-time (each has .retime(now))

    # ------------------------------------------------------------------ time
    def now(self) -> float:
        """The current simulated time (days from the start)."""
        return self.env._now if self.fast else float(self.env.now)

    # ------------------------------------------------------------------ scheduled calls
    def call_in(self, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` after ``delay`` days."""
        self._push(self.now() + delay, fn, args)

    def call_at(self, t: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` at time ``t`` (days, not before now)."""
        self._push(t, fn, args)

    def _push(self, t: float, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        if self.wheel_on:
            day = int(t)
            if day > self.wheel_day + 1:
                # beyond tomorrow: wait in the day's bucket (see start_days)
                bucket = self.wheel.get(day)
                if bucket is None:
                    self.wheel[day] = [(t, fn, args)]
                else:
                    bucket.append((t, fn, args))
                return
        self._enqueue(t, fn, args)

    def _enqueue(self, t: float, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        if self.fast:
            # the id SimPy would give it (its order among events at the same time), in the
            # engine's own heap, merged with SimPy's in run()
            heap_push(self.calls, _Call(self, fn, args, t, next(self.eid)))
        else:
            # public API only: a Timeout with the call as its callback
            timeout = self.env.timeout(t - self.env.now)
            timeout.callbacks.append(_Callback(self, fn, args))

    # ------------------------------------------------------------------ calls that share an event
    def call_together(self, key: Any, t: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` at time ``t`` in one event with every other call booked under the
        same ``key`` (e.g. all the stages that end at one time), in the order booked."""
        due = self.groups.get(key)
        if due is None:
            self.groups[key] = [(fn, args)]
            self.call_at(t, self._group_round, key)
        else:
            due.append((fn, args))

    def _group_round(self, key: Any) -> None:
        for fn, args in self.groups.pop(key, ()):
            fn(*args)

    # ------------------------------------------------------------------ wake rounds
    def book_wake(self, worker: Any, t: float, token: int) -> None:
        """Call ``worker.wake(token)`` at grid time ``t``, in one event with every other worker
        due then.

        The same idea as :meth:`call_together`, kept apart because it is the hottest booking of
        a run and re-times the workers between wakes: through ``call_together`` (a bound method
        and a tuple per booking) a replication took several per cent longer."""
        key = int(round(t / self.wake_step))
        due = self.wake_rounds.get(key)
        if due is None:
            self.wake_rounds[key] = [(worker, token)]
            self.call_at(t, self._wake_round, key)
        else:
            due.append((worker, token))

    def _wake_round(self, key: int) -> None:
        due = self.wake_rounds.pop(key, None)
        if due is not None:
            for w, token in due:
                w.wake(token)
                if self.dirty:
                    self.flush()

    # ------------------------------------------------------------------ re-timing
    def mark(self, worker: Any) -> None:
        """Re-time ``worker`` at the end of the current step (once however often marked: the
        worker keeps her own ``dirty`` flag)."""
        self.dirty.append(worker)

    def flush(self) -> None:
        """Re-time every marked worker (once each)."""
        dirty = self.dirty
        if dirty:
            now = self.now()
            while dirty:
                dirty.pop().retime(now)

    # ------------------------------------------------------------------ processes
    def process(self, generator: Generator[Any, Any, Any]) -> None:
        """Start a SimPy process; it waits with :meth:`timeout` or :meth:`wait_until`."""
        self.env.process(generator)

    def timeout(self, delay: float) -> Any:
        """A SimPy timeout of ``delay`` days, after re-timing the marked workers."""
        self.flush()
        return self.env.timeout(delay)

    def wait_until(self, t: float) -> Any:
        """A SimPy timeout until time ``t``, after re-timing the marked workers."""
        self.flush()
        return self.env.timeout(t - self.env.now)

    def start_days(self, horizon: float, on_morning: Callable[[int], None]) -> None:
        """Turn the day wheel each morning (day 1, 2, ... up to ``horizon``): tomorrow's calls go
        onto SimPy's heap, then ``on_morning(day)`` runs."""
        self.wheel_on = True
        self.process(self._mornings(horizon, on_morning))

    def _mornings(self, horizon: float, on_morning: Callable[[int], None]) -> Any:
        day = 1
        while day <= horizon:
            yield self.wait_until(day)
            self.wheel_day = day
            for t, fn, args in self.wheel.pop(day + 1, ()):
                self._enqueue(t, fn, args)
            on_morning(day)
            day += 1
        self.flush()

    def events_processed(self) -> int:
        """SimPy events processed so far (scheduled less still pending); for benchmarks."""
        return next(self.env._eid) - len(self.env._queue) - len(self.calls)

    def run(self, until: float) -> None:
        """Run to time ``until`` (days).

        On the fast path the scheduled calls wait in the engine's own heap, ordered by native
        (time, id) instead of SimPy's tuples, and each step takes whichever comes first, a call
        or SimPy's next event, by SimPy's own order (time, priority, id; a call has SimPy's
        normal priority and the id SimPy would have given it). The order of everything is
        therefore exactly SimPy's; SimPy itself still runs the processes (rounds, observer).
        """
        env = self.env
        if not self.fast:
            env.run(until=until)
            return
        if until <= env._now:
            raise ValueError(f"until (={until}) must be greater than the current simulation time")
        # SimPy's own stop: an urgent event at ``until`` that ends the run (as Environment.run)
        stop = simpy.Event(env)
        stop._ok = True
        stop._value = None
        env.schedule(stop, simpy.events.URGENT, until - env._now)
        stop.callbacks.append(simpy.core.StopSimulation.callback)
        queue = self.queue
        calls = self.calls
        try:
            while True:
                if calls:
                    c = calls[0]
                    head = queue[0]
                    ht: float = head[0]
                    if c.key < ht or (c.key == ht and (_NORMAL < head[1] or (
                            _NORMAL == head[1] and c.seq < head[2]))):
                        heap_pop(calls)
                        env._now = c.key
                        c.fn(*c.args)
                        if self.dirty:
                            self.flush()
                        continue
                env.step()
        except simpy.core.StopSimulation:
            return
        except simpy.core.EmptySchedule:
            return
