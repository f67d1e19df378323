"""A child (one case) and the piece of work currently needed on it."""

from __future__ import annotations

import math


class Task:
    """Work needed on a child's case: a task stage (assessment, s47, ICPC) or a statutory visit.

    ``remaining`` is in hours of a worker's time; ``priority`` weights the worker's time share.
    """

    __slots__ = ("child", "kind", "remaining", "priority", "target", "worker", "seq", "due_at",
                 "token")

    def __init__(self, child: "Child", kind: str, work_hours: float, priority: float,
                 due_at: float = math.inf, token: int = 0):
        self.child = child
        self.kind = kind            # "stage" or "visit"
        self.remaining = work_hours
        self.priority = priority
        self.target = 0.0
        self.worker = None
        self.seq = -1
        self.due_at = due_at
        self.token = token


class Child:
    """One case is one child (Lincolnshire: "one case related to one child")."""

    __slots__ = (
        "id", "family", "stage", "stage_cfg", "stage_idx", "team", "worker", "task",
        "referral_at", "stage_start_at", "prev_stage_start_at", "load_weight", "ongoing",
        "last_visit_at", "visit_token", "queued_at", "queued_team", "last_worker_id",
        "open", "transfer_to", "plan_token", "change_reason",
    )

    def __init__(self, cid: int, family: int, referral_at: float):
        self.id = cid
        self.family = family
        self.referral_at = referral_at
        self.stage = None
        self.stage_cfg = None
        self.stage_idx = -1
        self.team = None
        self.worker = None
        self.task = None
        self.stage_start_at = referral_at
        self.prev_stage_start_at = referral_at
        self.load_weight = 0.0
        self.ongoing = 0.0
        self.last_visit_at = referral_at
        self.visit_token = 0
        self.plan_token = 0
        self.queued_at = math.nan
        self.queued_team = None
        self.last_worker_id = -1
        self.open = True
        self.transfer_to = None
        self.change_reason = 0      # why she is waiting for a new worker (records.REASON_*)
