"""The simulation: referral demand flowing through teams staffed by a capped workforce.

``simulate(scenario, seed)`` is a pure function: a new SimPy environment per call, no module
state, every random draw from a named stream spawned from the seed. Processes only record what
happened in the event log; :mod:`workbench.metrics` computes KPIs and weekly series afterwards.
"""

from __future__ import annotations

import gc
import heapq
import math
from collections import deque
from typing import Any, Callable, Final, Optional

import numpy as np
import pandas as pd
import simpy

from ..calendar import WorkingCalendar
from ..scenario import STAGES, WORKER_TYPES, Scenario
from . import records as R
from .child import Child, StageInfo, Task
from .demand import family_arrivals
from .run import Run
from .streams import Router, Sampler, Uniforms, stream
from .team import Team
from .worker import Worker

STAGE_INDEX = {s: i for i, s in enumerate(STAGES)}


def _dispatch(ev: _Call) -> None:
    ev.fn(*ev.args)


class _Call:
    """A scheduled call: the least a SimPy environment needs to process an event."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.callbacks: Optional[list[Callable[[Any], None]]] = [_dispatch]
        self._ok: bool = True
        self._value: Any = None
        self.fn: Callable[..., Any] = fn
        self.args: tuple[Any, ...] = args


FRONT_DOOR: Final = -1
_NORMAL: Final = 1   # simpy.events.NORMAL: the priority of an ordinary event



class Simulation:
    """Builds the model for one scenario and seed and runs it. Use :func:`simulate`."""

    def __init__(self, scenario: Scenario, seed: int, horizon_days: Optional[float] = None):
        sc = scenario
        self.scenario: Any = scenario
        self.seed: int = int(seed)
        self.horizon: float = float(horizon_days if horizon_days is not None else sc.horizon_days)
        self.env: Any = simpy.Environment()
        self.env_queue: list[Any] = self.env._queue   # SimPy's event heap (see call_at)
        self.env_eid: Any = self.env._eid             # SimPy's event counter
        # A timing wheel in front of SimPy's heap: calls due after tomorrow (plan ends a year
        # away, re-referrals) wait in a bucket per day and are put on the heap, at their exact
        # times, the morning before their day. The heap stays small (a few hundred events rather
        # than thousands), so each event costs fewer comparisons. On only while _mornings runs.
        self.wheel_on: bool = False
        self.wheel_day: int = 0
        self.wheel: dict[int, list[tuple[float, Callable[..., Any], tuple[Any, ...]]]] = {}
        # Workers' wake-ups fall on a grid of completion_step_hours: all those due at one grid
        # time share one event (see book_wake). 0: each at its exact time, an event each.
        self.wake_step: float = sc.working_time.completion_step_hours / 24.0
        self.wake_rounds: dict[int, list[tuple[Worker, int]]] = {}
        self.workforce: Any = None
        self._u_snapshot: Any = None
        self.cal: WorkingCalendar = WorkingCalendar(sc.start_date, int(math.ceil(self.horizon)) + 900,
                                   sc.calendar.working_days, sc.calendar.country,
                                   sc.calendar.subdivision)
        wt = sc.working_time
        self.case_hours_per_fte_day: float = (wt.hours_per_fte_week * wt.case_time_pct / 100
                                       * (1 - wt.absence_pct / 100) / 7.0)
        self.min_task_fraction: float = wt.min_task_time_pct / 100
        self.asye_days: float = sc.workforce.asye_months * 30.4375
        self.type_index: dict[str, int] = {t: i for i, t in enumerate(WORKER_TYPES)}
        self.hard_limit: float = sc.caseload.hard_limit_pct / 100
        self.log: Any = R.EventLog()
        # the event log's columns (records.COLUMNS), appended to by :meth:`rec`
        self.log_t: list[float] = self.log.t
        self.log_child: list[Any] = self.log.child
        self.log_event: list[int] = self.log.event
        self.log_stage: list[int] = self.log.stage
        self.log_team: list[int] = self.log.team
        self.log_worker: list[int] = self.log.worker
        self.log_value: list[float] = self.log.value
        self.families: dict[int, list[Child]] = {}
        self.children: list[Child] = []
        self.n_family: int = 0
        self.workers: list[Worker] = []
        self.teams: dict[str, Team] = {
            name: Team(self, name, i, cfg) for i, (name, cfg) in enumerate(sc.teams.items())}
        self.team_names: tuple[str, ...] = tuple(self.teams)
        self.stage_counts: list[int] = [0] * len(STAGES)
        self.in_front_door: int = 0

        # one stream per source of randomness
        s = self.seed
        self.u_nfa: Uniforms = Uniforms(stream(s, "front_door.nfa"))
        self.nfa_p: float = sc.front_door.nfa_pct / 100
        self.fd_work: Sampler = Sampler(sc.front_door.decision_hours, stream(s, "front_door.work"))
        self.u_reref: Uniforms = Uniforms(stream(s, "rereferral.draw"))
        self.u_reref_delay: Uniforms = Uniforms(stream(s, "rereferral.delay"))
        self.rereferral_p: float = sc.demand.rereferral_pct / 100
        self.work: dict[str, Sampler] = {}
        self.duration: dict[str, Sampler] = {}
        self.visit_hours: dict[str, Sampler] = {}
        self.route: dict[str, Router] = {}
        self.stage_info: dict[str, StageInfo] = {
            name: StageInfo(name, STAGE_INDEX[name], st) for name, st in sc.stages.items()}
        for name, st in sc.stages.items():
            if st.work_hours is not None:
                self.work[name] = Sampler(st.work_hours, stream(s, f"stage.{name}.work"))
            if st.duration_days is not None:
                self.duration[name] = Sampler(st.duration_days, stream(s, f"stage.{name}.duration"))
            if st.visits is not None:
                self.visit_hours[name] = Sampler(st.visits.hours, stream(s, f"stage.{name}.visit"))
            self.route[name] = Router(st.next, stream(s, f"stage.{name}.route"))

        # front door: a multi-server queue of families (each server one FTE of front-door staff)
        fd_team = sc.teams[sc.front_door.team]
        fd_fte = sum(g.count * g.fte for g in fd_team.staff)
        self.fd_servers: int = max(1, int(round(fd_fte)))
        self.fd_busy: int = 0
        self.fd_queue: deque[list[Child]] = deque()
        self.fd_rate: float = self.case_hours_per_fte_day  # hours of decision work a server does a day
        # day -> visits whose work becomes due that day
        self.visit_book: dict[int, list[tuple[Child, int, float]]] = {}
        self.dirty: list[Worker] = []               # workers whose next completion needs re-timing
        self.task_seq: int = 0                      # unique id of each task start (see Worker._start)
        self.arrival_times: list[float] = []        # referral arrivals (families), drawn at the start
        self.arrival_sizes: list[int] = []
        self.next_arrival: int = 0

    # ------------------------------------------------------------------ event helpers
    def call_at(self, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` after ``delay`` days.

        Scheduled on the SimPy environment as a minimal event (SimPy's loop needs only
        ``callbacks`` and ``_ok``): most of the model's events are these, so they are kept light.
        """
        self._push(self.env._now + delay, fn, args)

    def call_at_time(self, t: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` at time ``t`` (days, not before now)."""
        self._push(t, fn, args)

    def _push(self, t: float, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        if self.wheel_on:
            day = int(t)
            if day > self.wheel_day + 1:
                # beyond tomorrow: wait in the day's bucket (see _mornings)
                bucket = self.wheel.get(day)
                if bucket is None:
                    self.wheel[day] = [(t, fn, args)]
                else:
                    bucket.append((t, fn, args))
                return
        self._heap_push(t, fn, args)

    def _heap_push(self, t: float, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        # Environment.schedule() inlined: SimPy's queue is a heap of (time, priority, id, event)
        heapq.heappush(self.env_queue, (t, _NORMAL, next(self.env_eid), _Call(fn, args)))

    def book_wake(self, w: Worker, t: float, token: int) -> None:
        """Wake worker ``w`` (if ``token`` is still hers) at grid time ``t``, in one event with
        every other worker due then."""
        key = int(round(t / self.wake_step))
        due = self.wake_rounds.get(key)
        if due is None:
            self.wake_rounds[key] = [(w, token)]
            self.call_at_time(t, self._wake_round, key)
        else:
            due.append((w, token))

    def _wake_round(self, key: int) -> None:
        due = self.wake_rounds.pop(key, None)
        if due is not None:
            for w, token in due:
                w._wake(token)

    def rec(self, t: float, child: Any, event: int, stage: int, team: int, worker: int,
            value: float) -> None:
        """Record one event (a row of records.COLUMNS) in the event log."""
        self.log_t.append(t)
        self.log_child.append(child)
        self.log_event.append(event)
        self.log_stage.append(stage)
        self.log_team.append(team)
        self.log_worker.append(worker)
        self.log_value.append(value)

    def flush(self) -> None:
        """Re-time every worker whose load changed during this event (once each)."""
        dirty = self.dirty
        if dirty:
            now = self.env._now
            while dirty:
                dirty.pop().retime(now)

    # ------------------------------------------------------------------ configuration helpers
    def cap_for(self, team: str, wtype: str) -> float:
        caps = self.scenario.teams[team].caps
        if caps and wtype in caps:
            return caps[wtype]
        return self.scenario.caseload.caps[wtype]

    def add_worker(self, team: Team, wtype: str, fte: float, months_qualified: float,
                   now: float) -> Worker:
        w = Worker(self, len(self.workers), team, wtype, fte, months_qualified, now)
        self.workers.append(w)
        team.workers.append(w)
        self.rec(now, -1, R.WORKER_JOINED, self.type_index[wtype], team.idx, w.id, fte)
        return w

    # ------------------------------------------------------------------ demand and front door
    def _start_arrivals(self) -> None:
        """Draw the run's referral arrivals; each arrival schedules the next (one event each)."""
        times, sizes = family_arrivals(self.scenario, self.horizon, stream(self.seed, "arrivals"),
                                       stream(self.seed, "family_size"))
        self.arrival_times = times.tolist()
        self.arrival_sizes = sizes.tolist()
        self.next_arrival = 0
        if self.arrival_times:
            self.call_at_time(self.arrival_times[0], self._arrive)

    def _arrive(self) -> None:
        """A family is referred: its children reach the front door together."""
        i = self.next_arrival
        self.next_arrival = i + 1
        t = self.arrival_times[i]
        k = self.arrival_sizes[i]
        self.n_family += 1
        fam = []
        for _ in range(k):
            c = Child(len(self.children), self.n_family, t)
            self.children.append(c)
            self.rec(t, c.id, R.REFERRAL, FRONT_DOOR, -1, -1, k)
            fam.append(c)
        self._front_door_arrive(fam, t)
        if i + 1 < len(self.arrival_times):
            self.call_at_time(self.arrival_times[i + 1], self._arrive)
        self.flush()

    def _front_door_arrive(self, fam: list[Child], now: float) -> None:
        self.in_front_door += len(fam)
        if self.fd_busy < self.fd_servers:
            self._fd_start(fam, now)
        else:
            self.fd_queue.append(fam)

    def _fd_start(self, fam: list[Child], now: float) -> None:
        self.fd_busy += 1
        hours = 0.0
        for _ in fam:
            hours += self.fd_work()
        self.call_at(hours / self.fd_rate, self._fd_done, fam)

    def _fd_done(self, fam: list[Child]) -> None:
        now = self.env._now
        self.fd_busy -= 1
        if self.fd_queue:
            self._fd_start(self.fd_queue.popleft(), now)
        self.in_front_door -= len(fam)
        nfa = self.u_nfa() < self.nfa_p
        fam_list = self.families.setdefault(fam[0].family, [])
        for c in fam:
            self.rec(now, c.id, R.DECISION, FRONT_DOOR, -1, -1,
                     self.cal.wd_between(c.referral_at, now))
            if nfa:
                self._close(c, now)
            else:
                fam_list.append(c)
                c.prev_stage_start_at = now
                self._start_stage(c, "assessment", now, group=len(fam) - len(fam_list) + 1)
        if not fam_list:
            self.families.pop(fam[0].family, None)
        self.flush()

    # ------------------------------------------------------------------ stages
    def _start_stage(self, c: Child, stage: str, now: float, elapsed: float = 0.0,
                     remaining_days: float | None = None, work_done_frac: float = 0.0,
                     allocate: bool = True, group: int = 1) -> None:
        """Put child c into ``stage`` at ``now``. ``elapsed`` and ``remaining_days`` (plans) or
        ``work_done_frac`` (tasks) serve the warm-start snapshot, where a child is part-way
        through a stage."""
        cfg = self.stage_info[stage]
        c.prev_stage_start_at = c.stage_start_at
        c.stage = stage
        c.stage_cfg = cfg
        c.stage_idx = si = cfg.idx
        c.stage_start_at = now - elapsed
        self.stage_counts[si] += 1
        c.plan_token += 1
        token = c.plan_token
        self.rec(now, c.id, R.STAGE_START, si, -1, -1, elapsed)
        if cfg.is_task:
            c.task = Task(c, "stage", self.work[stage]() * (1.0 - work_done_frac), cfg.priority,
                          token=token)
        else:
            c.task = None
            dur = self.duration[stage]() if remaining_days is None else remaining_days
            self.call_at(dur, self._plan_end, c, token)
            if cfg.has_visits:
                if elapsed > 0.0:
                    # warm start: the last visit was some time in the last interval
                    c.last_visit_at = now - self._u_snapshot() * cfg.visit_interval_wd * 7 / 5
                else:
                    c.last_visit_at = now
                self._schedule_visit(c, token, now)
        # team: a stage held by another team is a transfer
        team = self.teams[cfg.team]
        if cfg.has_transfer:
            if elapsed >= cfg.transfer_after_days:
                team = self.teams[cfg.transfer_to_team]
            else:
                self.call_at(cfg.transfer_after_days - elapsed, self._transfer_due, c, token)
        self._place(c, team, now, allocate, group)

    def _place(self, c: Child, team: Team, now: float, allocate: bool = True,
               group: int = 1) -> None:
        """Give child c a worker in ``team``: keep her worker if in that team, else allocate."""
        c.team = team
        w = c.worker
        if w is not None and w.team is team:
            w.restage(c, now)
            if c.task is not None and c.task.worker is None:
                w.start_task(c.task, now)
            return
        if w is not None:
            # transfer between teams: the current worker keeps the case until the new team allocates
            w.restage(c, now)
            if c.task is not None and c.task.worker is None:
                w.start_task(c.task, now)
            self.rec(now, c.id, R.TRANSFER_ASKED, c.stage_idx, team.idx, w.id, 0.0)
        if c.queued_team is not None:
            c.queued_team.dequeue(c)
        new = team.choose(c, now, group=group) if allocate else None
        if new is not None:
            self.allocate(c, new, now)
        else:
            team.enqueue(c, now)
            if w is None:
                self.rec(now, c.id, R.QUEUED, c.stage_idx, team.idx, -1, 0.0)

    def allocate(self, c: Child, w: Worker, now: float) -> None:
        old = c.worker
        waited = now - c.queued_at if c.queued_at == c.queued_at else 0.0
        c.queued_at = math.nan
        if old is not None:
            old.remove_case(c, now)
        w.add_case(c, now)
        self.rec(now, c.id, R.ALLOCATED, c.stage_idx, w.team.idx, w.id,
                 waited if old is None else -1.0)
        prev = c.last_worker_id
        if prev != -1 and prev != w.id:
            reason = (R.REASON_TRANSFER if old is not None
                      else c.change_reason or R.REASON_REALLOCATION)
            self.rec(now, c.id, R.SW_CHANGE, c.stage_idx, w.team.idx, w.id, reason)
        c.change_reason = 0
        c.last_worker_id = w.id
        # brothers and sisters waiting in the same team's queue follow her to this worker
        fam = self.families.get(c.family)
        if fam and len(fam) > 1:
            team = w.team
            for sib in fam:
                if (sib is not c and sib.worker is None and sib.queued_team is team
                        and w.load + sib.stage_cfg.cap_weight <= w.hard_cap + 1e-9
                        and w.can_hold(sib.stage_cfg, now)):
                    team.dequeue(sib)
                    self.allocate(sib, w, now)
        if old is not None:
            old.team.drain(now, old)

    def task_done(self, task: Task, now: float) -> None:
        c = task.child
        if task.kind == "stage":
            clock = c.stage_cfg.clock_start
            start = (c.referral_at if clock == 0
                     else c.stage_start_at if clock == 1 else c.prev_stage_start_at)
            team = c.team
            assert team is not None
            self.rec(now, c.id, R.TASK_DONE, c.stage_idx, team.idx,
                     task.worker.id if task.worker else -1, self.cal.wd_between(start, now))
            c.task = None
            self._move(c, self.route[c.stage](), now)
        else:
            team = c.team
            assert team is not None
            self.rec(now, c.id, R.VISIT, c.stage_idx, team.idx, -1,
                     self.cal.wd_between(c.last_visit_at, now)
                     - self.cal.wd_between(c.last_visit_at, task.due_at - 1.0))
            c.last_visit_at = now
            c.task = None
            self._schedule_visit(c, task.token, now)

    def _schedule_visit(self, c: Child, token: int, now: float) -> None:
        """Book the next visit: its work becomes due ``window_wd`` before its deadline.

        Work becomes due at the start of a working day, so activations are batched by day and
        started by one daily event (see :meth:`_mornings`) rather than one event each.
        """
        v = c.stage_cfg
        interval = v.visit_interval_wd
        if v.visit_later_interval_wd and c.last_visit_at - c.stage_start_at >= v.visit_later_after_days:
            interval = v.visit_later_interval_wd
        due = self.cal.deadline(c.last_visit_at, interval)
        if interval > v.visit_window_wd:
            day = int(self.cal.deadline(c.last_visit_at, interval - v.visit_window_wd))
            if day > now:
                self.visit_book.setdefault(day, []).append((c, token, due))
                return
        self._visit_due(c, token, due, now)

    def _mornings(self):
        env = self.env
        book = self.visit_book
        day = 1
        while day <= self.horizon:
            yield env.timeout(day - env.now)
            # tomorrow's calls come off the wheel onto SimPy's heap
            self.wheel_day = day
            for t, fn, args in self.wheel.pop(day + 1, ()):
                self._heap_push(t, fn, args)
            for c, token, due in book.pop(day, ()):
                self._visit_due(c, token, due, day)
            self.flush()
            day += 1

    def _visit_due(self, c: Child, token: int, due: float, now: float) -> None:
        if token != c.plan_token or not c.open:
            return
        t = Task(c, "visit", self.visit_hours[c.stage](), c.stage_cfg.priority, due_at=due,
                 token=token)
        c.task = t
        if c.worker is not None:
            c.worker.start_task(t, now)

    def _plan_end(self, c: Child, token: int) -> None:
        if token != c.plan_token or not c.open:
            return
        now = self.env._now
        self._missed_visit(c, now)
        self._move(c, self.route[c.stage](), now)
        self.flush()

    def _missed_visit(self, c: Child, now: float) -> None:
        t = c.task
        if t is not None and t.kind == "visit" and t.due_at < now:
            self.rec(now, c.id, R.VISIT_MISSED, c.stage_idx,
                     c.team.idx if c.team is not None else -1, -1,
                     self.cal.wd_between(t.due_at, now))

    def _transfer_due(self, c: Child, token: int) -> None:
        if token != c.plan_token or not c.open:
            return
        self._place(c, self.teams[c.stage_cfg.transfer_to_team], self.env._now)
        self.flush()

    def _move(self, c: Child, outcome: str, now: float) -> None:
        self._end_stage(c, now)
        if outcome == "close":
            self._close(c, now)
        else:
            self._start_stage(c, outcome, now)

    def _end_stage(self, c: Child, now: float) -> None:
        t = c.task
        if t is not None:
            if t.worker is not None:
                t.worker.stop_task(t, now)
            c.task = None
        self.stage_counts[c.stage_idx] -= 1
        self.rec(now, c.id, R.STAGE_END, c.stage_idx, c.team.idx if c.team else -1, -1, 0.0)

    def _close(self, c: Child, now: float) -> None:
        w = c.worker
        if w is not None:
            w.remove_case(c, now)
        if c.queued_team is not None:
            c.queued_team.dequeue(c)
        c.open = False
        c.plan_token += 1
        c.stage = ""
        c.team = None
        self.rec(now, c.id, R.CLOSED, -1, -1, -1, 0.0)
        fam = self.families.get(c.family)
        if fam is not None and c in fam:
            fam.remove(c)
            if not fam:
                del self.families[c.family]
        if w is not None:
            w.team.drain(now, w)
        if self.rereferral_p > 0 and self.u_reref() < self.rereferral_p:
            at = now + 365.0 * self.u_reref_delay()
            if at < self.horizon:
                self.call_at(at - now, self._rerefer, c)

    def _rerefer(self, c: Child) -> None:
        now = self.env._now
        c.open = True
        c.referral_at = now
        c.stage_start_at = now
        c.last_worker_id = c.last_worker_id  # a returning child may meet her old worker again
        self.n_family += 1
        c.family = self.n_family
        self.rec(now, c.id, R.REREFERRAL, FRONT_DOOR, -1, -1, 0.0)
        self.rec(now, c.id, R.REFERRAL, FRONT_DOOR, -1, -1, 1.0)
        self._front_door_arrive([c], now)
        self.flush()

    # ------------------------------------------------------------------ warm start
    def _warm_start(self) -> None:
        from .snapshot import build_snapshot
        build_snapshot(self)
        self.flush()

    # ------------------------------------------------------------------ weekly observation
    def _observer(self, rows: list):
        env = self.env
        while env.now <= self.horizon + 1e-9:
            rows.append(self._observe(env.now))
            yield env.timeout(7.0)

    def _worker_spells(self, end: float) -> pd.DataFrame:
        """One row per worker and type she held (a newly qualified worker who completes her
        ASYE year has two spells): the basis of staff costs. Workers, not children."""
        rows = []
        for w in self.workers:
            hist = w.type_history
            stop = min(w.left_at, end)
            for k, (t0, wtype) in enumerate(hist):
                t1 = hist[k + 1][0] if k + 1 < len(hist) else stop
                rows.append((w.id, w.team.name, wtype, w.fte, t0, min(t1, stop),
                             w.left_at if w.left_at <= end else math.nan))
        return pd.DataFrame(rows, columns=["worker", "team", "type", "fte", "joined_days",
                                           "left_days", "worker_left_days"])

    def _observe(self, now: float) -> dict:
        row: dict[str, Any] = {"t_days": now, "in_front_door": self.in_front_door}
        for name, n in zip(STAGES, self.stage_counts):
            row[f"open_{name}"] = n
        unalloc = 0
        awaiting_transfer = 0
        for team in self.teams.values():
            for _, _, c in team.queue:
                if c.queued_team is team and c.open:
                    if c.worker is None:
                        unalloc += 1
                    else:
                        awaiting_transfer += 1
        row["unallocated"] = unalloc
        row["awaiting_transfer"] = awaiting_transfer
        fte = dict.fromkeys(WORKER_TYPES, 0.0)
        loads = []
        over = 0
        n_holding = 0
        absent = 0.0
        for w in self.workers:
            if w.left_at < math.inf:
                continue
            fte[w.type] += w.fte
            if w.absent:
                absent += w.fte
            if w.team.cfg.case_holding:
                n_holding += 1
                loads.append(len(w.cases) / w.fte)
                if w.load > w.cap + 1e-9:
                    over += 1
        for k, v in fte.items():
            row[f"fte_{k}"] = v
        row["fte_absent"] = absent
        wf = getattr(self, "workforce", None)
        case_teams = [t for t in self.teams.values() if t.cfg.case_holding]
        row["establishment_fte"] = sum(t.establishment_fte for t in case_teams)
        row["vacancies_fte"] = (sum(wf.vacancies(t) for t in case_teams) if wf else
                                sum(max(t.establishment_fte - sum(w.fte for w in t.workers
                                                                 if w.left_at == math.inf and w.type in ("experienced", "nqsw")), 0.0)
                                    for t in case_teams))
        arr = np.asarray(loads) if loads else np.zeros(1)
        row["caseload_mean"] = float(arr.mean())
        q10, q25, q50, q75, q90 = np.percentile(arr, [10, 25, 50, 75, 90]).tolist()
        row["caseload_p10"], row["caseload_p25"], row["caseload_p50"] = q10, q25, q50
        row["caseload_p75"], row["caseload_p90"] = q75, q90
        row["workers_over_cap_pct"] = 100.0 * over / max(n_holding, 1)
        row["caseloads"] = arr  # per-worker caseloads (not child-level); dropped from the table
        return row

    # ------------------------------------------------------------------ run
    def run(self, warmup_days: float = 0.0) -> Run:
        """Run the model to the horizon and compute its KPIs and weekly series."""
        # The run makes a few hundred thousand short-lived objects and few reference cycles;
        # the cyclic garbage collector would rescan the growing event log again and again (a
        # fifth of the run time), so it is paused for the run and restored after it.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run(warmup_days)
        finally:
            if was_enabled:
                gc.enable()

    def _run(self, warmup_days: float) -> Run:
        from ..metrics import compute_kpis, weekly_table

        from .workforce import WorkforceDynamics

        env = self.env
        self.wheel_on = True   # _mornings (started below) turns the wheel
        self._warm_start()
        self.workforce = WorkforceDynamics(self)
        self.workforce.start()
        self._start_arrivals()
        env.process(self._mornings())
        obs_rows: list = []
        env.process(self._observer(obs_rows))
        env.run(until=self.horizon)
        end = self.horizon
        # censor: children still open are written out as censored records, never dropped
        for c in self.children:
            if c.open:
                if c.stage:
                    self._missed_visit(c, end)
                self.rec(end, c.id, R.CENSORED, c.stage_idx if c.stage else FRONT_DOOR,
                         c.team.idx if c.team else -1, c.worker.id if c.worker else -1, 0.0)
        events = self.log.to_frame()
        workers = self._worker_spells(end)
        weekly = weekly_table(obs_rows, events, self)
        kpis = compute_kpis(events, weekly, workers, self, obs_rows, warmup_days=warmup_days)
        return Run(scenario=self.scenario, seed=self.seed, horizon_days=end,
                   warmup_days=warmup_days, kpis=kpis,
                   timeseries=weekly, events=events, workers=workers,
                   n_events=len(events), team_names=self.team_names)


def simulate(scenario: Scenario, seed: int = 0, *, years: float | None = None,
             warmup_days: float = 0.0) -> Run:
    """Run one replication of a scenario.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see :func:`workbench.load_scenario`).
    seed : int
        Replication seed. The same seed gives the same run; the same seed across scenarios gives
        common random numbers.
    years : float, optional
        Override the scenario's horizon (years).
    warmup_days : float
        Leave the first days out of the KPIs (a filter on the records; the weekly series keeps
        every week). The model starts warm from a snapshot, so the default is 0.

    Returns
    -------
    Run
        KPIs, weekly time series, and the in-memory event log.
    """
    horizon = years * 365.25 if years is not None else None
    if warmup_days < 0 or (warmup_days >= (horizon or scenario.horizon_days)):
        raise ValueError(f"warmup_days must be >= 0 and shorter than the horizon (got {warmup_days})")
    return Simulation(scenario, seed, horizon).run(warmup_days=warmup_days)
