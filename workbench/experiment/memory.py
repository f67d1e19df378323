"""How much memory an experiment needs, checked before it starts.

A replication holds every child and worker of the run in memory, so its peak grows with the
number of children the run sees (the open cases at the start and the referrals over the
horizon). Each worker process also holds the imported packages. The figures below were measured
with ``benchmarks/memory_replication.py`` (x1 and x5 authorities, 1 and 5 years; recorded in
``benchmarks/memory.md``) and fitted by a straight line in the number of children, with a margin.

Before an experiment starts, :func:`plan_workers` compares the estimate for its largest scenario
with the memory this machine has available: if the pool asked for would not fit, it runs with
fewer worker processes (and says so); if not even one replication would fit, it refuses with a
:class:`~workbench.errors.UserError` naming the sizes.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..errors import UserError
from ..scenario import Scenario

__all__ = ["MemoryEstimate", "available_memory_mb", "children_over_run", "estimate",
           "plan_workers"]

#: Resident memory of a worker process before it runs a replication (MB): Python, NumPy,
#: pandas, SimPy and the workbench imported, a scenario loaded. Measured 82 MB (30 November
#: 2026), 94 MB (2 December, after the scenario checks grew) and once 100.2 MB in a CI run of
#: ``benchmarks/memory_replication.py --one 1 0.5 1``: 110 leaves room.
WORKER_MB = 110.0
#: What one replication adds to its worker (MB): a fixed part, and a part per 1,000 children
#: over the run. Fitted on 24 November 2026 through 33, 84, 108 and 345 MB at 10k, 35k, 51k
#: and 176k children (x1 and x5 at 1 and 5 years): 15 + 1.9 per 1,000. Measured again on 2
#: December 2026 (``benchmarks/memory_replication.py --one``, the compiled core): 19.2, 25.9,
#: 91.8, 120.7 and 443.1 MB at 7k, 10k, 35k, 51k and 176k children (x1 half a year, x1 and x5
#: at 1 and 5 years), least squares -0.3 + 2.51 per 1,000 (residuals within 7.2 MB); x8 over 5
#: years (282k children) peaked at 805 MB in all. The old line with its margin allowed 437 MB
#: for the x5 run that took 443, so a pool sized to fit could run out of memory.
REPLICATION_FIXED_MB = 15.0
REPLICATION_MB_PER_1000_CHILDREN = 2.5
#: Head-room on the fitted figure (the model changes; memory is not returned at once).
MARGIN = 1.25
#: Memory left to the rest of the machine and to this process (MB).
RESERVE_MB = 512.0


def children_over_run(scenario: Scenario, years: float | None = None) -> float:
    """The children one replication sees, at most: the open and waiting cases at the start and
    the referrals over the horizon, grown by the trend and every surge.

    Parameters
    ----------
    scenario : Scenario
    years : float, optional
        Horizon in years (default: the scenario's).

    Returns
    -------
    float
    """
    years = scenario.horizon_years if years is None else float(years)
    d = scenario.demand
    growth = max(1.0, (1 + d.trend_pct_per_year / 100) ** years)
    surges = math.prod(s.multiplier for s in d.surges if s.multiplier > 1)
    start = sum(scenario.initial.open_cases.values()) + sum(scenario.initial.unallocated.values())
    return start + d.referrals_per_year * years * growth * surges


@dataclass(frozen=True)
class MemoryEstimate:
    """The memory an experiment needs, in MB.

    Attributes
    ----------
    scenario : str
        The label of the scenario that needs the most.
    children : float
        Children over one replication of it (:func:`children_over_run`).
    per_worker_mb : float
        One worker process running one replication of it.
    available_mb : float
        Memory available on this machine now, less a reserve.
    workers_asked, workers_fit : int
        Worker processes asked for, and how many fit.
    """

    scenario: str
    children: float
    per_worker_mb: float
    available_mb: float
    workers_asked: int
    workers_fit: int

    def describe(self, workers: int) -> str:
        """The sizes in words, for ``workers`` worker processes."""
        return (f"scenario {self.scenario!r} has about {self.children:,.0f} children over a "
                f"replication: about {self.per_worker_mb:,.0f} MB per worker process, "
                f"{workers * self.per_worker_mb:,.0f} MB for {workers}, where this machine has "
                f"{self.available_mb:,.0f} MB available")


def available_memory_mb() -> float:
    """Memory experiments may use (MB): what the system has available, within the limit of
    this process's control group (a container's limit) where there is one, less a reserve of
    :data:`RESERVE_MB` for the rest of the machine; and at most the environment variable
    ``WORKBENCH_MEMORY_MB`` (megabytes) where it is set."""
    import psutil

    avail = psutil.virtual_memory().available / 2**20
    cap = os.environ.get("WORKBENCH_MEMORY_MB", "").strip()
    if cap:
        try:
            mb = float(cap)
        except ValueError:
            mb = math.nan
        if not (math.isfinite(mb) and mb >= 0):
            raise UserError(f"WORKBENCH_MEMORY_MB: expected the megabytes experiments may use, "
                            f"a number >= 0 (got {cap[:40]!r})")
        avail = min(avail, mb + RESERVE_MB)  # the reserve is taken off below
    cg = Path("/sys/fs/cgroup")
    try:  # cgroup v2: the container's limit, less what it already uses
        limit = (cg / "memory.max").read_text().strip()
        if limit != "max":
            used = int((cg / "memory.current").read_text())
            avail = min(avail, (int(limit) - used) / 2**20)
    except (OSError, ValueError):
        pass
    return max(0.0, avail - RESERVE_MB)


def estimate(scenarios: Mapping[str, Scenario], years: float | None, workers: int,
             available_mb: float | None = None) -> MemoryEstimate:
    """The memory estimate of an experiment on ``workers`` worker processes.

    Parameters
    ----------
    scenarios : dict[str, Scenario]
        By label.
    years : float or None
        Horizon override (None: each scenario's own).
    workers : int
        Worker processes asked for.
    available_mb : float, optional
        Memory available (default: :func:`available_memory_mb`).

    Returns
    -------
    MemoryEstimate
    """
    sizes = {label: children_over_run(sc, years) for label, sc in scenarios.items()}
    label = max(sizes, key=sizes.__getitem__)
    per_rep = REPLICATION_FIXED_MB + REPLICATION_MB_PER_1000_CHILDREN * sizes[label] / 1000
    per_worker = WORKER_MB + MARGIN * per_rep
    avail = available_memory_mb() if available_mb is None else float(available_mb)
    fit = int(avail // per_worker)
    return MemoryEstimate(label, sizes[label], per_worker, avail, workers,
                          max(0, min(workers, fit)))


#: Worker processes a pool of the experiment's own may have per core (replications are CPU-bound:
#: a second process per core can fill the gaps while another writes its results, more only wait).
MAX_WORKERS_PER_CORE = 2


def plan_workers(scenarios: Mapping[str, Scenario], years: float | None, workers: int,
                 can_shrink: bool = True, available_mb: float | None = None) -> int:
    """How many worker processes to start so that the experiment fits in memory.

    Parameters
    ----------
    scenarios, years, workers, available_mb
        As :func:`estimate`.
    can_shrink : bool
        Whether the pool is the experiment's own to size (False for a pool the caller gave:
        it is only warned about).

    Returns
    -------
    int
        ``workers``, or fewer (with a RuntimeWarning saying why): at most
        :data:`MAX_WORKERS_PER_CORE` per core, and as many as fit in memory.

    Raises
    ------
    UserError
        When not even one replication fits.
    """
    cap = max(4, MAX_WORKERS_PER_CORE * (os.cpu_count() or 1))
    if can_shrink and workers > cap:
        warnings.warn(f"{workers:,} worker processes asked for on {os.cpu_count() or 1} core(s): "
                      f"running {cap} (a replication uses one core; more processes only add "
                      f"memory and start-up time)", RuntimeWarning, stacklevel=3)
        workers = cap
    est = estimate(scenarios, years, workers, available_mb)
    if est.workers_fit < 1:
        raise UserError(f"not enough memory for this experiment: {est.describe(1)}. Run a "
                        f"smaller authority or a shorter horizon (years), or free some memory")
    if est.workers_fit < workers:
        what = (f"running {est.workers_fit} worker process(es) instead of {workers}"
                if can_shrink else "the pool may run out of memory")
        warnings.warn(f"memory: {est.describe(workers)}; {what}", RuntimeWarning, stacklevel=3)
        return est.workers_fit if can_shrink else workers
    return workers
