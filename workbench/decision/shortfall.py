"""Why the optimiser chose no plan, in words that say what would help.

No plan chosen has three causes, each with its own remedy: the target's measure had no value in
any run (nothing it measures happened in so short a run: more years or another target, said
after the first plans, not after the whole budget); no plan met the targets even on the search's
averages (wider levers, a longer search, a relaxed target); or plans met them on average and only
their one-sided bounds, from a few fresh runs, fell short (more fresh runs, or less confidence).
The last two read alike before, as if a target the starting scenario met by far were out of
reach.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd

from ..analysis.registry import kpi
from ..errors import UserError
from .targets import Target, confidence_text

__all__ = ["check_measured", "why_no_plan"]


def check_measured(rows: list[dict], targets: Sequence[Target], years: float | None) -> None:
    """Refuse a target whose measure had no value in any run of the plans that ran (``rows``:
    the search's rows, ``cost_mean`` and ``<kpi>_mean`` each) with a :class:`UserError`; plans
    whose every run failed (no cost either) are not counted."""
    ran = [r for r in rows if math.isfinite(r["cost_mean"])]
    for t in targets:
        if ran and not any(math.isfinite(r[f"{t.kpi}_mean"]) for r in ran):
            over = ("the scenario's horizon" if years is None
                    else f"{years:g} year{'' if years == 1 else 's'}")
            raise UserError(
                f"target {t}: {kpi(t.kpi).label.lower()} had no value over {over} in any run "
                f"of the {len(ran)} plan{'s' if len(ran) > 1 else ''} tried: nothing it measures "
                f"happened in so short a run, so no plan can meet it. Simulate more years "
                f"(--years) or give another target")


def why_no_plan(cands: pd.DataFrame | None, targets: Sequence[Target], runs: int,
                confidence: float) -> str:
    """What to do when no candidate passed (``cands``: the plans checked on ``runs`` fresh runs
    each, with each target's ``<kpi>_mean``)."""
    if cands is None or not len(cands):
        return "Widen the levers' ranges, give the search more time, or relax a target."
    met = np.ones(len(cands), dtype=bool)
    for t in targets:
        col = f"{t.kpi}_mean"
        means = cands[col] if col in cands else pd.Series(math.nan, index=cands.index)
        met &= np.array([t.met_by(float(v)) for v in means], dtype=bool)
    n, m = len(cands), int(met.sum())
    head = (f"{n} plan{'s' if n > 1 else ''} met every target on average in the search and "
            f"{'were' if n > 1 else 'was'} checked on {runs} fresh run{'s' if runs > 1 else ''}"
            f"{' each' if n > 1 else ''}")
    if not m:
        return (f"{head}, where {'none of them met' if n > 1 else 'it did not meet'} every "
                f"target on average. Give each plan more replications in the search (its "
                f"averages are then surer), widen the levers' ranges, or relax a target.")
    which = ("it" if n == 1 else "all of them" if m == n else f"{m} of them")
    notes = (cands["note"].fillna("").astype(str)[met] if "note" in cands
             else pd.Series([], dtype=str))
    notes = [x for x in notes if x.strip()]
    if notes:   # no bound could be had: more fresh runs of the same kind would not help
        k = len(notes)
        return (f"{head}: {which} met every target on average there too, but for "
                f"{'it' if n == 1 else 'all of them' if k == n else f'{k} of them'} no "
                f"confidence can be stated ({notes[0]}). "
                f"Simulate more years (--years), so that what the target measures happens and "
                f"varies, or give a target on a measure that varies from run to run.")
    return (f"{head}: {which} met every target on average there too, but from "
            f"{runs} run{'s' if runs > 1 else ''} the one-sided bounds were too wide to be "
            f"{confidence_text(confidence)} sure. Check {'them' if n > 1 else 'it'} on more "
            f"fresh runs (which narrows the bounds) or ask for less confidence; widening the "
            f"levers' ranges or relaxing a target also helps.")
