"""The weekly table of one run: stocks observed at the start of each week, flows during it.

Computed from the run record's weekly observations and event log.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import log as R
from ..model.record import RunRecord
from ..scenario import STAGES, WORKER_TYPES
from .kpis import S


def weekly_table(record: RunRecord) -> pd.DataFrame:
    """One row per simulated week: stocks observed at the start of the week, flows during it."""
    obs_rows, events = record.observations, record.events
    df = pd.DataFrame([{k: v for k, v in r.items() if k != "caseloads"} for r in obs_rows])
    if df.empty:
        return df
    df.insert(0, "week", np.arange(len(df)))
    df.insert(1, "date", pd.to_datetime(record.scenario.start_date) + pd.to_timedelta(df.t_days, unit="D"))
    df["open_total"] = df[[f"open_{s}" for s in STAGES]].sum(axis=1)
    df["in_assessment"] = df["open_assessment"]
    # the staff on the books by type; not fte_absent or fte_employed_case_holding, which are
    # parts of the same people
    df["fte_total"] = df[[f"fte_{t}" for t in WORKER_TYPES]].sum(axis=1)
    n = len(df)
    wk = np.minimum((events.t_days.values // 7).astype(int), n - 1)
    e = events.event.values
    st = events.stage.values
    val = events.value.values
    sc = record.scenario

    def weekly_pct(mask, ok):
        num = np.bincount(wk[mask], weights=ok[mask].astype(float), minlength=n)
        den = np.bincount(wk[mask], minlength=n).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, 100 * num / den, np.nan), den

    df["referrals"] = np.bincount(wk[e == R.REFERRAL], minlength=n)
    df["decision_within_1wd_pct"], _ = weekly_pct(e == R.DECISION, val <= 1)
    a_tgt = sc.stages["assessment"].timescale_wd(45)
    am = (e == R.TASK_DONE) & (st == S["assessment"])
    df["assessment_within_45wd_pct"], df["assessments_completed"] = weekly_pct(am, val <= a_tgt)
    if "icpc" in sc.stages:
        tgt = sc.stages["icpc"].timescale_wd(15)
        df["icpc_within_15wd_pct"], df["icpcs"] = weekly_pct((e == R.TASK_DONE) & (st == S["icpc"]), val <= tgt)
    if "cp" in sc.stages and sc.stages["cp"].visits is not None:
        vm = ((e == R.VISIT) | (e == R.VISIT_MISSED)) & (st == S["cp"])
        df["cp_visits_on_time_pct"], _ = weekly_pct(vm, (e == R.VISIT) & (val <= 0))
    df["sw_changes"] = np.bincount(wk[e == R.SW_CHANGE], minlength=n)
    t = events.t_days.values
    df["starters"] = np.bincount(wk[(e == R.WORKER_JOINED) & (t > 0)], minlength=n)
    df["leavers"] = np.bincount(wk[e == R.WORKER_LEFT], minlength=n)
    df["agency_share_pct"] = 100 * df.fte_agency / df.fte_total
    df["vacancy_rate_pct"] = 100 * df.vacancies_fte / df.establishment_fte
    return df


#: The column :func:`with_days_in_run` adds to a weekly table written out.
DAYS_IN_RUN = "days_in_run"


def with_days_in_run(ts: pd.DataFrame, horizon_days) -> pd.DataFrame:
    """A copy of a weekly table with :data:`DAYS_IN_RUN` after ``date``: the days of each week
    inside the run, 7 but for the last week of a run that ends part-way through one (a year is
    52 weeks and 1.25 days). That week's counts (referrals, assessments, leavers ...) are of
    those days only: a file or chart reader saw the referrals of a 1-year run fall to a fifth in
    its last week, with nothing to say why.

    Parameters
    ----------
    ts : pandas.DataFrame
        Weekly rows with ``t_days`` (:func:`weekly_table`, or an experiment's, one run after
        another).
    horizon_days : float or array-like
        The run's length in days: one number, or one per row.
    """
    out = ts.copy()
    if DAYS_IN_RUN in out.columns or "t_days" not in out.columns:
        return out
    t = pd.to_numeric(out["t_days"], errors="coerce").to_numpy(dtype=float)
    days = np.clip(np.asarray(horizon_days, dtype=float) - t, 0.0, 7.0)
    at = out.columns.get_loc("date") + 1 if "date" in out.columns else len(out.columns)
    out.insert(at, DAYS_IN_RUN, days)
    return out

