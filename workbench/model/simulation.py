"""Wiring: one run of the model, from a scenario and a seed to a run record.

``simulate(scenario, seed)`` is a pure function: a new engine (SimPy environment) per call, no
module state, every random draw from a named stream spawned from the seed. It builds the parts
(engine, event and cost logs, teams, workers, the journey, workforce dynamics, the warm start),
runs them to the horizon, and returns a :class:`~workbench.model.record.RunRecord`: what
happened, as records. KPIs and weekly tables are computed from the record by
:mod:`workbench.analysis`, which never sees a live simulation.
"""

from __future__ import annotations

import gc
import math
from typing import Any, Optional

import numpy as np
import pandas as pd

from ..calendar import WorkingCalendar
from ..scenario import STAGES, WORKER_TYPES, Scenario
from . import log as R
from .allocation import Allocation, Team
from .engine import Engine
from .journey import FRONT_DOOR, Journey
from .log import CostLog, EventLog
from .record import RunRecord
from .snapshot import build_snapshot
from .workforce import WorkforceDynamics
from .workload import Worker, WorkSettings


class Simulation:
    """Builds the model for one scenario and seed and runs it. Use :func:`simulate`."""

    def __init__(self, scenario: Scenario, seed: int, horizon_days: Optional[float] = None,
                 fast_engine: Optional[bool] = None):
        sc = scenario
        self.scenario: Any = scenario
        self.seed: int = int(seed)
        self.horizon: float = float(horizon_days if horizon_days is not None else sc.horizon_days)
        # Workers' wake-ups fall on a grid of completion_step_hours: all those due at one grid
        # time share one event. 0: each at its exact time, an event each.
        self.eng: Engine = Engine(sc.working_time.completion_step_hours / 24.0, fast=fast_engine)
        self.cal: WorkingCalendar = WorkingCalendar(
            sc.start_date, int(math.ceil(self.horizon)) + 900, sc.calendar.working_days,
            sc.calendar.country, sc.calendar.subdivision)
        self.log: EventLog = EventLog()
        self.costs: CostLog = CostLog()
        self.settings: WorkSettings = WorkSettings(sc, self.cal)
        self.type_index: dict[str, int] = {t: i for i, t in enumerate(WORKER_TYPES)}
        self.alloc: Allocation = Allocation(self.log)
        if sc.pressure.allocate_after_wait_days is not None:
            self.alloc.sibling_cap_factor = sc.pressure.allocation_ceiling_pct / 100
        self.workers: list[Worker] = []
        self.teams: dict[str, Team] = {
            name: Team(self.alloc, name, i, cfg) for i, (name, cfg) in enumerate(sc.teams.items())}
        self.team_names: tuple[str, ...] = tuple(self.teams)
        self.journey: Journey = Journey(sc, self.seed, self.horizon, self.eng, self.log,
                                        self.alloc, self.teams, self.cal,
                                        self.settings.case_hours_per_fte_day)
        self.settings.task_done = self.journey.task_done
        self.workforce: Any = None
        self.obs_rows: list = []    # the weekly observations (see _observer)

    def add_worker(self, team: Team, wtype: str, fte: float, months_qualified: float,
                   now: float) -> Worker:
        """A worker starts in ``team``."""
        w = Worker(self.settings, self.eng, len(self.workers), team, wtype, fte, months_qualified,
                   now)
        self.workers.append(w)
        team.join(w)
        self.log.rec(now, -1, R.WORKER_JOINED, self.type_index[wtype], team.idx, w.id, fte)
        return w

    # ------------------------------------------------------------------ weekly observation
    def _observer(self, rows: list):
        env = self.eng.env
        while env.now <= self.horizon + 1e-9:
            rows.append(self._observe(env.now))
            yield self.eng.timeout(7.0)

    def _worker_spells(self, end: float) -> pd.DataFrame:
        """One row per worker and type she held (a newly qualified worker who completes her
        ASYE year has two spells): the basis of staff costs. Workers, not children."""
        rows = []
        for w in self.workers:
            stop = min(w.left_at, end)
            if len(w.team_history) > 1:
                # she moved team: a spell for each type and team she held, in time order
                spells = _spells(w.type_history, w.team_history)
            else:
                spells = [(t0, wtype, w.team.name) for t0, wtype in w.type_history]
            for k, (t0, wtype, team) in enumerate(spells):
                t1 = spells[k + 1][0] if k + 1 < len(spells) else stop
                rows.append((w.id, team, wtype, w.fte, t0, min(t1, stop),
                             w.left_at if w.left_at <= end else math.nan))
        return pd.DataFrame(rows, columns=["worker", "team", "type", "fte", "joined_days",
                                           "left_days", "worker_left_days"])

    def _observe(self, now: float) -> dict:
        j = self.journey
        row: dict[str, Any] = {"t_days": now, "in_front_door": j.in_front_door}
        for name, n in zip(STAGES, j.stage_counts):
            row[f"open_{name}"] = n
        unalloc = 0
        awaiting_transfer = 0
        for team in self.teams.values():
            u, a = team.waiting()
            unalloc += u
            awaiting_transfer += a
        row["unallocated"] = unalloc
        row["awaiting_transfer"] = awaiting_transfer
        fte = dict.fromkeys(WORKER_TYPES, 0.0)
        loads = []
        over = 0
        n_holding = 0
        absent = 0.0
        cases_held = 0
        fte_holding = 0.0
        fte_employed = 0.0
        pressure = 0.0
        overtime = 0.0
        for w in self.workers:
            if w.left_at < math.inf:
                continue
            fte[w.type] += w.fte
            if w.absent:
                absent += w.fte
            if w.team.cfg.case_holding:
                n_holding += 1
                loads.append(len(w.cases) / w.fte)
                cases_held += len(w.cases)
                fte_holding += w.fte
                if w.type != "agency":
                    fte_employed += w.fte
                pressure += w.pressure
                overtime += w.overtime
                if w.load > w.cap + 1e-9:
                    over += 1
        for k, v in fte.items():
            row[f"fte_{k}"] = v
        row["fte_absent"] = absent
        # the published definitions: cases held over the FTE of case-holding staff; employed
        # (not agency) case-holding FTE, the staff whose leaving counts as turnover
        row["caseload_per_fte"] = cases_held / fte_holding if fte_holding > 0 else 0.0
        row["fte_employed_case_holding"] = fte_employed
        row["work_pressure_mean"] = pressure / n_holding if n_holding else 0.0
        row["overtime_pct"] = 100.0 * (overtime / n_holding - 1.0) if n_holding else 0.0
        row["service_pressure"] = self.alloc.level
        row["held_unqualified"] = self.alloc.unqualified_held
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
    def run(self) -> RunRecord:
        """Run the model to the horizon and return its records."""
        # The run makes a few hundred thousand short-lived objects and few reference cycles;
        # the cyclic garbage collector would rescan the growing event log again and again (a
        # fifth of the run time), so it is paused for the run and restored after it.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if was_enabled:
                gc.enable()

    def warm_start(self) -> None:
        """Staff in post and open cases at time 0 (the scenario's snapshot)."""
        build_snapshot(self.scenario, self.seed, self.horizon, self.teams, self.add_worker,
                       self.journey)
        self.eng.flush()

    def _run(self) -> RunRecord:
        self.start()
        self.advance(self.horizon)
        return self.finish()

    def start(self) -> None:
        """The state at time 0 and the processes that drive the run (:meth:`run` does this,
        then :meth:`advance` to the horizon and :meth:`finish`; a benchmark may advance in
        steps)."""
        eng = self.eng
        j = self.journey
        eng.wheel_on = True   # the day wheel (started below) turns from the first morning
        self.warm_start()
        self.workforce = WorkforceDynamics(self.scenario, self.seed, self.horizon, eng, self.log,
                                           self.costs, self.alloc, self.teams, self.workers,
                                           self.add_worker, self.type_index)
        self.workforce.start()
        j.start_arrivals()
        eng.start_days(self.horizon, j.on_morning)
        eng.process(self._observer(self.obs_rows))

    def advance(self, until: float) -> None:
        """Run on to time ``until`` (days, at most the horizon)."""
        self.eng.run(until=min(until, self.horizon))

    def finish(self) -> RunRecord:
        """The run's records at the horizon (run :meth:`advance` to it first)."""
        j = self.journey
        obs_rows = self.obs_rows
        end = self.horizon
        # censor: children still open are written out as censored records, never dropped
        for c in j.children:
            if c.open:
                if c.stage:
                    j.missed_visit(c, end)
                self.log.rec(end, c.id, R.CENSORED, c.stage_idx if c.stage else FRONT_DOOR,
                             c.team.idx if c.team else -1, c.worker.id if c.worker else -1, 0.0)
        return RunRecord(
            scenario=self.scenario, seed=self.seed, horizon_days=end,
            events=self.log.to_frame(), observations=obs_rows,
            workers=self._worker_spells(end), costs=self.costs.to_frame(),
            open_by_stage=dict(zip(STAGES, j.stage_counts)),
            team_names=self.team_names)


def simulate(scenario: Scenario, seed: int = 0, *, years: float | None = None,
             fast_engine: bool | None = None) -> RunRecord:
    """Run one replication of a scenario and return its records.

    Most users want :func:`workbench.simulate`, which adds the KPIs and weekly series.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see :func:`workbench.load_scenario`).
    seed : int
        Replication seed. The same seed gives the same run; the same seed across scenarios gives
        common random numbers.
    years : float, optional
        Override the scenario's horizon (years).
    fast_engine : bool, optional
        Force the engine's fast path on or off (default: on where SimPy allows it; see
        :mod:`workbench.model.engine`).

    Returns
    -------
    RunRecord
        The event log, weekly observations, workers' spells, costs beyond pay and the end state.
    """
    horizon = years * 365.25 if years is not None else None
    return Simulation(scenario, seed, horizon, fast_engine=fast_engine).run()


def _spells(types: list[tuple[float, str]],
            teams: list[tuple[float, str]]) -> list[tuple[float, str, str]]:
    """(from, type, team) at every change of either, from her type and team histories (a
    change of both at one instant is one spell)."""
    times = sorted({t for t, _ in types} | {t for t, _ in teams})
    out: list[tuple[float, str, str]] = []
    i = j = 0
    for t in times:
        while i + 1 < len(types) and types[i + 1][0] <= t:
            i += 1
        while j + 1 < len(teams) and teams[j + 1][0] <= t:
            j += 1
        out.append((t, types[i][1], teams[j][1]))
    return out
