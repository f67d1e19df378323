"""The run record: everything one replication produced, as records. Analysis starts here.

The model only appends records while it runs; :func:`workbench.model.simulate` hands them out
in this one object and forgets the live simulation. KPIs and weekly tables are computed from a
record by :mod:`workbench.analysis` (``workbench.simulate`` does it for you).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class RunRecord:
    """The records of one replication.

    Attributes
    ----------
    scenario, seed :
        What was run.
    horizon_days : float
        Days simulated.
    events : pandas.DataFrame
        The event log (schema :data:`workbench.model.log.COLUMNS`). It identifies synthetic
        children and stays in memory: outputs carry only aggregates.
    observations : list of dict
        The weekly observation rows (stocks, queues, staffing, caseload quantiles), each with the
        per-worker caseloads of that week as an array under ``"caseloads"`` (workers, not
        children).
    workers : pandas.DataFrame
        One row per worker and type she held: ``worker, team, type, fte, joined_days,
        left_days, worker_left_days``.
    costs : pandas.DataFrame
        Spending beyond pay as records: ``t_days, category, gbp``
        (:data:`workbench.model.log.COST_CATEGORIES`).
    open_by_stage : dict
        Children open in each stage at the end.
    team_names : tuple of str
        The team of each team index in the event log.
    """

    scenario: Any
    seed: int
    horizon_days: float
    events: pd.DataFrame = field(repr=False)
    observations: list = field(repr=False)
    workers: pd.DataFrame = field(repr=False)
    costs: pd.DataFrame = field(repr=False)
    open_by_stage: dict = field(default_factory=dict)
    team_names: tuple = ()

    @property
    def n_events(self) -> int:
        """Rows in the event log."""
        return len(self.events)
