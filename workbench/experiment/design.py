"""The design of an experiment: which scenarios, which seeds, and how many replications.

Replication ``i`` of every scenario uses the same seed, :func:`replication_seed` ``(seed, i)``
(common random numbers). The number of replications is either fixed or set by a
:class:`Sequential` stopping rule. Nothing here runs the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.stats import t_interval
from ..scenario import Scenario

__all__ = ["Sequential", "Task", "label_scenarios", "replication_seed"]


# ============================================================================================
# Seeds
# ============================================================================================

def replication_seed(seed: int, replication: int) -> int:
    """The seed of replication ``replication`` of an experiment with base seed ``seed``.

    Derived with :class:`numpy.random.SeedSequence` (``spawn_key=(replication,)``), so it depends
    only on the two integers: replication ``i`` has the same seed whatever the number of
    replications, which is what lets a sequential experiment add replications and an interrupted
    one resume. Every scenario uses the same seed for the same replication (common random
    numbers).

    Parameters
    ----------
    seed : int
        The experiment's base seed (>= 0).
    replication : int
        Replication index (>= 0).

    Returns
    -------
    int
        A seed in ``[0, 2**32)`` for :func:`workbench.simulate`.
    """
    if int(seed) < 0 or int(replication) < 0:
        raise ValueError(f"seed and replication must be >= 0 (got {seed}, {replication})")
    ss = np.random.SeedSequence(int(seed), spawn_key=(int(replication),))
    return int(ss.generate_state(1)[0])


@dataclass(frozen=True)
class Task:
    """One replication of one scenario: what a worker runs and what a result file is keyed by.

    Attributes
    ----------
    label : str
        The scenario's label in the experiment.
    scenario : Scenario
        The scenario itself.
    digest : str
        Its content digest (:meth:`Scenario.digest`).
    replication : int
        Replication index (>= 0).
    seed : int
        The model seed, :func:`replication_seed` ``(base seed, replication)``.
    """

    label: str
    scenario: Scenario
    digest: str
    replication: int
    seed: int


def label_scenarios(scenarios) -> dict[str, Scenario]:
    """The experiment's scenarios by label, in order.

    Parameters
    ----------
    scenarios : dict[str, Scenario], or a sequence of Scenario (labelled by ``name``), or one

    Returns
    -------
    dict[str, Scenario]

    Raises
    ------
    ValueError, TypeError
        No scenario, an empty or repeated label, or something that is not a Scenario.
    """
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    if isinstance(scenarios, Mapping):
        items = list(scenarios.items())
    else:
        items = []
        for sc in scenarios:
            if not isinstance(sc, Scenario):
                raise TypeError(f"expected Scenario objects, got {type(sc).__name__}")
            items.append((sc.name, sc))
    if not items:
        raise ValueError("run_experiment: give at least one scenario")
    out: dict[str, Scenario] = {}
    for label, sc in items:
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"scenario labels must be non-empty strings (got {label!r})")
        if not isinstance(sc, Scenario):
            raise TypeError(f"scenario {label!r}: expected a Scenario, got {type(sc).__name__}")
        if label in out:
            raise ValueError(f"two scenarios are labelled {label!r}; give them distinct names")
        out[label] = sc
    return out


# ============================================================================================
# Replication count
# ============================================================================================

@dataclass(frozen=True)
class Sequential:
    """Run replications until every chosen KPI is estimated precisely enough, up to a maximum.

    After ``min_replications``, replications are added ``batch`` at a time (to every scenario,
    keeping the pairs for common random numbers) until, for every scenario and every KPI in
    ``kpis``, the half-width of the ``level`` t-interval is at most ``half_width_pct`` percent of
    the absolute mean, or ``max_replications`` is reached. The check is made after each batch,
    so with ``batch=1`` the experiment stops at the first replication count where the criterion
    holds; never more than ``max_replications`` replications are run.

    Parameters
    ----------
    kpis : sequence of str
        KPI names (see :data:`workbench.analysis.registry.KPI_DESCRIPTIONS`).
    half_width_pct : float
        Target half-width, percent of the mean.
    min_replications, max_replications : int
        Bounds on the number of replications per scenario (min >= 2).
    batch : int, optional
        Replications added per scenario between checks; default: enough to keep every worker
        busy (at least 1).
    level : float
        Confidence level of the interval.
    """

    kpis: tuple[str, ...]
    half_width_pct: float = 5.0
    min_replications: int = 3
    max_replications: int = 50
    batch: int | None = None
    level: float = 0.95

    def __post_init__(self):
        kpis = (self.kpis,) if isinstance(self.kpis, str) else tuple(self.kpis)
        object.__setattr__(self, "kpis", kpis)
        if not kpis:
            raise ValueError("Sequential: name at least one KPI")
        if not self.half_width_pct > 0:
            raise ValueError(f"Sequential: half_width_pct must be > 0 (got {self.half_width_pct})")
        if int(self.min_replications) < 2:
            raise ValueError("Sequential: min_replications must be >= 2 (a CI needs two values)")
        if int(self.max_replications) < int(self.min_replications):
            raise ValueError(f"Sequential: max_replications ({self.max_replications}) must be >= "
                             f"min_replications ({self.min_replications})")
        if self.batch is not None and int(self.batch) < 1:
            raise ValueError("Sequential: batch must be >= 1")
        if not 0 < self.level < 1:
            raise ValueError("Sequential: level must be between 0 and 1")

    def step(self, workers: int, n_scenarios: int) -> int:
        """Replications to add per scenario between checks: ``batch``, or enough to keep
        ``workers`` workers busy across ``n_scenarios`` scenarios (at least 1)."""
        return self.batch or max(1, math.ceil(workers / n_scenarios))

    def precision(self, kpis: pd.DataFrame, scenarios: Sequence[str] | None = None) -> pd.DataFrame:
        """Half-width as a percent of the mean, per scenario and chosen KPI, and whether it is met.

        A KPI with the same value in every replication is never counted as precise: a spread of
        zero shows only that nothing varied (all zero because nothing happened, a share of 100%
        of a handful of events, a small count that came out equal twice), not that the mean is
        known; its ``note`` says so and the experiment goes on (to its maximum, if need be).
        (Before, an all-zero KPI read as 0% half-width and stopped the experiment as "precise"
        after the first replications.)

        Parameters
        ----------
        kpis : pandas.DataFrame
            A KPI table (:attr:`Experiment.kpis`).
        scenarios : sequence of str, optional
            Scenario labels that must all meet the criterion (default: those in ``kpis``); a
            scenario without values (every replication failed) does not meet it, nor does a
            KPI whose values are all missing.

        Returns
        -------
        pandas.DataFrame
            ``scenario, kpi, n, mean, half_width, half_width_pct, met, note`` (``half_width`` in
            the KPI's unit, ``half_width_pct`` percent of |mean|, NaN when it cannot be judged;
            ``note`` a plain-English reason when ``met`` is False for want of a usable spread).
        """
        rows = []
        labels = list(dict.fromkeys(kpis["scenario"])) if scenarios is None else list(scenarios)
        for scen in labels:
            g = kpis[kpis["scenario"] == scen]
            for k in self.kpis:
                n, mean, _sd, hw, _q = t_interval(g[k], self.level) if k in g else (0,) + (math.nan,) * 4
                note = ""
                if n < 2:
                    pct = math.nan
                    note = (f"{n} replication{'' if n == 1 else 's'} with a value: at least 2 "
                            "are needed to judge precision")
                elif hw == 0:
                    pct = math.nan
                    note = (f"the same value ({mean:g}) in all {n} replications: a spread of zero "
                            "does not show precision (nothing varied, or nothing happened)")
                elif mean == 0 or math.isnan(hw):
                    pct = math.nan
                    note = "the mean is 0: a half-width as a share of it cannot be judged"
                else:
                    pct = 100.0 * hw / abs(mean)
                rows.append({"scenario": scen, "kpi": k, "n": n, "mean": mean, "half_width": hw,
                             "half_width_pct": pct,
                             "met": bool(pct <= self.half_width_pct) if not math.isnan(pct) else False,
                             "note": note})
        return pd.DataFrame(rows, columns=["scenario", "kpi", "n", "mean", "half_width",
                                           "half_width_pct", "met", "note"])

    def met(self, kpis: pd.DataFrame, scenarios: Sequence[str] | None = None) -> bool:
        """Whether the criterion holds for every scenario and chosen KPI."""
        p = self.precision(kpis, scenarios)
        return bool(len(p) and p["met"].all())
