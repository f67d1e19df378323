"""The model's entities: a child (one case), the piece of work currently needed on it, and the
stage she is in as the simulation reads it. Workers and teams are in :mod:`.workload` and
:mod:`.allocation`; a child refers to hers without this module importing them."""

from __future__ import annotations

import math
from typing import Any, Optional



def remove_item(items: list[Any], item: Any) -> None:
    """``items.remove(item)`` by identity: the same result for the model's objects (they have
    no ``__eq__``), without asking each object before ``item`` to compare itself (a rich
    comparison call per object). Compiled, reading an item still touches its reference count, so
    the objects are still read from memory: the saving is the calls, not the memory traffic."""
    for i in range(len(items)):
        if items[i] is item:
            del items[i]
            return
    raise ValueError("remove_item: item not in list")

class Task:
    """Work needed on a child's case: a task stage (assessment, s47, ICPC) or a statutory visit.

    ``remaining`` is in hours of a worker's time; ``priority`` weights the worker's time share.
    """

    __slots__ = ("child", "kind", "remaining", "priority", "target", "worker", "seq", "due_at",
                 "token", "hpos")

    def __init__(self, child: "Child", kind: str, work_hours: float, priority: float,
                 due_at: float = math.inf, token: int = 0):
        self.child: Child = child
        self.kind: str = kind            # "stage" or "visit"
        self.remaining: float = work_hours
        self.priority: float = priority
        self.target: float = 0.0
        self.worker: Any = None          # the Worker doing it, or None
        self.seq: int = -1
        self.due_at: float = due_at
        self.token: int = token
        self.hpos: int = -1              # her place in her worker's task heap (-1: not in one)


class Child:
    """One case is one child (Lincolnshire: "one case related to one child")."""

    __slots__ = (
        "id", "family", "stage", "stage_cfg", "stage_idx", "team", "worker", "task",
        "referral_at", "stage_start_at", "prev_stage_start_at", "load_weight", "ongoing",
        "last_visit_at", "queued_at", "queued_team", "last_worker_id",
        "open", "plan_token", "change_reason", "queue_seq", "ready_at", "unqualified",
    )

    def __init__(self, cid: int, family: int, referral_at: float):
        self.id: Any = cid   # kept boxed: the event log stores the same object each time
        self.family: int = family
        self.referral_at: float = referral_at
        self.stage: str = ""                # "" while at the front door or closed
        self.stage_cfg: StageInfo = NO_STAGE    # her stage, as the simulation reads it
        self.stage_idx: int = -1
        self.team: Any = None               # her Team (allocation), or None
        self.worker: Any = None             # her Worker (workload), or None
        self.task: Optional[Task] = None
        self.stage_start_at: float = referral_at
        self.prev_stage_start_at: float = referral_at
        self.load_weight: float = 0.0
        self.ongoing: float = 0.0
        self.last_visit_at: float = referral_at
        self.plan_token: int = 0
        self.queued_at: float = math.nan
        self.queued_team: Any = None        # the Team whose queue she waits in
        self.last_worker_id: int = -1
        self.open: bool = True
        self.queue_seq: int = 0          # her entry in her team's queue (stale entries differ)
        self.ready_at: float = 0.0       # earliest time her task stage may finish (elapsed, booking)
        self.change_reason: int = 0      # why she is waiting for a new worker (log.REASON_*)
        self.unqualified: bool = False   # held by non-qualified staff (pressure.unqualified_*)


class StageInfo:
    """What the simulation reads of a scenario stage at every event, as plain typed fields.

    A copy of :class:`workbench.scenario.Stage` made once per run: the compiled core reads these
    fields directly instead of through the validated scenario object.
    """

    def __init__(self, name: str = "", idx: int = -1, cfg: Any = None) -> None:
        self.name: str = name
        self.idx: int = idx
        self.cfg: Any = cfg                         # the scenario's Stage, for everything else
        if cfg is None:  # no stage (at the front door, or closed)
            from ..scenario import Stage
            cfg = Stage.model_validate({"team": "", "kind": "plan", "next": {"close": 1.0},
                                        "duration_days": {"dist": "fixed", "value": 1.0}})
        self.kind: str = cfg.kind
        self.is_task: bool = cfg.kind == "task"
        self.team: str = cfg.team
        self.cap_weight: float = float(cfg.cap_weight)
        self.ongoing_hours_per_week: float = float(cfg.ongoing_hours_per_week)
        self.priority: float = float(cfg.priority)
        self.nqsw_allowed: bool = bool(cfg.nqsw_allowed)
        # the clock a task's timeliness is measured from: 0 referral, 1 stage start, 2 previous stage
        clock = cfg.clock
        self.clock_start: int = (0 if clock is None or clock.start == "referral"
                                 else 1 if clock.start == "stage" else 2)
        v = cfg.visits
        self.has_visits: bool = v is not None
        self.visit_interval_wd: int = int(v.interval_wd) if v is not None else 0
        self.visit_window_wd: int = int(v.window_wd) if v is not None else 0
        self.visit_later_interval_wd: int = (int(v.later_interval_wd) if v is not None
                                             and v.later_interval_wd is not None else 0)
        self.visit_later_after_days: float = float(v.later_after_days) if v is not None else 0.0
        self.visit_lead_wd: int = (int(v.booked_lead_wd) if v is not None
                                   and v.booked_lead_wd is not None else -1)
        self.has_elapsed: bool = cfg.elapsed_wd is not None
        self.booked: bool = bool(cfg.booked)
        self.shortens: bool = bool(cfg.shortens_under_pressure)
        self.checkpoints: list[int] = [int(k) for k in cfg.checkpoints_wd]
        self.checkpoint_factor: float = float(cfg.checkpoint_priority_factor)
        t = cfg.transfer
        self.has_transfer: bool = t is not None
        self.transfer_after_days: float = float(t.after_days) if t is not None else 0.0
        self.transfer_to_team: str = t.to_team if t is not None else ""


NO_STAGE = StageInfo()  # a child at the front door or closed
