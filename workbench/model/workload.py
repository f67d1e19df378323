"""Workload: how a social worker's hours are shared among her cases, so timeliness emerges.

Her casework hours are shared among the tasks she has in hand (an assessment to finish, a visit
that is due, an ICPC to prepare) in proportion to each task's priority: processor sharing. Each
case she holds also takes a fixed number of ongoing hours a week (meetings, recording, reviews),
so the more cases she holds, the less time each task gets and the later it finishes. Timeliness
therefore emerges from workload; nothing draws a "probability of being on time".

Processor sharing is simulated exactly with a virtual clock ``V``: while ``W`` is the total
priority of her active tasks and ``r`` her hours a day for tasks, ``dV/dt = r / W`` and a task of
priority ``p`` receives ``p * dV`` hours. A task finishes when ``V`` reaches its target, so only the
earliest target needs an event, and it is re-timed only when her load changes.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Final

from ..calendar import WorkingCalendar
from .engine import Engine
from .entities import Child, StageInfo, Task, remove_item

_EPS: Final = 1e-9
_INF: Final = math.inf


# ---------------------------------------------------------------------- a worker's task heap
# Her tasks in hand, ordered by (target, seq): the task whose work is done first at the top.
# Each task keeps its place (``hpos``), so a task that stops (moved, released) leaves the heap
# at once instead of staying as a stale entry; the keys are unique, so the tasks come off in
# the same order whatever the heap's layout.

def _before(a: Task, b: Task) -> bool:
    return a.target < b.target or (a.target == b.target and a.seq < b.seq)


def _sift_up(heap: list[Task], pos: int) -> None:
    t = heap[pos]
    while pos > 0:
        parent = (pos - 1) >> 1
        p = heap[parent]
        if not _before(t, p):
            break
        heap[pos] = p
        p.hpos = pos
        pos = parent
    heap[pos] = t
    t.hpos = pos


def _sift_down(heap: list[Task], pos: int) -> None:
    n = len(heap)
    t = heap[pos]
    while True:
        child = 2 * pos + 1
        if child >= n:
            break
        c = heap[child]
        right = child + 1
        if right < n:
            r = heap[right]
            if _before(r, c):
                child = right
                c = r
        if not _before(c, t):
            break
        heap[pos] = c
        c.hpos = pos
        pos = child
    heap[pos] = t
    t.hpos = pos


def _heap_push(heap: list[Task], t: Task) -> None:
    heap.append(t)
    _sift_up(heap, len(heap) - 1)


def _heap_remove(heap: list[Task], t: Task) -> None:
    pos = t.hpos
    t.hpos = -1
    last = heap.pop()
    if last is t:
        return
    heap[pos] = last
    last.hpos = pos
    if pos > 0 and _before(last, heap[(pos - 1) >> 1]):
        _sift_up(heap, pos)
    else:
        _sift_down(heap, pos)


class WorkSettings:
    """What every worker's capacity and caps depend on, read once per run from the scenario,
    and where a finished task is reported (``task_done(task, now)``, set by the journey)."""

    def __init__(self, scenario: Any, cal: WorkingCalendar) -> None:
        wt = scenario.working_time
        self.scenario: Any = scenario
        self.cal: WorkingCalendar = cal
        hours_week = wt.hours_per_fte_week * wt.case_time_pct / 100 * (1 - wt.absence_pct / 100)
        # casework hours an FTE has on a working day (weekends and bank holidays have none), and
        # on an average calendar day (the front door's servers)
        self.days_per_week: float = cal.days_per_week
        self.case_hours_per_fte_wd: float = hours_week / cal.days_per_week
        self.case_hours_per_fte_day: float = hours_week / 7.0
        self.min_task_fraction: float = wt.min_task_time_pct / 100
        self.asye_days: float = scenario.workforce.asye_months * 30.4375
        self.hard_limit: float = scenario.caseload.hard_limit_pct / 100
        self.task_seq: int = 0          # unique id of each task start (see Worker._start)
        self.task_done: Callable[[Task, float], None] = _no_task_done

    def cap_for(self, team: str, wtype: str) -> float:
        """Her caseload cap (cases per FTE) in ``team`` as a worker of type ``wtype``."""
        caps = self.scenario.teams[team].caps
        if caps and wtype in caps:
            return float(caps[wtype])
        return float(self.scenario.caseload.caps[wtype])


def academy_cap_factor(start_pct: float, months: float, began_at: float, now: float) -> float:
    """An academy trainee's protected caseload as a share of her cap: ``start_pct`` (a share)
    when she begins the academy at ``began_at``, rising evenly to 1 over its ``months``."""
    frac = min(max((now - began_at) / max(months * 30.4375, 1.0), 0.0), 1.0)
    return start_pct + (1 - start_pct) * frac


def _no_task_done(task: Task, now: float) -> None:
    raise RuntimeError("WorkSettings.task_done was not set")


class Worker:
    """One worker (any type: experienced, nqsw, academy, agency).

    Attributes are in model units: times in days, work in hours, loads in cap units.
    """

    def __init__(self, settings: WorkSettings, eng: Engine, wid: int, team: Any, wtype: str,
                 fte: float, months_qualified: float, joined_at: float):
        self.settings: WorkSettings = settings
        self.eng: Engine = eng
        self.id: int = wid
        self.team: Any = team               # her Team (allocation)
        self.type: str = wtype
        self.fte: float = fte
        self.qualified_at: float = joined_at - months_qualified * 30.4375
        self.joined_at: float = joined_at
        self.left_at: float = _INF
        self.leave_at: float = _INF    # a planned departure (end of an agency assignment)
        self.grad_at: float = _INF
        self.type_history: list[tuple[float, str]] = [(joined_at, wtype)]
        #: her teams: (from, team name), a move (an academy graduate to a vacancy) adds one
        self.team_history: list[tuple[float, str]] = [(joined_at, team.name)]
        self.absent: bool = False
        self.cap_factor: float = 1.0       # ramps for academy trainees (workforce dynamics)
        self.cases: list[Child] = []
        self.load: float = 0.0             # cases weighted by stage cap_weight
        self.ongoing_hours_week: float = 0.0
        self.available: bool = True        # False while absent or after leaving
        self.V: float = 0.0
        self.last: float = joined_at
        self.W: float = 0.0
        self.n_active: int = 0
        self.heap: list[Task] = []         # her tasks in hand (see _heap_push)
        self.wake_at: float = _INF
        self.wake_token: int = 0
        self.dirty: bool = False
        self.seq: int = 0
        self.base_rate: float = 0.0
        self.min_rate: float = 0.0
        self.cap: float = 0.0
        self.hard_cap: float = 0.0
        self.restricted_until: float = 0.0
        self.pressure: float = 1.0         # her work pressure, smoothed (see work_ratio)
        self.overtime: float = 1.0         # hours worked / contracted hours (pressure.overtime)
        self.thin: float = 1.0             # share of her cases' routine hours she gives them
        self.stamp: int = 0                # changes with her load, cap or availability
        self.index_team: Any = None        # her team where it keeps an index of its workers
        self.join_seq: int = 0             # her place in her team's list of workers (join order)
        # her key in her team's worker index, (load + 1) / cap, and her places in its two heaps
        # (-1: not in it)
        self.index_key: float = 0.0
        self.pos_all: int = -1
        self.pos_open: int = -1
        self.set_capacity()

    # ------------------------------------------------------------------ capacity and caps
    def set_capacity(self) -> None:
        """Recompute hours a day for casework and caps (after a change of FTE, type or stage)."""
        st = self.settings
        self.base_rate = self.fte * st.case_hours_per_fte_wd
        self.min_rate = self.base_rate * st.min_task_fraction
        cap = st.cap_for(self.team.name, self.type) * self.fte * self.cap_factor
        self.cap = cap
        self.hard_cap = cap * st.hard_limit
        # until when she may not hold complex cases alone (NQSW in ASYE year; academy trainee)
        if self.type == "academy":
            self.restricted_until = _INF
        elif self.type == "nqsw":
            self.restricted_until = self.qualified_at + st.asye_days
        else:
            self.restricted_until = -_INF

    def rate(self) -> float:
        """Hours a working day left for tasks and visits after the ongoing work of her caseload."""
        if self.absent:
            return 0.0
        r = (self.base_rate * self.overtime
             - self.ongoing_hours_week * self.thin / self.settings.days_per_week)
        return r if r > self.min_rate else self.min_rate

    def work_ratio(self, now: float, backlog_weeks: float, queued_hours_week: float = 0.0) -> float:
        """The work in front of her over the hours she has (1: it just fits): a week of her
        caseload's routine hours, the hours left on her tasks spread over ``backlog_weeks``, and
        her share of her team's waiting work (``queued_hours_week``), over her contracted
        casework hours in a week. It counts the work she faces, not what she gets done, so it
        keeps rising while work piles up."""
        if self.base_rate <= 0.0:
            return 0.0
        self._advance(now)
        v = self.V
        # summed exactly (fsum), so the total does not depend on the order the heap keeps
        left = math.fsum([(task.target - v) * task.priority for task in self.heap
                          if task.target > v])
        return ((self.ongoing_hours_week + left / backlog_weeks + queued_hours_week)
                / (self.base_rate * self.settings.days_per_week))

    def set_pace(self, now: float, overtime: float, thin: float) -> None:
        """From now on she works ``overtime`` times her contracted hours and gives her cases'
        routine work ``thin`` of its hours."""
        if overtime != self.overtime or thin != self.thin:
            self._advance(now)
            self.overtime = overtime
            self.thin = thin
            self._reschedule(now)

    def months_qualified(self, now: float) -> float:
        return (now - self.qualified_at) / 30.4375

    def can_hold(self, stage_cfg: StageInfo, now: float) -> bool:
        """Eligibility: NQSWs in their first year and academy trainees don't hold complex cases alone."""
        return stage_cfg.nqsw_allowed or now >= self.restricted_until

    def has_room(self, stage_cfg: StageInfo, now: float, cap_factor: float = 0.0) -> bool:
        """The one room check: she may take a case of this stage, up to her hard limit or, with
        ``cap_factor`` above the hard limit's, up to that multiple of her cap; a protected
        caseload (an NQSW in her ASYE year, an academy trainee) never beyond her hard limit."""
        limit = (self.hard_cap if cap_factor * self.cap <= self.hard_cap
                 or now < self.restricted_until else cap_factor * self.cap)
        return (self.load + stage_cfg.cap_weight <= limit + 1e-9
                and self.can_hold(stage_cfg, now))

    # ------------------------------------------------------------------ processor sharing
    def _advance(self, now: float) -> None:
        # her hours accrue on working days only (processor sharing in working time)
        if self.n_active and now > self.last:
            cal = self.settings.cal
            self.V += self.rate() * (cal.work_time(now) - cal.work_time(self.last)) / self.W
        self.last = now

    def add_case(self, child: Child, now: float) -> None:
        self._advance(now)
        self.cases.append(child)
        cfg = child.stage_cfg
        self.load += cfg.cap_weight
        self.ongoing_hours_week += cfg.ongoing_hours_per_week
        child.worker = self
        child.load_weight = cfg.cap_weight
        child.ongoing = cfg.ongoing_hours_per_week
        if child.task is not None and child.task.worker is None:
            self._start(child.task, now)
        self._reschedule(now)
        if self.index_team is not None:
            self.index_team.reindex(self)

    def remove_case(self, child: Child, now: float) -> None:
        """Release a case (closed, transferred, or reallocated); its task keeps its remaining work."""
        self._advance(now)
        remove_item(self.cases, child)
        self.load -= child.load_weight
        self.ongoing_hours_week -= child.ongoing
        if self.load < _EPS:
            self.load = 0.0
        if self.ongoing_hours_week < _EPS:
            self.ongoing_hours_week = 0.0
        child.worker = None
        task = child.task
        if task is not None and task.worker is self:
            self._stop(task)
        self._reschedule(now)
        if self.index_team is not None:
            self.index_team.reindex(self)

    def restage(self, child: Child, now: float) -> None:
        """The child moved to another stage held by this team: update her load for it."""
        self._advance(now)
        cfg = child.stage_cfg
        self.load += cfg.cap_weight - child.load_weight
        self.ongoing_hours_week += cfg.ongoing_hours_per_week - child.ongoing
        child.load_weight = cfg.cap_weight
        child.ongoing = cfg.ongoing_hours_per_week
        self._reschedule(now)
        if self.index_team is not None:
            self.index_team.reindex(self)

    def start_task(self, task: Task, now: float) -> None:
        self._advance(now)
        self._start(task, now)
        self._reschedule(now)

    def stop_task(self, task: Task, now: float) -> None:
        self._advance(now)
        self._stop(task)
        self._reschedule(now)

    def _start(self, task: Task, now: float) -> None:
        task.worker = self
        # a sequence number unique across all workers and rising: it orders tasks that would
        # finish at the same moment (the first started first)
        seq = self.settings.task_seq = self.settings.task_seq + 1
        task.seq = seq
        task.target = self.V + task.remaining / task.priority
        _heap_push(self.heap, task)
        self.W += task.priority
        self.n_active += 1

    def _stop(self, task: Task) -> None:
        if task.hpos >= 0:
            _heap_remove(self.heap, task)
        rem = (task.target - self.V) * task.priority
        task.remaining = rem if rem > 0 else 0.0
        task.worker = None
        task.seq = -1
        self.n_active -= 1
        if self.n_active == 0:
            self.W = 0.0
        else:
            self.W -= task.priority

    def _reschedule(self, now: float) -> None:
        """Mark her for re-timing; the engine re-times each marked worker once per event."""
        if not self.dirty:
            self.dirty = True
            self.eng.dirty.append(self)

    def retime(self, now: float) -> None:
        """Schedule her next task completion (a superseded wake-up becomes a no-op)."""
        self.dirty = False
        heap = self.heap
        if not heap:
            if self.wake_at != _INF:
                self.wake_at = _INF
                self.wake_token += 1
            return
        r = self.rate()
        if r <= 0.0:  # absent: nothing progresses until she is back
            if self.wake_at != _INF:
                self.wake_at = _INF
                self.wake_token += 1
            return
        cal = self.settings.cal
        t_next = cal.at_work_time(cal.work_time(now) + max(heap[0].target - self.V, 0.0) * self.W / r)
        step = self.eng.wake_step
        if step > 0.0:
            # found finished at the end of the step it falls in (a tolerance keeps a time already
            # on the grid where it is)
            t_next = math.ceil(t_next / step - 1e-9) * step
            if t_next < now:
                # work already done (outside working hours, say: a case handed over at night
                # with its visit's hours done) is found at the end of the step now falls in
                t_next = math.ceil(now / step - 1e-9) * step
        # A later completion keeps the pending wake-up: it fires early and re-times then, which
        # costs one event however often her load grows meanwhile. An earlier one needs a new
        # wake-up, and the old one becomes a no-op.
        if t_next < self.wake_at - 1e-9:
            self.wake_at = t_next
            self.wake_token += 1
            if step > 0.0:
                self.eng.book_wake(self, t_next, self.wake_token)
            else:
                self.eng.call_at(t_next, self.wake, self.wake_token)

    def wake(self, token: int) -> None:
        """Her scheduled wake-up: finish the tasks whose work is done (stale tokens are no-ops)."""
        if token != self.wake_token:
            return
        now = self.wake_at  # the time this wake-up was scheduled for: now
        self.wake_at = _INF
        self._advance(now)
        heap = self.heap
        while heap:
            task = heap[0]
            if task.target > self.V + 1e-7 * (1.0 + abs(self.V)):
                break
            self._stop(task)
            task.remaining = 0.0
            self.settings.task_done(task, now)
        self._reschedule(now)

    def change(self, now: float, wtype: str | None = None, cap_factor: float | None = None,
               absent: bool | None = None) -> None:
        """Change her type, cap factor or absence (work done so far is kept)."""
        self._advance(now)
        if wtype is not None and wtype != self.type:
            self.type = wtype
            self.type_history.append((now, wtype))
        if cap_factor is not None:
            self.cap_factor = cap_factor
        if absent is not None:
            self.absent = absent
        self.set_capacity()
        self._reschedule(now)
        if self.index_team is not None:
            self.index_team.reindex(self)

    # ------------------------------------------------------------------ reporting
    def caseload(self) -> int:
        return len(self.cases)


class WorkerHeap:
    """A binary heap of workers by (index_key, id), each worker in it once, at the place kept
    on her (``pos_open`` in a team's open index, ``pos_all`` in its main one): a change of her
    key moves her up or down in O(log n), with no stale entries and no tuples to compare."""

    def __init__(self, open_: bool) -> None:
        self.items: list[Worker] = []
        self.open: bool = open_

    def _place(self, w: Worker, i: int) -> None:
        self.items[i] = w
        if self.open:
            w.pos_open = i
        else:
            w.pos_all = i

    def update(self, w: Worker) -> None:
        """Put her in, or move her to her place after a change of her key."""
        i = w.pos_open if self.open else w.pos_all
        if i < 0:
            i = len(self.items)
            self.items.append(w)
            self._place(w, i)
            self._up(i)
        else:
            self._down(self._up(i))

    def remove(self, w: Worker) -> None:
        i = w.pos_open if self.open else w.pos_all
        if i < 0:
            return
        if self.open:
            w.pos_open = -1
        else:
            w.pos_all = -1
        last = self.items.pop()
        if i < len(self.items):
            self._place(last, i)
            self._down(self._up(i))

    def _up(self, i: int) -> int:
        items = self.items
        w = items[i]
        key = w.index_key
        wid = w.id
        while i > 0:
            p = (i - 1) >> 1
            parent = items[p]
            if key < parent.index_key or (key == parent.index_key and wid < parent.id):
                self._place(parent, i)
                i = p
            else:
                break
        self._place(w, i)
        return i

    def _down(self, i: int) -> None:
        items = self.items
        n = len(items)
        w = items[i]
        key = w.index_key
        wid = w.id
        while True:
            c = 2 * i + 1
            if c >= n:
                break
            child = items[c]
            if c + 1 < n:
                other = items[c + 1]
                if (other.index_key < child.index_key
                        or (other.index_key == child.index_key and other.id < child.id)):
                    c += 1
                    child = other
            if child.index_key < key or (child.index_key == key and child.id < wid):
                self._place(child, i)
                i = c
            else:
                break
        self._place(w, i)
