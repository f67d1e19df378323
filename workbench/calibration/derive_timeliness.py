"""Fitting what drives timeliness: each task stage's elapsed time (``stages.<task>.elapsed_wd``).

The model ends a task when its work is done *and* its elapsed time has passed (checks with
police, health and schools; arranging to see the family). The returns give each assessment's
start and authorisation dates and each s47 enquiry's start and its ICPC: the working days
between them, with the ones still open at the window's end right-censored, estimate the
elapsed-time distribution by Kaplan-Meier (scipy's censored ECDF). It is written as a histogram
of working days with edges at the completed durations' quantiles, as the scenario schema takes
it. This reads the whole observed duration as elapsed time: where workers had the hours, the
two are the same; the out-of-sample back-test checks the timeliness this produces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..calendar import WorkingCalendar
from ..scenario import Scenario
from .derive import Draft, Estimate
from .extracts import to_date

QUANTILES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975, 1.0)
MIN_DURATIONS = 30          # completed durations needed to fit a stage's elapsed time
# task stage -> (what ends it in the returns, the stage whose start is the clock start)
ENDS = {"assessment": "own end (AssessmentAuthorisationDate)",
        "s47": "the ICPC, or the s47's own end (DateOfInitialCPC / S47EndDate)"}


def working_days(template: Scenario, d0: np.ndarray, d1: np.ndarray) -> np.ndarray:
    """Working days between day numbers ``d0`` and ``d1`` on the template's calendar."""
    if len(d0) == 0:
        return np.zeros(0)
    origin = float(np.nanmin(d0)) - 10
    span = int(np.nanmax(d1) - origin) + 20
    cal = WorkingCalendar(to_date(origin), span, template.calendar.working_days,
                          template.calendar.country, template.calendar.subdivision)
    return np.asarray(cal.wd_between_array(d0 - origin, d1 - origin), dtype=float)


def task_durations(seq: pd.DataFrame, stage: str, w0: float, w1x: float):
    """(start, end, ended) day numbers of a task stage's instances seen in the window: ended in
    it, or started in it and still open at its end (censored at the window end)."""
    sel = seq[(seq.stage == stage) & seq.start.notna() & ~seq.get("inferred", False)]
    start = sel.start.to_numpy(dtype=float)
    end = sel.s_end.to_numpy(dtype=float)
    end = np.where(end >= w1x, np.nan, end)
    done = ~np.isnan(end) & (end >= w0)
    still = np.isnan(end) & (start >= w0) & (start < w1x)
    keep = done | still
    return start[keep], np.where(done, end, w1x - 1)[keep], done[keep]


def elapsed_histogram(wd: np.ndarray, ended: np.ndarray) -> dict | None:
    """Kaplan-Meier histogram of working days (edges at the completed durations' quantiles)."""
    done = wd[ended]
    if len(done) < MIN_DURATIONS:
        return None
    edges = np.unique(np.round(np.quantile(done, QUANTILES)))
    edges[-1] = max(edges[-1], edges[0] + 1)
    edges = np.unique(np.append(edges[:-1], edges[-1] + 1))   # the longest falls inside
    if len(edges) < 2:
        return None
    km = stats.ecdf(stats.CensoredData(uncensored=done, right=wd[~ended]))
    cdf = km.cdf.evaluate(edges - 0.5)        # whole days: a bin holds its lower edge
    cdf[0], cdf[-1] = 0.0, 1.0 if cdf[-1] <= 0 else cdf[-1]
    probs = np.diff(cdf) / (cdf[-1] - cdf[0])
    probs = np.clip(probs, 0, None)
    probs = np.round(probs / probs.sum(), 4)
    big = int(np.argmax(probs))
    probs[big] = round(probs[big] + 1.0 - probs.sum(), 4)
    return {"dist": "histogram", "edges": [float(e) for e in edges],
            "probs": [float(p) for p in probs]}


def derive_elapsed(d: Draft, seq: pd.DataFrame, template: Scenario, w0: float, w1x: float) -> None:
    """``stages.<task>.elapsed_wd`` for the assessment and the s47 enquiry."""
    for stage, ends in ENDS.items():
        cfg = template.stages.get(stage)
        if cfg is None or cfg.kind != "task":
            continue
        start, end, ended = task_durations(seq, stage, w0, w1x)
        wd = working_days(template, start, end)
        hist = elapsed_histogram(wd, ended) if len(wd) else None
        if hist is None:
            d.from_template(f"stages.{stage}.elapsed_wd", f"only {int(ended.sum())} completed "
                            f"{stage} durations in the window (needs {MIN_DURATIONS})")
            continue
        done = wd[ended]
        med = float(np.median(done))
        d.add(Estimate(f"stages.{stage}.elapsed_wd.median", med, float(np.quantile(done, 0.25)),
                       float(np.quantile(done, 0.75)), int(ended.sum()),
                       f"working days from the start to the {ends}; Kaplan-Meier with "
                       f"{int((~ended).sum())} still open at the window end (lower/upper: the "
                       "quartiles, not a confidence interval)", "working days",
                       f"stages.{stage}.elapsed_wd"))
        d.data["stages"][stage]["elapsed_wd"] = hist
        d.fitted(f"stages.{stage}.elapsed_wd",
                 f"histogram of working days, {int(ended.sum()):,} completed and "
                 f"{int((~ended).sum()):,} open {stage} durations; median {med:.0f}")
