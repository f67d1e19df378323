"""Workforce dynamics: leavers, absence, progression, recruitment, the academy and agency cover.

Each week the workforce process decides who leaves, who starts a long-term absence, who completes
the ASYE year, and (every recruitment round) which vacancies are filled; it requests or releases
agency cover to match vacancies, within the scenario's caps. Academy cohorts start once a year and
graduate into vacancies. Hires, agency starts and graduations are events of their own.

Leaving and absence draws come from a stream per week, indexed by worker id: the same worker
meets the same luck in every scenario (common random numbers), whatever else differs.

The front door team's staffing is fixed (it is sized by its servers); every case-holding team moves.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Any, Callable, Final

import numpy as np

from . import log as R
from .allocation import Allocation, Team
from .engine import Engine
from .entities import remove_item
from .log import CostLog, EventLog
from .rebalance import balance, hand_over_stable
from .streams import Sampler, Uniforms, residual_life, stream
from .workload import Worker, academy_cap_factor

WEEK: Final = 7.0
YEAR: Final = 365.25
_INF: Final = float("inf")
PERMANENT = ("experienced", "nqsw")

# destination codes (value of a LEAVER_DESTINATION event)
#: The most work pressure (over 1) that raises leaving and sickness. assumption: the rise is
#: taken to stop at three times a worker's hours (domain.md: Walsall's caseloads reached 30-55
#: against an aim of about 18, the most observed); beyond it the linear rise is not
#: extrapolated (an assessment of 1,000,000 hours gave 757% turnover a year).
PRESSURE_EFFECT_MAX_OVER: Final = 2.0

DEST_ANOTHER_COUNCIL = 0
DEST_AGENCY = 1
DEST_OUT_OF_SECTOR = 2
DEST_END_OF_ASSIGNMENT = 3   # an agency worker's assignment ended (tenure, or cover released)
DEST_NO_VACANCY = 4          # an academy graduate with no vacancy to go to
DESTINATIONS = {DEST_ANOTHER_COUNCIL: "another_council", DEST_AGENCY: "agency",
                DEST_OUT_OF_SECTOR: "out_of_sector", DEST_END_OF_ASSIGNMENT: "end_of_assignment",
                DEST_NO_VACANCY: "no_vacancy"}


class WorkforceDynamics:
    """The workforce's own events for one run (see the module's docstring)."""

    def __init__(self, scenario: Any, seed: int, horizon: float, eng: Engine, log: EventLog,
                 costs: CostLog, alloc: Allocation, teams: dict[str, Team], workers: list[Worker],
                 add_worker: Callable[..., Worker], type_index: dict[str, int]):
        sc = scenario
        self.sc = sc
        self.seed = seed
        self.horizon = horizon
        self.eng = eng
        self.log = log
        self.costs = costs
        self.alloc = alloc
        self.teams = teams
        self.workers = workers
        self.add_worker = add_worker
        self.type_index = type_index
        self.asye_days: float = sc.workforce.asye_months * 30.4375
        self.sickness_effect: float = float(sc.pressure.sickness_effect)
        s = seed
        self.wf = sc.workforce
        self.hire_delay = Sampler(sc.recruitment.time_to_hire_weeks, stream(s, "recruitment.delay"))
        self.u_hire = Uniforms(stream(s, "recruitment.success"))
        self.u_hire_type = Uniforms(stream(s, "recruitment.type"))
        self.agency_lead = Sampler(sc.agency.lead_time_weeks, stream(s, "agency.lead"))
        self.agency_tenure = Sampler(sc.agency.tenure_weeks, stream(s, "agency.tenure"))
        self.u_agency = Uniforms(stream(s, "agency.fill"))
        self.u_dest = Uniforms(stream(s, "workforce.destination"))
        self.absence_len = Sampler(sc.workforce.long_term_absence.duration_weeks,
                                   stream(s, "workforce.absence_length"))
        self.pipeline: dict[str, float] = {n: 0.0 for n in teams}        # permanent hires on their way
        self.agency_pending: dict[str, float] = {n: 0.0 for n in teams}  # agency starts on their way
        self.case_teams = [t for t in teams.values() if t.cfg.case_holding]
        #: teams holding no stage that a newly qualified worker in her ASYE year may hold (a
        #: court team): a hire there is experienced, whatever the recruitment mix says
        self.experienced_only: set[str] = {
            n for n in teams if not any(st.team == n and st.nqsw_allowed
                                        for st in sc.stages.values())}
        #: agency requests on their way that are no longer wanted (cover fell before they came)
        self.agency_cancelled: dict[str, float] = {n: 0.0 for n in teams}
        dest = sc.workforce.leaver_destinations_pct
        self.dest_cum = np.cumsum([dest["another_council"], dest["agency"], dest["out_of_sector"]]) / 100
        self.retention_from = (self._days_from_start(sc.retention.start_date)
                               if sc.retention.start_date else 0.0)
        self.rule_from = (self._days_from_start(sc.agency.experience_rule_date)
                          if sc.agency.experience_rule_date else _INF)
        # the leaving hazard's inputs, read once (the weekly round asks for every worker)
        self.base_hazard: dict[str, float] = {
            t: (-math.log(1 - pct / 100) if pct > 0 else 0.0)
            for t, pct in self.wf.turnover_pct_per_year.items()}
        g = sc.academy.graduate_turnover_pct_per_year
        self.graduate_hazard: float = (-1.0 if g is None else
                                       -math.log(1 - g / 100) if g > 0 else 0.0)
        self.agency_enabled: bool = bool(sc.agency.enabled)
        self.pressure_effect: float = float(self.wf.pressure_turnover_effect)
        self.level_smoothed: float = 0.0
        ret = sc.retention
        self.retention_enabled: bool = bool(ret.enabled)
        self.retention_min_months: float = ret.eligible_min_years * 12
        self.retention_factor: float = 1 - ret.turnover_reduction_pct / 100

    def _days_from_start(self, d: dt.date) -> float:
        return float((d - self.sc.start_date).days)

    # ------------------------------------------------------------------ set-up
    def start(self) -> None:
        sc = self.sc
        eng = self.eng
        # agency workers in post at the start are part-way through their assignments: what is
        # left of each is the remaining part of an assignment under way on the day (longer
        # ones are likelier to be under way: drawn in proportion to their length, as the warm
        # start's plans), not a fraction of a new one. With agency cover off they leave at the
        # agency turnover rate instead (_hazard).
        starting = [w for w in self.workers if w.type == "agency" and w.team.cfg.case_holding]
        if starting and sc.agency.enabled:
            rng = stream(self.seed, "agency.initial")
            _, left = residual_life(sc.agency.tenure_weeks, rng, len(starting))
            for w, weeks in zip(starting, left.tolist()):
                self._end_assignment_in(w, 0.0, weeks)
        # academy trainees in post at the start graduate a year after they qualified
        for w in self.workers:
            if w.type == "academy":
                self._book_graduation(w, max(w.qualified_at + sc.academy.months * 30.4375, 0.0))
        eng.process(self._weekly())
        if sc.academy.intake_per_year > 0:
            eng.process(self._academy_intakes())
        for camp in sc.recruitment.campaigns:
            eng.process(self._campaign(camp))

    # ------------------------------------------------------------------ the weekly round
    def _weekly(self):
        eng = self.eng
        rec = self.sc.recruitment
        round_every = max(1, int(round(rec.round_interval_weeks)))
        week = 0
        while eng.now() < self.horizon:
            now = eng.now()
            self._pressure(now)
            self._progression(now)
            self._leavers_and_absence(now, week)
            if rec.enabled and week % round_every == 0:
                self._recruitment_round(now)
            if self.sc.agency.enabled:
                self._agency_conversion(now)
                self._agency_cover(now)
            if self.sc.caseload.balancing.enabled:
                balance(self.sc.caseload.balancing, self.case_teams, self.alloc, now)
            if self.sc.pressure.unqualified_cases_max > 0:
                hand_over_stable(self.sc.pressure, self.case_teams, self.alloc,
                                 self.level_smoothed, now)
            self._accrue_costs(now)
            week += 1
            yield eng.timeout(WEEK)

    def _pressure(self, now: float) -> None:
        """The week's pressure: each case-holding worker's work pressure (smoothed) and overtime,
        the service's level (children waiting per case-holding FTE), and managers allocating
        children who have waited too long above the hard limit."""
        pr = self.sc.pressure
        alpha = 1.0 - math.exp(-1.0 / pr.smoothing_weeks)
        ot_max = pr.overtime_max_pct / 100
        floor = pr.routine_work_floor_pct / 100
        backlog = pr.backlog_weeks
        waiting = 0
        fte = 0.0
        for team in self.case_teams:
            waiting += team.waiting()[0]
            # the team's children waiting for a social worker are work its workers know is
            # coming (duty, managers asking who can take one): shared by FTE
            team_fte = sum(w.fte for w in team.workers if w.left_at == _INF)
            queued = (team.waiting_hours(backlog) / backlog / team_fte
                      if pr.count_waiting_work and team_fte > 0 else 0.0)
            for w in team.workers:
                if w.left_at < _INF:
                    continue
                fte += w.fte
                w.pressure += alpha * (w.work_ratio(now, backlog, queued * w.fte) - w.pressure)
                over = w.pressure - 1.0
                if over > 0.0:
                    # longer hours, and thinner routine work, while the work exceeds her hours
                    w.set_pace(now, 1.0 + min(over, ot_max),
                               max(floor, 1.0 / w.pressure) if floor < 1.0 else 1.0)
                else:
                    w.set_pace(now, 1.0, 1.0)
        self.alloc.level = min(1.0, waiting / fte / pr.queue_per_fte_at_full) if fte > 0 else 1.0
        # the level managers act on for lasting responses, smoothed like the workers' pressure
        self.level_smoothed += alpha * (self.alloc.level - self.level_smoothed)
        if pr.allocate_after_wait_days is not None:
            ceiling = pr.allocation_ceiling_pct / 100
            for team in self.case_teams:
                team.allocate_waiting(now, pr.allocate_after_wait_days, ceiling)

    def _progression(self, now: float) -> None:
        """NQSWs complete their ASYE year; second-year caps rise to the full cap."""
        second = self.wf.second_year_cap_pct / 100
        for w in self.workers:
            if not w.available and not w.absent:
                continue
            if w.type == "nqsw" and now >= w.qualified_at + self.asye_days:
                w.change(now, wtype="experienced",
                         cap_factor=second if now < w.qualified_at + 2 * YEAR else 1.0)
            elif w.type == "experienced" and w.cap_factor < 1.0 and now >= w.qualified_at + 2 * YEAR:
                w.change(now, cap_factor=1.0)
            elif w.type == "academy" and w.grad_at < _INF:
                # protected caseload ramps up over the academy year, from when she began it (a
                # trainee in post at the start began before it, not at time 0)
                ac = self.sc.academy
                f = academy_cap_factor(ac.caseload_start_pct / 100, ac.months,
                                       w.grad_at - ac.months * 30.4375, now)
                if abs(f - w.cap_factor) > 0.02:
                    w.change(now, cap_factor=f)

    def _hazard(self, w: Worker, now: float) -> float:
        """Yearly leaving hazard for her now."""
        if w.type == "agency" and self.agency_enabled:
            return 0.0  # agency workers leave at the end of their assignment instead
        h = self.base_hazard[w.type]
        if self.graduate_hazard >= 0.0 and w.grad_at < now <= w.grad_at + 2 * YEAR:
            h = self.graduate_hazard
        if h <= 0.0:
            return 0.0
        if self.pressure_effect:
            # leaving follows the work she faces (hours demanded over hours she has), not her
            # caseload against a cap: raising caps does not make a worker less likely to leave
            over = min(w.pressure - 1.0, PRESSURE_EFFECT_MAX_OVER)
            if over > 0:
                h *= 1 + self.pressure_effect * over
        if (self.retention_enabled and now >= self.retention_from and w.type in PERMANENT
                and w.months_qualified(now) >= self.retention_min_months):
            h *= self.retention_factor
        return h

    def _leavers_and_absence(self, now: float, week: int) -> None:
        workers = self.workers
        n = len(workers)
        u_leave = stream(self.seed, f"workforce.leave.{week}").random(n).tolist()
        lta = self.wf.long_term_absence
        p_abs = 1 - math.exp(-(-math.log(1 - lta.starts_pct_per_year / 100)) * WEEK / YEAR) \
            if lta.starts_pct_per_year > 0 else 0.0
        u_abs = stream(self.seed, f"workforce.absence.{week}").random(n).tolist() if p_abs > 0 else None
        for i, w in enumerate(workers):
            if w.left_at < _INF or not w.team.cfg.case_holding:
                continue
            h = self._hazard(w, now)
            if h > 0 and u_leave[i] < 1 - math.exp(-h * WEEK / YEAR):
                u = self.u_dest()
                dest = int(np.searchsorted(self.dest_cum, u, side="right"))
                self.leave(w, now, min(dest, DEST_OUT_OF_SECTOR))
                continue
            if u_abs is not None and not w.absent and w.available and w.type != "agency":
                p = p_abs
                if self.sickness_effect and w.pressure > 1.0:
                    # sickness rises with the work (Walsall: 13 on long-term sick in one service)
                    over = min(w.pressure - 1.0, PRESSURE_EFFECT_MAX_OVER)
                    p = 1 - (1 - p_abs) ** (1 + self.sickness_effect * over)
                if u_abs[i] < p:
                    self._start_absence(w, now)

    # ------------------------------------------------------------------ leaving and absence
    def leave(self, w: Worker, now: float, destination: int) -> None:
        """She leaves: every case she held is reallocated or waits unallocated (none is lost)."""
        team = w.team
        w.available = False
        w.left_at = now
        w.absent = False
        remove_item(team.workers, w)
        self.log.rec(now, -1, R.WORKER_LEFT, self.type_index[w.type], team.idx, w.id, w.fte)
        self.log.rec(now, -1, R.LEAVER_DESTINATION, self.type_index[w.type], team.idx, w.id, destination)
        self._release_cases(w, now, R.REASON_LEAVER)
        if w.type in PERMANENT:
            pass  # a vacancy opens: the next recruitment round advertises it

    def _release_cases(self, w: Worker, now: float, reason: int) -> None:
        for c in list(w.cases):
            w.remove_case(c, now)
            c.change_reason = reason
            team = c.team
            assert team is not None
            if c.queued_team is not None:
                c.queued_team.dequeue(c)
            new = team.choose(c, now, exclude=w)
            if new is not None:
                self.alloc.allocate(c, new, now)
            else:
                team.enqueue(c, now)
                self.log.rec(now, c.id, R.QUEUED, c.stage_idx, team.idx, -1, 0.0)
        # a case she was holding for another team (awaiting transfer) has been handled above

    def _start_absence(self, w: Worker, now: float) -> None:
        weeks = self.absence_len()
        w.available = False
        w.change(now, absent=True)
        self.log.rec(now, -1, R.ABSENCE_START, self.type_index[w.type], w.team.idx, w.id, weeks)
        after = self.wf.long_term_absence.reallocate_after_weeks
        if weeks > after:
            self.eng.call_in(after * WEEK, self._absence_reallocate, w)
        self.eng.call_in(weeks * WEEK, self._absence_end, w)

    def _absence_reallocate(self, w: Worker) -> None:
        if w.absent and w.left_at == _INF:
            self._release_cases(w, self.eng.now(), R.REASON_ABSENCE)

    def _absence_end(self, w: Worker) -> None:
        if w.left_at < _INF or not w.absent:
            return
        now = self.eng.now()
        w.available = True
        w.change(now, absent=False)
        self.log.rec(now, -1, R.ABSENCE_END, self.type_index[w.type], w.team.idx, w.id, 0.0)
        w.team.drain(now)

    # ------------------------------------------------------------------ establishment
    def permanent_fte(self, team: Team) -> float:
        fte = 0.0
        for w in team.workers:
            if w.left_at == _INF and (w.type == "experienced" or w.type == "nqsw"):  # PERMANENT
                fte += w.fte
        return fte

    def agency_fte(self, team: Team) -> float:
        return sum(w.fte for w in team.workers if w.left_at == _INF and w.type == "agency")

    def vacancies(self, team: Team) -> float:
        return max(team.establishment_fte - self.permanent_fte(team), 0.0)

    # ------------------------------------------------------------------ recruitment
    def _recruitment_round(self, now: float) -> None:
        rec = self.sc.recruitment
        for team in self.case_teams:
            open_posts = int(math.floor(self.vacancies(team) - self.pipeline[team.name] + 0.5))
            for _ in range(max(open_posts, 0)):
                if self.u_hire() < rec.success_pct / 100:
                    wtype = "experienced" if self.u_hire_type() < rec.experienced_share_pct / 100 else "nqsw"
                    if team.name in self.experienced_only:
                        wtype = "experienced"   # the draw is made all the same (common numbers)
                    self._book_hire(team, wtype, self.hire_delay() * WEEK, now)
                    self.costs.rec(now, "recruitment", rec.cost_per_hire_gbp)

    def _book_hire(self, team: Team, wtype: str, delay: float, now: float,
                   months_qualified: float | None = None) -> None:
        self.pipeline[team.name] += 1.0
        mq = months_qualified if months_qualified is not None else (36.0 if wtype == "experienced" else 0.0)
        self.eng.call_in(delay, self._hire_starts, team, wtype, mq)

    def _hire_starts(self, team: Team, wtype: str, months_qualified: float) -> None:
        now = self.eng.now()
        self.pipeline[team.name] = max(self.pipeline[team.name] - 1.0, 0.0)
        self.add_worker(team, wtype, 1.0, months_qualified, now)
        team.drain(now)

    def _campaign(self, camp):
        eng = self.eng
        start = self._days_from_start(camp.start_date)
        end = self._days_from_start(camp.end_date)
        if start >= self.horizon or end <= 0:
            return
        # a campaign running past the end of the period simulated is charged for the share of
        # its hires that start within it: the rest start after the period, and so do the
        # benefits they pay for (a campaign of 3 hires starting on the last day costs nothing
        # here, as it brings no one within the period)
        hires = camp.hires
        within = hires
        for k in range(hires):
            if start + (k + 0.5) * (end - start) / hires >= self.horizon:
                within = k
                break
        if start > eng.now():
            yield eng.wait_until(start)
        cost = camp.cost_gbp if within == hires else camp.cost_gbp * within / hires
        self.costs.rec(self.eng.now(), "campaigns", cost)
        for k in range(hires):
            at = start + (k + 0.5) * (end - start) / hires
            if at >= self.horizon:
                break
            if at > eng.now():
                yield eng.wait_until(at)
            team = (self.teams[camp.team] if camp.team
                    else max(self.case_teams, key=lambda t: self.vacancies(t) - self.pipeline[t.name]))
            # campaign hires arrive after the usual checks; book them to start now
            self.pipeline[team.name] += 1.0
            self._hire_starts(team, "experienced", 36.0)

    # ------------------------------------------------------------------ academy
    def _academy_intakes(self):
        eng = self.eng
        ac = self.sc.academy
        start = self.sc.start_date
        if ac.first_intake_date is not None:
            first = ac.first_intake_date
        else:
            first = dt.date(start.year, ac.start_month, 1)
            if first <= start:
                first = dt.date(start.year + 1, ac.start_month, 1)
        k = 0
        team = self.teams[ac.team]
        while True:
            year = first.year + k
            # an intake on 29 February falls on the 28th in a year without one
            day = first.day if (first.month, first.day) != (2, 29) or calendar.isleap(year) else 28
            d = dt.date(year, first.month, day)
            at = self._days_from_start(d)
            if at >= self.horizon:
                return
            if at > eng.now():
                yield eng.wait_until(at)
            now = eng.now()
            for _ in range(ac.intake_per_year):
                w = self.add_worker(team, "academy", 1.0, 0.0, now)
                w.change(now, cap_factor=ac.caseload_start_pct / 100 or 0.01)
                self._book_graduation(w, now + ac.months * 30.4375)
            team.drain(now)
            k += 1

    def _book_graduation(self, w: Worker, at: float) -> None:
        w.grad_at = at
        if at < self.horizon:
            self.eng.call_in(at - self.eng.now(), self._graduate, w)

    def _graduate(self, w: Worker) -> None:
        """She completes the academy (and her ASYE): into a vacancy, over establishment, or away."""
        if w.left_at < _INF:
            return
        now = self.eng.now()
        ac = self.sc.academy
        second = self.wf.second_year_cap_pct / 100
        # a vacancy in her own team first, else the team with the most vacancies
        candidates = sorted(self.case_teams, key=lambda t: (t is not w.team,
                                                              -(self.vacancies(t) - self.pipeline[t.name])))
        target = next((t for t in candidates if self.vacancies(t) - self.pipeline[t.name] >= 0.5), None)
        self.log.rec(now, -1, R.GRADUATED, self.type_index[w.type], w.team.idx, w.id, w.fte)
        if target is None and ac.no_vacancy == "leave":
            self.leave(w, now, DEST_NO_VACANCY)
            return
        if now < w.qualified_at + self.asye_days - 1e-6:
            # an academy shorter than the ASYE year: she finishes that year as a newly
            # qualified worker (restricted stages barred until it ends; _progression promotes her)
            w.change(now, wtype="nqsw", cap_factor=1.0)
        else:
            w.change(now, wtype="experienced", cap_factor=second)
        if target is not None and target is not w.team:
            self._move_team(w, target, now)
        w.team.drain(now)

    def _move_team(self, w: Worker, team: Team, now: float) -> None:
        """She moves team: her cases stay with her old team (each a change of social worker)."""
        old = w.team
        cases = list(w.cases)
        for c in cases:
            w.remove_case(c, now)
        remove_item(old.workers, w)
        w.team = team
        w.team_history.append((now, team.name))
        w.set_capacity()
        team.join(w)
        for c in cases:
            c.change_reason = R.REASON_TRANSFER
            new = old.choose(c, now)
            if new is not None:
                self.alloc.allocate(c, new, now)
            else:
                old.enqueue(c, now)
                self.log.rec(now, c.id, R.QUEUED, c.stage_idx, old.idx, -1, 0.0)

    # ------------------------------------------------------------------ agency
    def _agency_cap_room(self, in_post: dict[str, float] | None = None,
                         perm: float = -1.0) -> float:
        """FTE of agency cover that may still be added under the caps. ``in_post`` (agency FTE
        in post by team) and ``perm`` (permanent and academy FTE) may be given when the caller
        knows they have not changed, to save summing over every worker again."""
        ag = self.sc.agency
        agency = sum((in_post[t.name] if in_post is not None else self.agency_fte(t))
                     + self.agency_pending[t.name] for t in self.case_teams)
        room = _INF
        if ag.cap_fte is not None:
            room = min(room, ag.cap_fte - agency)
        if ag.cap_share_pct is not None:
            if perm < 0.0:
                perm = self._permanent_and_academy_fte()
            s = ag.cap_share_pct / 100
            # agency / (agency + permanent) <= s  <=>  agency <= s / (1 - s) * permanent
            room = min(room, (s / (1 - s) * perm if s < 1 else _INF) - agency)
        return room

    def _permanent_and_academy_fte(self) -> float:
        return sum(self.permanent_fte(t) + sum(w.fte for w in t.workers
                                               if w.left_at == _INF and w.type == "academy")
                   for t in self.case_teams)

    def _agency_cover(self, now: float) -> None:
        ag = self.sc.agency
        # agency and permanent FTE in post do not change while cover is requested (only the
        # pending requests do), so they are summed once, not at every request
        in_post = {t.name: self.agency_fte(t) for t in self.case_teams}
        perm = self._permanent_and_academy_fte() if ag.cap_share_pct is not None else -1.0
        for team in self.case_teams:
            target = ag.cover_share_pct / 100 * self.vacancies(team)
            have = in_post[team.name] + self.agency_pending[team.name]
            while target - have >= 0.5 and self._agency_cap_room(in_post, perm) >= 1.0 - 1e-9:
                have += 1.0
                self.agency_pending[team.name] += 1.0
                filled = not (now >= self.rule_from and self.u_agency() >= ag.experience_rule_fill_pct / 100)
                self.eng.call_in(self.agency_lead() * WEEK, self._agency_starts, team, filled)
            # more cover than vacancies, or over the cap: release the latest agency workers
            excess = have - max(target, 0.0)
            room = self._agency_cap_room(in_post, perm)
            if room < 0:
                excess = max(excess, -room)
            pending = self.agency_pending[team.name]
            if excess >= 1.0 - 1e-9 and pending >= 1.0 - 1e-9:
                # cover asked for and not yet come is called off first: releasing a worker in
                # post while her replacement is on its way moves her cases twice
                n = float(min(int(pending + 1e-9), int(excess + 1e-9)))
                self.agency_pending[team.name] = pending - n
                self.agency_cancelled[team.name] += n
                excess -= n
            if excess >= 1.0 - 1e-9:
                agency = sorted((w for w in team.workers if w.type == "agency" and w.left_at == _INF),
                                key=lambda w: -w.joined_at)
                for w in agency:
                    if excess < 1.0 - 1e-9:
                        break
                    self.leave(w, now, DEST_END_OF_ASSIGNMENT)
                    excess -= w.fte
                in_post[team.name] = self.agency_fte(team)

    def _agency_starts(self, team: Team, filled: bool) -> None:
        now = self.eng.now()
        if self.agency_cancelled[team.name] >= 1.0 - 1e-9:
            self.agency_cancelled[team.name] -= 1.0   # called off while on its way
            return
        self.agency_pending[team.name] = max(self.agency_pending[team.name] - 1.0, 0.0)
        if not filled:
            return  # no worker meeting the experience rule could be found; asked again next week
        ag = self.sc.agency
        mq = max(ag.min_experience_years * 12 if now >= self.rule_from else 0.0, 24.0)
        w = self.add_worker(team, "agency", 1.0, mq + 12.0, now)
        self._book_assignment_end(w, now)
        team.drain(now)

    def _book_assignment_end(self, w: Worker, now: float) -> None:
        self._end_assignment_in(w, now, self.agency_tenure())

    def _end_assignment_in(self, w: Worker, now: float, weeks: float) -> None:
        w.leave_at = now + weeks * WEEK
        if w.leave_at < self.horizon:
            self.eng.call_in(weeks * WEEK, self._assignment_ends, w)

    def _assignment_ends(self, w: Worker) -> None:
        if w.left_at < _INF or w.type != "agency":
            return
        self.leave(w, self.eng.now(), DEST_END_OF_ASSIGNMENT)

    def _agency_conversion(self, now: float) -> None:
        rate = self.sc.agency.conversion_pct_per_year
        if rate <= 0:
            return
        p = 1 - (1 - rate / 100) ** (WEEK / YEAR)
        for team in self.case_teams:
            vacancies = self.vacancies(team)   # summed again only after a conversion changes it
            for w in list(team.workers):
                if (w.type == "agency" and w.left_at == _INF and vacancies >= 0.5
                        and self.u_agency() < p):
                    w.change(now, wtype="experienced")
                    vacancies = self.vacancies(team)
                    w.leave_at = _INF
                    self.log.rec(now, -1, R.CONVERTED, self.type_index["experienced"],
                                 team.idx, w.id, w.fte)

    # ------------------------------------------------------------------ costs beyond pay
    def _accrue_costs(self, now: float) -> None:
        sc = self.sc
        weeks = min(WEEK, self.horizon - now) / WEEK
        if sc.academy.cost_per_place_gbp:
            trainees = sum(w.fte for w in self.workers if w.type == "academy" and w.left_at == _INF)
            self.costs.rec(now, "academy", trainees * sc.academy.cost_per_place_gbp * weeks * WEEK / YEAR)
        ret = sc.retention
        if ret.enabled and ret.payment_gbp_per_year and now >= self.retention_from:
            eligible = sum(w.fte for w in self.workers
                           if w.left_at == _INF and w.type in PERMANENT
                           and w.months_qualified(now) >= ret.eligible_min_years * 12)
            self.costs.rec(now, "retention", eligible * ret.payment_gbp_per_year * weeks * WEEK / YEAR)
