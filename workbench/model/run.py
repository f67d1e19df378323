"""The result of one replication (kept apart from the compiled simulation core)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..scenario import Scenario


@dataclass
class Run:
    """The result of one replication.

    Attributes
    ----------
    scenario, seed :
        What was run.
    kpis : dict[str, float]
        One value per KPI (see :data:`workbench.analysis.registry.KPI_DESCRIPTIONS`).
    timeseries : pandas.DataFrame
        One row per simulated week.
    events : pandas.DataFrame
        The event log (schema :data:`workbench.model.records.COLUMNS`). It identifies synthetic
        children and stays in memory: outputs carry only aggregates.
    workers : pandas.DataFrame
        One row per worker who was ever in post (type, team, FTE, joined and left days).
    """

    scenario: Scenario
    seed: int
    horizon_days: float
    warmup_days: float
    kpis: dict
    timeseries: pd.DataFrame
    events: pd.DataFrame = field(repr=False)
    workers: pd.DataFrame = field(repr=False)
    n_events: int = 0
    team_names: tuple = ()

    def summary(self) -> str:
        from ..analysis.registry import format_kpis
        return format_kpis(self.kpis, title=f"{self.scenario.name} (seed {self.seed})")
