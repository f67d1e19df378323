"""The child's journey: referral, the front door, stages, statutory visits, closure, re-referral.

Families are referred (the demand drawn by :mod:`.demand`) and reach the front door, a
multi-server queue whose decision within one working day depends on its capacity. After the
decision a child either closes (no further action) or starts an assessment; each stage routes her
onward with the scenario's probabilities (s47 enquiry, ICPC, child in need, child protection,
court, looked after, care leaver, closure). A task stage ends when its work is done (the
:mod:`.workload` of her worker decides when); a plan stage lasts a drawn duration and has
statutory visits. A stage held by another team is a transfer (:mod:`.allocation` finds the
worker). Every step is written to the event log; nothing here computes a KPI.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any, Final

from ..calendar import WorkingCalendar
from ..scenario import STAGES
from . import log as R
from .allocation import Allocation, Team
from .demand import family_arrivals
from .engine import Engine
from .entities import Child, StageInfo, Task, remove_item
from .log import EventLog
from .streams import Router, Sampler, Uniforms, stream

STAGE_INDEX = {s: i for i, s in enumerate(STAGES)}
FRONT_DOOR: Final = -1


class Journey:
    """Every child's path through the service, for one run."""

    def __init__(self, scenario: Any, seed: int, horizon: float, eng: Engine, log: EventLog,
                 alloc: Allocation, teams: dict[str, Team], cal: WorkingCalendar,
                 case_hours_per_fte_day: float) -> None:
        sc = scenario
        self.scenario: Any = scenario
        self.seed: int = seed
        self.horizon: float = horizon
        self.eng: Engine = eng
        self.log: EventLog = log
        self.alloc: Allocation = alloc
        self.teams: dict[str, Team] = teams
        self.cal: WorkingCalendar = cal
        self.children: list[Child] = []
        self.n_family: int = 0
        self.stage_counts: list[int] = [0] * len(STAGES)
        self.in_front_door: int = 0

        # one stream per source of randomness
        s = seed
        self.u_nfa: Uniforms = Uniforms(stream(s, "front_door.nfa"))
        self.nfa_p: float = sc.front_door.nfa_pct / 100
        self.fd_work: Sampler = Sampler(sc.front_door.decision_hours, stream(s, "front_door.work"))
        self.u_reref: Uniforms = Uniforms(stream(s, "rereferral.draw"))
        self.u_reref_delay: Uniforms = Uniforms(stream(s, "rereferral.delay"))
        self.u_snapshot: Uniforms = Uniforms(stream(s, "snapshot.visits"))
        pr = sc.pressure
        self.nfa_extra: float = pr.front_door_nfa_extra_pct / 100
        self.shorten: float = pr.plan_shortening_pct / 100
        self.conf_on: bool = bool(sc.conferences.enabled)
        self.conf_capacity: float = float(sc.conferences.slots_per_working_day)
        if sc.conferences.enabled and not self.conf_capacity >= 1.0:
            # a day with room for less than one conference has room for none: booking would
            # look for a free day for ever (the schema refuses it; this guards derived copies)
            raise ValueError(f"conferences.slots_per_working_day must be at least 1 "
                             f"(got {self.conf_capacity:g})")
        self.conf_booked: dict[int, int] = {}
        self.elapsed: dict[str, Sampler] = {}
        self.checkpoint_book: dict[int, list[tuple[Child, int]]] = {}
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
            if st.elapsed_wd is not None:
                self.elapsed[name] = Sampler(st.elapsed_wd, stream(s, f"stage.{name}.elapsed"))

        # front door: a multi-server queue of families (each server one FTE of front-door staff)
        fd_team = sc.teams[sc.front_door.team]
        # (9.4 FTE: 10 servers at 0.94 of an FTE's hours each; rounded to whole servers, 9.4 FTE
        # had the capacity of 9 and 0.2 FTE that of 1). The scenario's checks refuse a front door
        # with no staff; the model refuses it too rather than decide referrals with nobody.
        fd_fte = sum(g.count * g.fte for g in fd_team.staff)
        if not fd_fte > 0:
            raise ValueError(f"front door team {sc.front_door.team!r} has no staff")
        self.fd_servers: int = max(1, math.ceil(fd_fte - 1e-9))
        self.fd_busy: int = 0
        self.fd_queue: deque[list[Child]] = deque()
        # hours of decision work a server does a day (whole FTE: one FTE's, exactly)
        self.fd_rate: float = case_hours_per_fte_day * (fd_fte / self.fd_servers)
        # day -> visits whose work becomes due that day
        self.visit_book: dict[int, list[tuple[Child, int, float]]] = {}
        self.arrival_times: list[float] = []        # referral arrivals (families), drawn at the start
        self.arrival_sizes: list[int] = []
        self.next_arrival: int = 0

    # ------------------------------------------------------------------ the warm start
    def open_at_start(self, stage: str, elapsed: float, remaining_days: float | None,
                      work_done_frac: float, allocate: bool) -> None:
        """A child already open in ``stage`` at the start, ``elapsed`` days into it."""
        self.n_family += 1
        c = Child(len(self.children), self.n_family, -elapsed)
        self.children.append(c)
        self.alloc.families[c.family] = [c]
        self.log.rec(0.0, c.id, R.SNAPSHOT, STAGE_INDEX[stage], -1, -1, elapsed)
        self.start_stage(c, stage, 0.0, elapsed=max(elapsed, 1e-9), remaining_days=remaining_days,
                         work_done_frac=work_done_frac, allocate=allocate)

    def rereferral_at(self, t: float) -> None:
        """A child whose case closed before the start is referred again at time ``t``."""
        self.n_family += 1
        c = Child(len(self.children), self.n_family, t)
        c.open = False  # closed before the start; opens again when re-referred
        self.children.append(c)
        self.eng.call_in(t, self.rerefer, c)

    # ------------------------------------------------------------------ demand and front door
    def start_arrivals(self) -> None:
        """Draw the run's referral arrivals; each arrival schedules the next (one event each)."""
        times, sizes = family_arrivals(self.scenario, self.horizon, stream(self.seed, "arrivals"),
                                       stream(self.seed, "family_size"))
        self.arrival_times = times.tolist()
        self.arrival_sizes = sizes.tolist()
        self.next_arrival = 0
        if self.arrival_times:
            self.eng.call_at(self.arrival_times[0], self._arrive)

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
            self.log.rec(t, c.id, R.REFERRAL, FRONT_DOOR, -1, -1, k)
            fam.append(c)
        self._front_door_arrive(fam, t)
        if i + 1 < len(self.arrival_times):
            self.eng.call_at(self.arrival_times[i + 1], self._arrive)

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
        self.eng.call_in(hours / self.fd_rate, self._fd_done, fam)

    def _fd_done(self, fam: list[Child]) -> None:
        now = self.eng.now()
        self.fd_busy -= 1
        if self.fd_queue:
            self._fd_start(self.fd_queue.popleft(), now)
        self.in_front_door -= len(fam)
        # under pressure the front door tightens its threshold (pressure.front_door_nfa_extra_pct)
        nfa = self.u_nfa() < self.nfa_p + self.nfa_extra * self.alloc.level
        fam_list = self.alloc.families.setdefault(fam[0].family, [])
        for c in fam:
            self.log.rec(now, c.id, R.DECISION, FRONT_DOOR, -1, -1,
                     self.cal.wd_between(c.referral_at, now))
            if nfa:
                self._close(c, now)
            else:
                fam_list.append(c)
                c.prev_stage_start_at = now
                self.start_stage(c, "assessment", now, group=len(fam) - len(fam_list) + 1)
        if not fam_list:
            self.alloc.families.pop(fam[0].family, None)

    # ------------------------------------------------------------------ stages
    def start_stage(self, c: Child, stage: str, now: float, elapsed: float = 0.0,
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
        self.log.rec(now, c.id, R.STAGE_START, si, -1, -1, elapsed)
        if cfg.is_task:
            c.task = Task(c, "stage", self.work[stage]() * (1.0 - work_done_frac), cfg.priority,
                          token=token)
            c.ready_at = 0.0
            if cfg.has_elapsed:
                n_wd = int(round(self.elapsed[stage]()))
                if n_wd > 0:
                    c.ready_at = self.cal.deadline(c.stage_start_at, n_wd)
            if cfg.booked and self.conf_on:
                c.ready_at = max(c.ready_at, self._book_conference(self._clock_start(c), now))
            if cfg.checkpoints:
                start = self._clock_start(c)
                for k in cfg.checkpoints:
                    day = int(self.cal.deadline(start, k)) - 1   # the morning of working day k
                    if day > now:
                        self.checkpoint_book.setdefault(day, []).append((c, token))
        else:
            c.task = None
            if remaining_days is None:
                dur = self.duration[stage]()
                if cfg.shortens and self.shorten > 0.0:
                    # under pressure, plans close or step down sooner (pressure.plan_shortening_pct)
                    dur *= 1.0 - self.shorten * self.alloc.level
            else:
                dur = remaining_days
            self.eng.call_in(dur, self._plan_end, c, token)
            if cfg.has_visits:
                if elapsed > 0.0:
                    # warm start: the last visit was some time in the last interval
                    c.last_visit_at = now - self.u_snapshot() * cfg.visit_interval_wd * 7 / 5
                else:
                    c.last_visit_at = now
                self._schedule_visit(c, token, now)
        # team: a stage held by another team is a transfer
        team = self.teams[cfg.team]
        if cfg.has_transfer:
            if elapsed >= cfg.transfer_after_days:
                team = self.teams[cfg.transfer_to_team]
            else:
                self.eng.call_in(cfg.transfer_after_days - elapsed, self._transfer_due, c, token)
        self.alloc.place(c, team, now, allocate, group)

    def task_done(self, task: Task, now: float) -> None:
        """A worker finished a piece of work: a task stage moves on; a visit books the next."""
        c = task.child
        if task.kind == "stage":
            c.task = None
            if c.stage_cfg.booked and self.conf_on and now > c.ready_at:
                # the report was not ready for the booked conference: it slips to the next free slot
                c.ready_at = self._book_conference(now, now)
            if now < c.ready_at:
                # the work is done; the stage ends when its elapsed time has passed (checks,
                # visits arranged) or on the conference's booked date: one event for all the
                # stages that end at that time (ends of working days, midday conferences)
                self.eng.call_together(("stage end", c.ready_at), c.ready_at, self._stage_ready,
                                       c, c.plan_token)
                return
            self._finish_task_stage(c, now)
        else:
            c.task = None
            if now < c.ready_at:
                # the hours are done before the visit's arranged date: it takes place then
                self.eng.call_together(("visit", c.ready_at), c.ready_at, self._visit_ready,
                                       c, task.token, task.due_at)
                return
            self._record_visit(c, task.token, task.due_at, now)

    def _record_visit(self, c: Child, token: int, due_at: float, now: float) -> None:
        team = c.team
        assert team is not None
        self.log.rec(now, c.id, R.VISIT, c.stage_idx, team.idx, -1,
                     self.cal.wd_between(c.last_visit_at, now)
                     - self.cal.wd_between(c.last_visit_at, due_at - 1.0))
        c.last_visit_at = now
        self._schedule_visit(c, token, now)

    def _visit_ready(self, c: Child, token: int, due_at: float) -> None:
        if token == c.plan_token and c.open and c.task is None:
            self._record_visit(c, token, due_at, self.eng.now())

    def _clock_start(self, c: Child) -> float:
        clock = c.stage_cfg.clock_start
        return (c.referral_at if clock == 0
                else c.stage_start_at if clock == 1 else c.prev_stage_start_at)

    def _finish_task_stage(self, c: Child, now: float) -> None:
        team = c.team
        assert team is not None
        self.log.rec(now, c.id, R.TASK_DONE, c.stage_idx, team.idx, -1,
                     self.cal.wd_between(self._clock_start(c), now))
        self._move(c, self.route[c.stage](), now)

    def _stage_ready(self, c: Child, token: int) -> None:
        if token == c.plan_token and c.open and c.task is None:
            self._finish_task_stage(c, self.eng.now())

    def _book_conference(self, clock_start: float, now: float) -> float:
        """Book a conference and return its time (midday of its day).

        It is booked at the clock's start (the strategy discussion) for ``book_at_wd`` working
        days later, on the first working day from then with a free chair. Where that date has
        passed (the enquiry ran on) or the report was not ready (``clock_start == now``), it is
        rebooked: the first free day at least ``min_notice_wd`` working days ahead."""
        cal = self.cal
        conf = self.scenario.conferences
        target = cal.deadline(clock_start, conf.book_at_wd) - 1.0
        if clock_start >= now or target < now:
            target = cal.deadline(now, conf.min_notice_wd) - 1.0 if conf.min_notice_wd > 0 else now
        day = int(target)
        booked = self.conf_booked
        wd = cal.is_working_day
        n = len(wd)
        while (day < n and not wd[day]) or booked.get(day, 0) + 1 > self.conf_capacity + 1e-9:
            day += 1
        booked[day] = booked.get(day, 0) + 1
        t = day + 0.5
        return t if t > now else now

    def _schedule_visit(self, c: Child, token: int, now: float) -> None:
        """Book the next visit: its work becomes due ``window_wd`` before its deadline.

        Work becomes due at the start of a working day, so activations are batched by day and
        started by one daily event (see :meth:`on_morning`) rather than one event each.
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

    def on_morning(self, day: int) -> None:
        """Visits whose work becomes due today are started (one event a day for all of them)."""
        for c, token, due in self.visit_book.pop(day, ()):
            self._visit_due(c, token, due, day)
        # managers' checkpoints: a task still open gets more of its worker's time
        for c, token in self.checkpoint_book.pop(day, ()):
            t = c.task
            if token == c.plan_token and c.open and t is not None and t.kind == "stage":
                w = t.worker
                if w is not None:
                    w.stop_task(t, day)
                    t.priority *= c.stage_cfg.checkpoint_factor
                    w.start_task(t, day)
                else:
                    t.priority *= c.stage_cfg.checkpoint_factor

    def _visit_due(self, c: Child, token: int, due: float, now: float) -> None:
        if token != c.plan_token or not c.open:
            return
        if c.unqualified:
            # non-qualified staff holding a stable case make its visits (their hours are not
            # social workers' hours and are not modelled)
            self._record_visit(c, token, due, now)
            return
        t = Task(c, "visit", self.visit_hours[c.stage](), c.stage_cfg.priority, due_at=due,
                 token=token)
        c.task = t
        lead = c.stage_cfg.visit_lead_wd
        c.ready_at = 0.0
        if lead >= 0:
            # arranged for midday, ``lead`` working days before the deadline (``due`` is the end
            # of the deadline's working day)
            day = self.cal.deadline(due - 1.0, -lead) if lead > 0 else due
            c.ready_at = day - 0.5
        if c.worker is not None:
            c.worker.start_task(t, now)

    def _plan_end(self, c: Child, token: int) -> None:
        if token != c.plan_token or not c.open:
            return
        now = self.eng.now()
        self.missed_visit(c, now)
        self._move(c, self.route[c.stage](), now)

    def missed_visit(self, c: Child, now: float) -> None:
        t = c.task
        if t is not None and t.kind == "visit" and t.due_at < now:
            self.log.rec(now, c.id, R.VISIT_MISSED, c.stage_idx,
                     c.team.idx if c.team is not None else -1, -1,
                     self.cal.wd_between(t.due_at, now))

    def _transfer_due(self, c: Child, token: int) -> None:
        if token != c.plan_token or not c.open:
            return
        if c.unqualified:
            c.team = self.teams[c.stage_cfg.transfer_to_team]
            return
        self.alloc.place(c, self.teams[c.stage_cfg.transfer_to_team], self.eng.now())

    def _move(self, c: Child, outcome: str, now: float) -> None:
        self._end_stage(c, now)
        if outcome == "close":
            self._close(c, now)
        else:
            self.start_stage(c, outcome, now)

    def _end_stage(self, c: Child, now: float) -> None:
        t = c.task
        if t is not None:
            if t.worker is not None:
                t.worker.stop_task(t, now)
            c.task = None
        self.stage_counts[c.stage_idx] -= 1
        if c.unqualified:
            self.alloc.release_unqualified(c)
        self.log.rec(now, c.id, R.STAGE_END, c.stage_idx, c.team.idx if c.team else -1, -1, 0.0)

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
        self.log.rec(now, c.id, R.CLOSED, -1, -1, -1, 0.0)
        fam = self.alloc.families.get(c.family)
        if fam is not None and c in fam:
            remove_item(fam, c)
            if not fam:
                del self.alloc.families[c.family]
        if w is not None:
            w.team.drain(now, w)
        if self.rereferral_p > 0 and self.u_reref() < self.rereferral_p:
            at = now + 365.0 * self.u_reref_delay()
            if at < self.horizon:
                self.eng.call_in(at - now, self.rerefer, c)

    def rerefer(self, c: Child) -> None:
        now = self.eng.now()
        c.open = True
        c.referral_at = now
        c.stage_start_at = now
        c.last_worker_id = c.last_worker_id  # a returning child may meet her old worker again
        self.n_family += 1
        c.family = self.n_family
        self.log.rec(now, c.id, R.REREFERRAL, FRONT_DOOR, -1, -1, 0.0)
        self.log.rec(now, c.id, R.REFERRAL, FRONT_DOOR, -1, -1, 1.0)
        self._front_door_arrive([c], now)
