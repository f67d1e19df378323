"""The run's records: the event log (what happened, with a fixed schema) and the cost log
(money spent beyond pay). KPIs are computed from them afterwards, by :mod:`workbench.analysis`.

Each row is one event for one child (or, for workforce events, one worker). The log lives in
memory for the run: it holds synthetic child identifiers and never leaves the process; outputs
carry only aggregates computed from it.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd

# Event codes. The meaning of ``value`` is given for each.
REFERRAL: Final = 1        # a child referred at the front door; value = family size
DECISION: Final = 2        # front-door decision; value = working days from referral
STAGE_START: Final = 3     # child enters ``stage``
STAGE_END: Final = 4       # child leaves ``stage``
TASK_DONE: Final = 5       # a task stage's work done; value = working days from its clock start
VISIT: Final = 6           # a statutory visit done; value = working days late (<= 0: on time)
VISIT_MISSED: Final = 7    # a visit was due and not done when the plan ended or the run ended; value = wd overdue
QUEUED: Final = 8          # child waits for allocation in ``team`` (unallocated)
ALLOCATED: Final = 9       # child allocated to ``worker``; value = days waited unallocated (-1: a transfer)
SW_CHANGE: Final = 10      # child's social worker changed; value = reason code (see REASONS)
CLOSED: Final = 11         # case closed
CENSORED: Final = 12       # still open at the end of the run: censored, not dropped
TRANSFER_ASKED: Final = 13  # case to move to ``team`` (child stays with the current worker meanwhile)
SNAPSHOT: Final = 14       # child open at the start (warm start); value = days already in the stage
UNQUALIFIED: Final = 15    # a stable case handed from ``worker`` to non-qualified staff (pressure); value = days in the stage
WORKER_JOINED: Final = 20  # a worker starts; child = -1; worker set; value = FTE
WORKER_LEFT: Final = 21    # a worker leaves; value = FTE
REREFERRAL: Final = 22     # a closed child is referred again (followed by REFERRAL)
LEAVER_DESTINATION: Final = 23  # where a leaver went; value = destination code (workforce.DESTINATIONS)
ABSENCE_START: Final = 24  # a worker starts a long-term absence; value = weeks
ABSENCE_END: Final = 25    # she is back
GRADUATED: Final = 26      # an academy trainee graduates
CONVERTED: Final = 27      # an agency worker takes a permanent post
# For worker events (20-27), ``stage`` holds the worker-type index (scenario.WORKER_TYPES).

# reasons for a change of social worker (SW_CHANGE value)
REASON_TRANSFER: Final = 1      # standard transfer between teams, or to a worker who may hold
#   the new stage (her NQSW or academy trainee may not: s47, ICPC, child protection)
REASON_LEAVER: Final = 2        # the worker left
REASON_ABSENCE: Final = 3       # the worker went on long-term absence
REASON_BALANCING: Final = 4     # caseload balancing
REASON_REALLOCATION: Final = 5  # a worker other than her last after a spell with none for no
#   other reason: in practice a child re-referred after her case closed (a new episode)
REASONS = {REASON_TRANSFER: "transfer", REASON_LEAVER: "leaver", REASON_ABSENCE: "absence",
           REASON_BALANCING: "balancing", REASON_REALLOCATION: "reallocation"}

COLUMNS = ("t_days", "child", "event", "stage", "team", "worker", "value")
DTYPES = {"t_days": "float64", "child": "int64", "event": "int16", "stage": "int16",
          "team": "int16", "worker": "int32", "value": "float64"}


class EventLog:
    """Append-only event store: one list per column, turned into arrays at the end."""

    __slots__ = ("t", "child", "event", "stage", "team", "worker", "value")

    def __init__(self) -> None:
        self.t: list[float] = []
        self.child: list[int] = []
        self.event: list[int] = []
        self.stage: list[int] = []
        self.team: list[int] = []
        self.worker: list[int] = []
        self.value: list[float] = []

    def __len__(self) -> int:
        return len(self.t)

    def rec(self, t: float, child: Any, event: int, stage: int, team: int, worker: int,
            value: float) -> None:
        """Record one event (a row of :data:`COLUMNS`)."""
        self.t.append(t)
        self.child.append(child)
        self.event.append(event)
        self.stage.append(stage)
        self.team.append(team)
        self.worker.append(worker)
        self.value.append(value)

    def to_frame(self) -> pd.DataFrame:
        """The log as a DataFrame with the fixed schema :data:`COLUMNS` / :data:`DTYPES`."""
        cols: tuple[Any, ...] = (self.t, self.child, self.event, self.stage, self.team, self.worker,
                                 self.value)
        n = len(self.t)
        return pd.DataFrame({name: np.fromiter(col, dtype=DTYPES[name], count=n)
                             for name, col in zip(COLUMNS, cols)})


#: categories of spending beyond pay (pay is computed from the workers' spells)
COST_CATEGORIES = ("recruitment", "campaigns", "academy", "retention")
COST_COLUMNS = ("t_days", "category", "gbp")


class CostLog:
    """Money spent beyond pay, as records: when, on what (:data:`COST_CATEGORIES`), how much."""

    __slots__ = ("t", "category", "gbp")

    def __init__(self) -> None:
        self.t: list[float] = []
        self.category: list[str] = []
        self.gbp: list[float] = []

    def rec(self, t: float, category: str, gbp: float) -> None:
        """Record ``gbp`` pounds spent on ``category`` at time ``t`` (days)."""
        self.t.append(t)
        self.category.append(category)
        self.gbp.append(gbp)

    def to_frame(self) -> pd.DataFrame:
        """The costs as a DataFrame with columns :data:`COST_COLUMNS`."""
        return pd.DataFrame({"t_days": np.asarray(self.t, dtype="float64"),
                             "category": pd.Series(self.category, dtype="object"),
                             "gbp": np.asarray(self.gbp, dtype="float64")})
