"""The back-test's measures (:mod:`.backtesting`): what the data show for a period and what a
simulated run shows for the same period, by the same definitions, and the open cases week by
week, observed against the simulated range. Only aggregates: counts, rates and percentiles."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..model import log as R
from ..scenario import STAGES
from .derive_timeliness import assessment_timeliness, icpc_timeliness
from .extracts import CASE_HOLDER_ROLE, CaseData, Roster, day_number, to_date
from .fit import Calibration
from .observe import in_post_at, internal_moves, open_cases_at
from .plausibility import fold_team

S = {s: i for i, s in enumerate(STAGES)}
GROUPS = {   # open-case measures: the model's groups (metrics.py: lac_end includes court)
    "assessment": ("assessment",),
    "cin": ("cin", "cin_disability"),
    "cp": ("cp",),
    "lac": ("lac", "court"),
    "care_leaver": ("care_leaver",),
}

MEASURES = [  # name, description, kind
    ("referrals", "children referred in the period", "count"),
    ("assessments_completed", "assessments completed in the period", "count"),
    ("assessment_within_45wd_pct", "assessments completed within 45 working days of referral (%)", "pct"),
    ("icpc_within_15wd_pct", "ICPCs within 15 working days of the s47 start (%)", "pct"),
    ("s47_started", "s47 enquiries started", "count"),
    ("cp_started", "child protection plans started", "count"),
    ("lac_started", "children starting to be looked after", "count"),
    ("open_assessment_end", "children in assessment at the end", "level"),
    ("open_cin_end", "children in need (CIN plans) at the end", "level"),
    ("open_cp_end", "children on a CP plan at the end", "level"),
    ("open_lac_end", "children looked after (incl. proceedings) at the end", "level"),
    ("open_care_leaver_end", "care leavers at the end", "level"),
    ("open_total_end", "open cases at the end", "level"),
    ("caseload_mean_end", "cases per FTE, case holders, mean, at the end", "level"),
    ("caseload_p90_end", "cases per FTE, case holders, 90th percentile, at the end", "level"),
    ("leavers", "social workers leaving case-holding teams in the period", "count"),
    ("fte_in_post_end", "social work FTE in post at the end", "level"),
]


def observed_measures(cal: Calibration, cases: CaseData, roster: Roster, p0: float,
                      p1x: float) -> dict[str, float]:
    """The data's value of each of :data:`MEASURES` for the period from day ``p0`` to before
    ``p1x`` (a measure with nothing to measure is left out)."""
    seq = cal.seq
    sc = cal.scenario
    real = seq[~seq.inferred]
    out: dict[str, float] = {}
    eps = cases.episodes
    out["referrals"] = float(((eps.referral >= p0) & (eps.referral < p1x)).sum())
    pct, n = assessment_timeliness(seq, eps, sc, p0, p1x)
    out["assessments_completed"] = float(n)
    if n:
        out["assessment_within_45wd_pct"] = pct
    pct, n = icpc_timeliness(seq, sc, p0, p1x)
    if n:
        out["icpc_within_15wd_pct"] = pct
    for name, stage in (("s47_started", "s47"), ("cp_started", "cp"), ("lac_started", "lac")):
        out[name] = float(((real.stage == stage) & (real.start >= p0) & (real.start < p1x)).sum())
    opened = open_cases_at(seq, p1x)
    for g, members in GROUPS.items():
        out[f"open_{g}_end"] = float(sum(opened.get(s, 0) for s in members))
    out["open_total_end"] = float(sum(opened.values()))
    # workforce
    w = roster.workers
    census = p1x - 1
    if abs(census - day_number(cal.window_end)) < 1 and w.cases30.notna().any():
        h = in_post_at(roster, census)
        h = h[(h.role == CASE_HOLDER_ROLE) & h.cases30.notna()]
        if len(h):
            per = (h.cases30 / h.fte).to_numpy()
            out["caseload_mean_end"] = float(per.mean())
            out["caseload_p90_end"] = float(np.percentile(per, 90))
    # team names as the fit reads them (capitals, spaces, hyphens and underscores aside)
    fixed = {fold_team(t) for t, c in sc.teams.items() if not c.case_holding}
    out["leavers"] = float(observed_leavers(w, fixed, p0, p1x))
    out["fte_in_post_end"] = float(in_post_at(roster, p1x).fte.sum())
    return out


def observed_leavers(w: pd.DataFrame, fixed: set[str], p0: float, p1x: float) -> int:
    """Roles of the roster ``w`` that ended from day ``p0`` to before ``p1x`` with the worker
    leaving: not a contract's end (CON), not a move to another team within the authority
    (:func:`~.observe.internal_moves`, as the fit's turnover), not in a team outside the case
    work (``fixed``: folded names)."""
    moved_on, _ = internal_moves(w)
    return int(((w.end >= p0) & (w.end < p1x) & (w.reason != "CON") & ~moved_on
                & ~w.team.map(fold_team).isin(fixed)).sum())


def simulated_measures(run) -> dict[str, float]:
    """A simulated run's value of each of :data:`MEASURES`, by the same definitions."""
    ev = run.events
    e = ev.event.to_numpy()
    st = ev.stage.to_numpy()
    val = ev.value.to_numpy()
    k = run.kpis
    out: dict[str, float] = {}
    out["referrals"] = float(np.sum(e == R.REFERRAL))
    out["assessments_completed"] = float(np.sum((e == R.TASK_DONE) & (st == S["assessment"])))
    out["assessment_within_45wd_pct"] = float(k.get("assessment_within_45wd_pct", math.nan))
    out["icpc_within_15wd_pct"] = float(k.get("icpc_within_15wd_pct", math.nan))
    fresh = (e == R.STAGE_START) & (val == 0)
    out["s47_started"] = float(np.sum(fresh & (st == S["s47"])))
    out["cp_started"] = float(np.sum(fresh & (st == S["cp"])))
    out["lac_started"] = float(np.sum(fresh & (st == S["lac"])))
    cens = ev[(ev.event == R.CENSORED) & (ev.stage >= 0)].stage.value_counts()
    for g, members in GROUPS.items():
        out[f"open_{g}_end"] = float(sum(cens.get(S[s], 0) for s in members))
    out["open_total_end"] = float(cens.sum())
    last = run.timeseries.iloc[-1]
    out["caseload_mean_end"] = float(last.get("caseload_mean", math.nan))
    out["caseload_p90_end"] = float(last.get("caseload_p90", math.nan))
    out["leavers"] = float(np.sum(e == R.WORKER_LEFT))
    fte_cols = [c for c in ("fte_experienced", "fte_nqsw", "fte_academy", "fte_agency") if c in last]
    out["fte_in_post_end"] = float(sum(last[c] for c in fte_cols))
    return out


def weekly_observed(cal: Calibration, p0: float, p1x: float) -> pd.DataFrame:
    """The data's open cases week by week from day ``p0``, by the back-test's groups."""
    rows = []
    for k, d in enumerate(np.arange(p0, p1x, 7.0)):
        o = open_cases_at(cal.seq, d)
        row = {"week": k, "date": to_date(d)}
        for g, members in GROUPS.items():
            row[g] = sum(o.get(s, 0) for s in members)
        row["total"] = sum(o.values())
        rows.append(row)
    return pd.DataFrame(rows)


def weekly_simulated(run) -> pd.DataFrame:
    """A run's open cases week by week, by the back-test's groups."""
    ts = run.timeseries
    out = pd.DataFrame({"week": ts.week})
    for g, members in GROUPS.items():
        out[g] = sum(ts[f"open_{s}"] for s in members if f"open_{s}" in ts)
    out["total"] = ts["open_total"]
    return out


def weekly_open_cases(cal: Calibration, weeks: list[pd.DataFrame], p0: float,
                      p1x: float) -> pd.DataFrame:
    """Open cases week by week: observed against the simulated mean and range."""
    sim_w = pd.concat(weeks, ignore_index=True)
    obs_w = weekly_observed(cal, p0, p1x)
    weekly = []
    for g in list(GROUPS) + ["total"]:
        agg = sim_w.groupby("week")[g].agg(["mean", "min", "max"])
        m = obs_w[["week", "date", g]].rename(columns={g: "observed"}).merge(
            agg.rename(columns={"mean": "sim_mean", "min": "sim_low", "max": "sim_high"}),
            left_on="week", right_index=True, how="left")
        m.insert(2, "measure", f"open_{g}")
        weekly.append(m)
    return pd.concat(weekly, ignore_index=True)
