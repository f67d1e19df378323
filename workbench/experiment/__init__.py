"""Experiments: many replications of several scenarios, with common random numbers.

An experiment runs replication ``i`` of every scenario with the same seed,
:func:`replication_seed` ``(seed, i)``, so that differences between scenarios are measured on the
same simulated referrals, durations and routes (common random numbers, CRN). Paired differences
then have a smaller variance than differences between independent runs::

    from workbench import load_scenario
    from workbench.experiment import run_experiment

    base = load_scenario("scenarios/baseline.yaml")
    more = base.replace({"demand.referrals_per_year": 6500, "name": "More demand"})
    exp = run_experiment({"Baseline": base, "More demand": more}, replications=20, seed=1)
    exp.kpis                      # one row per scenario x replication
    exp.timeseries                # one row per scenario x replication x week
    exp.summary()                 # mean, sd and 95% t-interval per scenario and KPI
    exp.compare("Baseline")       # paired differences and their 95% t-intervals

Replications run serially, on a local process pool (the default) or on Dask distributed; the
same seeds give identical numbers on all three. Each finished replication is written to
``outputs/<name>/`` at once (a JSON file of KPIs and a CSV file of the weekly table: aggregates
only, never the child-level event log), so an interrupted experiment keeps what it finished and a
second call with the same arguments loads those replications instead of running them again. A
replication that raises is reported with its scenario and seed and does not stop the others.

Units: ``years`` years of 365.25 days; ``warmup_days``, ``t_days`` and ``truncation_days``
calendar days; ``half_width_pct`` percent of the mean; ``elapsed_s`` seconds of wall-clock time.
This package draws nothing: plotting belongs to notebooks and the report.

Layout: :mod:`.design` (seeds, the stopping rule), :mod:`.executors` (serial, process pool,
Dask), :mod:`.store` (result files), :mod:`.results` (the :class:`Experiment` tables) and
:mod:`.run` (:func:`run_experiment`). The statistics are :mod:`workbench.analysis.stats`.
"""

from __future__ import annotations

from ..analysis.stats import (ID_COLUMNS, MSERResult, WarmupDiagnostic, mser, mser5, t_interval,
                              warmup_diagnostic)
from .design import Sequential, replication_seed
from .executors import EXECUTORS
from .results import Experiment
from .run import run_comparison, run_experiment
from .store import MODEL_DIGEST

__all__ = [
    "EXECUTORS", "Experiment", "ID_COLUMNS", "MODEL_DIGEST", "MSERResult", "Sequential",
    "WarmupDiagnostic", "mser", "mser5", "replication_seed", "run_comparison", "run_experiment",
    "t_interval", "warmup_diagnostic",
]
