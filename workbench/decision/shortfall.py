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


def nearest(rows: pd.DataFrame | None, targets: Sequence[Target], base=None,
            levers: Sequence[str] = (), where: str = "the search tried") -> str:
    """The plan of ``rows`` (each with ``cost_mean``, the levers and each target's
    ``<kpi>_mean``) that came nearest to meeting every target, and by how much it missed each,
    as a sentence ("" when no plan has a value of every target's measure). Nearest: the
    smallest of each plan's largest miss as a share of its threshold; the cheaper of two.
    Without it, an out-of-reach target said only "widen the levers' ranges", with nothing of
    how far off the plans were."""
    from .space import describe_plan
    from .targets import threshold_text

    if rows is None or not len(rows) or base is None:
        return ""
    best, best_key = None, None
    for _, r in rows.iterrows():
        gaps = [t.shortfall(float(r.get(f"{t.kpi}_mean", math.nan))) for t in targets]
        if not all(math.isfinite(g) for g in gaps):
            continue
        score = max(g / max(abs(t.threshold), kpi(t.kpi).resolution)
                    for g, t in zip(gaps, targets))
        key = (score, float(r["cost_mean"]) if math.isfinite(r["cost_mean"]) else math.inf)
        if best_key is None or key < best_key:
            best, best_key = r, key
    if best is None:
        return ""
    misses = []
    for t in targets:
        value = float(best[f"{t.kpi}_mean"])
        gap = t.shortfall(value)
        if gap <= 0:
            continue
        k = kpi(t.kpi)
        by = k.format(gap, True).lstrip("+")
        if round(gap * k.display_scale, k.display_digits) == 0:
            by = f"less than {k.format(k.resolution, True).lstrip('+')}"
        misses.append(f"{k.label.lower()} {k.format(value)} on average against "
                      f"{'at least' if t.op == '>=' else 'at most'} "
                      f"{threshold_text(k, t.threshold)} (missing it by {by})")
    if not misses:
        return ""
    plan = {key: float(best[key]) for key in levers if key in best}
    said = misses[0] if len(misses) == 1 else ", ".join(misses[:-1]) + " and " + misses[-1]
    return f"The nearest plan {where} was: {describe_plan(base, plan)}. It gave {said}."


def why_no_plan(cands: pd.DataFrame | None, targets: Sequence[Target], runs: int,
                confidence: float, trials: pd.DataFrame | None = None, base=None,
                levers: Sequence[str] = ()) -> str:
    """What to do when no candidate passed (``cands``: the plans checked on ``runs`` fresh runs
    each, with each target's ``<kpi>_mean``), with the nearest plan and its misses where no
    plan met the targets on average (``trials``: the search's plans; ``base`` and ``levers``
    to describe a plan)."""
    if cands is None or not len(cands):
        return (nearest(trials, targets, base, levers) + " Widen the levers' ranges, give the "
                "search more time, or relax a target.").lstrip()
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
        near = nearest(cands, targets, base, levers, "checked on fresh runs")
        return (f"{head}, where {'none of them met' if n > 1 else 'it did not meet'} every "
                f"target on average.{' ' + near if near else ''} Give each plan more "
                f"replications in the search (its averages are then surer), widen the levers' "
                f"ranges, or relax a target.")
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
