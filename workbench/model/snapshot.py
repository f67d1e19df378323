"""The warm start: open cases and staff in post at the start date.

The run starts from the baseline's snapshot (Durham at 31 October 2017), not from an empty
system. A child open in a plan stage at the snapshot has been in it for a while: her time in the
stage is drawn from the length-biased duration distribution (longer plans are more likely to be
open on any given day) and she is a uniform way through it, so her remaining time follows the
stationary residual-life distribution. Children in a task stage are a uniform way through its
work; they started up to 1.4 times their timescale ago, so some are already overdue.
"""

from __future__ import annotations

import numpy as np

from typing import Any, Callable

from .journey import Journey
from .streams import residual_life, stream
from .workload import academy_cap_factor


def build_snapshot(sc: Any, seed: int, horizon: float, teams: dict[str, Any],
                   add_worker: Callable[..., Any], journey: Journey) -> None:
    """Put the scenario's staff in post and its open cases in their stages at time 0, and book
    the re-referrals of children whose cases closed in the year before the start."""
    rng = stream(seed, "snapshot")
    # staff in post
    for name, team in sc.teams.items():
        for g in team.staff:
            for _ in range(g.count):
                w = add_worker(teams[name], g.type, g.fte, g.months_qualified, 0.0)
                if g.type == "academy":
                    # part-way through the academy year: the protected caseload of that point
                    # (she began it when she qualified), before any case is allocated
                    w.change(0.0, cap_factor=academy_cap_factor(
                        sc.academy.caseload_start_pct / 100, sc.academy.months,
                        w.qualified_at, 0.0))
    # open cases, most complex first so that scarce eligible workers take them
    order = sorted(sc.initial.open_cases, key=lambda s: -sc.stages[s].priority)
    for stage in order:
        n = sc.initial.open_cases[stage]
        n_unalloc = sc.initial.unallocated.get(stage, 0)
        cfg = sc.stages[stage]
        if cfg.kind == "plan":
            elapsed, remaining = residual_life(cfg.duration_days, rng, n)
        else:
            # a snapshot holds some overdue work: started up to 1.4 times the timescale ago
            target = cfg.timescale_wd(45) * 7 / 5
            elapsed = rng.uniform(0, 1.4 * target, n)
            remaining = None
        done_frac = rng.random(n)
        for i in range(n):
            journey.open_at_start(
                stage, float(elapsed[i]),
                remaining_days=None if remaining is None else float(remaining[i]),
                work_done_frac=float(done_frac[i]) if cfg.kind == "task" else 0.0,
                allocate=i >= n_unalloc)

    # Re-referrals of children whose cases closed in the year before the snapshot: without them a
    # warm-started run would under-refer in its first year (re-referrals only come from closures
    # inside the run). Closures at a steady rate R a year, each re-referred with probability p
    # after a delay uniform over a year, arrive after the start at rate p R (1 - t/365): in all
    # Poisson(p R / 2), at times with a density falling linearly to zero over the first year.
    p = sc.demand.rereferral_pct / 100
    if p > 0:
        rr = stream(seed, "snapshot.rereferrals")
        n = int(rr.poisson(p * sc.demand.referrals_per_year / 2))
        times = np.sort(365.25 * (1 - np.sqrt(rr.random(n))))
        for t in times[times < horizon].tolist():
            journey.rereferral_at(t)
