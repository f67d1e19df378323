"""One replication with its KPIs: :func:`simulate` and :class:`Run`, the public face of a run.

:func:`workbench.model.simulate` returns the records; this adds what users read first, the KPIs
and the weekly table, computed from those records by :mod:`workbench.analysis`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..model import simulate as simulate_record
from ..model.record import RunRecord
from ..scenario import Scenario
from .kpis import compute_kpis
from .registry import format_kpis
from .weekly import weekly_table


@dataclass
class Run:
    """One replication: its records, KPIs and weekly series.

    Attributes
    ----------
    record : RunRecord
        Everything the model recorded (event log, observations, workers, costs, end state).
    kpis : dict[str, float]
        One value per KPI (see :data:`workbench.analysis.registry.KPI_DESCRIPTIONS`).
    timeseries : pandas.DataFrame
        One row per simulated week.
    warmup_days : float
        Days left out of the KPIs at the start.
    """

    record: RunRecord = field(repr=False)
    kpis: dict
    timeseries: pd.DataFrame = field(repr=False)
    warmup_days: float = 0.0

    @classmethod
    def from_record(cls, record: RunRecord, warmup_days: float = 0.0) -> "Run":
        """KPIs and weekly table of a run record."""
        weekly = weekly_table(record)
        return cls(record=record, kpis=compute_kpis(record, weekly, warmup_days=warmup_days),
                   timeseries=weekly, warmup_days=warmup_days)

    # the record's parts, as before the record existed
    @property
    def scenario(self) -> Scenario:
        return self.record.scenario

    @property
    def seed(self) -> int:
        return self.record.seed

    @property
    def horizon_days(self) -> float:
        return self.record.horizon_days

    @property
    def events(self) -> pd.DataFrame:
        """The event log. It identifies synthetic children: keep it in memory, never output it."""
        return self.record.events

    @property
    def workers(self) -> pd.DataFrame:
        return self.record.workers

    @property
    def n_events(self) -> int:
        return self.record.n_events

    @property
    def team_names(self) -> tuple:
        return self.record.team_names

    def summary(self) -> str:
        """The KPIs as readable text."""
        return format_kpis(self.kpis, title=f"{self.scenario.name} (seed {self.seed})")


def simulate(scenario: Scenario, seed: int = 0, *, years: float | None = None,
             warmup_days: float = 0.0) -> Run:
    """Run one replication of a scenario and compute its KPIs and weekly series.

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
        KPIs, weekly time series, and the records (``run.record``, ``run.events``).

    Notes
    -----
    A scenario with ``uncertain:`` inputs runs with them drawn for ``seed``
    (:func:`~workbench.scenario.uncertain.draw_inputs`), as an experiment's replication of that
    seed does; ``run.scenario`` holds the values drawn. (The uncertain inputs were ignored here:
    ``workbench run`` of a scenario whose referrals were 20,000 to 30,000 a year ran on the
    field's own 6,250.)
    """
    from ..scenario.uncertain import draw_inputs

    horizon = years * 365.25 if years is not None else scenario.horizon_days
    if not warmup_days >= 0 or warmup_days >= horizon:
        raise ValueError(f"warmup_days must be >= 0 and shorter than the horizon (got {warmup_days})")
    scenario = draw_inputs(scenario, seed)
    return Run.from_record(simulate_record(scenario, seed, years=years), warmup_days=warmup_days)
