"""Case and workforce tables made WITHOUT the model: a simple process with known parameters.

Recovery tests on the model's own output can only show that calibration recovers the model's
inputs. This process is independent of the model: referrals arrive as a Poisson process with a
known rate and a quieter August; a known share is closed at the front door; assessments take a
known number of working days (numpy's business-day calendar, weekends only: not the model's
calendar); a known share goes on to an s47 enquiry, an ICPC and a CP plan, others to a CIN plan
or care, each plan lasting a known log-normal time; a known share of those leaving care become
care leavers, supported from the day care ends (their 18th birthday) to their 21st. Workers stay for exponential times (known
turnover) and are replaced. :func:`~.write.write_returns` then adds the irregularities of real
returns (episodes given twice, recorded late, dates missing in one year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SEASON = np.array([1.05, 1.05, 1.05, 1.0, 1.0, 1.0, 1.0, 0.75, 1.0, 1.05, 1.05, 1.0])


@dataclass(frozen=True)
class Truth:
    """The known parameters of the independent process."""

    referrals_per_year: float = 1500.0
    nfa_pct: float = 8.0
    assessment_wd: tuple[float, float] = (8.0, 44.0)   # uniform working days
    after_assessment: dict = field(default_factory=lambda: {
        "close": 0.5, "cin": 0.25, "s47": 0.2, "lac": 0.05})
    s47_wd: tuple[float, float] = (2.0, 10.0)
    icpc_pct: float = 40.0            # of s47 enquiries
    icpc_wd_after_s47: tuple[float, float] = (5.0, 14.0)
    plan_mean_days: dict = field(default_factory=lambda: {"cin": 200.0, "cp": 300.0, "lac": 600.0})
    plan_cv: float = 0.7
    care_leaver_pct: float = 30.0     # of periods of care that end: supported as care leavers
    care_leaver_years: int = 3        # from leaving care at 18 to 21 (calendar years)
    staff: dict = field(default_factory=lambda: {"families_first": 30, "looked_after": 8})
    turnover_pct: float = 15.0
    cases_per_worker: float = 18.0
    # Each census (a year apart, back from the end) records every worker's caseload and the
    # working days she lost to sickness in the 12 months before it. A worker's caseloads
    # share a level of her own (gamma, mean 1, shape ``caseload_shape``). Above
    # ``pressure_caseload`` cases she is under pressure x = cases / pressure_caseload - 1: her
    # sickness days are ``days_lost_per_year`` x (1 + sickness_effect x) and, with
    # ``leaving_effect`` above 0, her leaving hazard in the year after a census is the
    # turnover's x (1 + leaving_effect x). Both effects 0 (the default): no response.
    caseload_shape: float = 8.0
    pressure_caseload: float = 18.0
    days_lost_per_year: float = 6.0
    sickness_effect: float = 0.0
    leaving_effect: float = 0.0


def _lognormal(rng, mean: float, cv: float, n: int) -> np.ndarray:
    s2 = np.log1p(cv ** 2)
    return rng.lognormal(np.log(mean) - s2 / 2, np.sqrt(s2), n)


def generate(start: dt.date, end: dt.date, truth: Truth = Truth(), seed: int = 0):
    """(cases, workforce) text tables for referrals from ``start`` to ``end``, as seen on
    ``end`` (later dates blank)."""
    rng = np.random.default_rng([seed, 16])
    days = pd.date_range(start, end, freq="D")
    lam = truth.referrals_per_year / 365.25 * SEASON[days.month - 1] / SEASON.mean()
    counts = rng.poisson(lam)
    ref = np.repeat(days.values.astype("datetime64[D]"), counts)
    n = len(ref)
    cut = np.datetime64(end, "D")

    def wd_after(d, lo_hi):
        k = np.floor(rng.uniform(*lo_hi, len(d))).astype(int)
        return np.busday_offset(d, k, roll="forward")

    def iso(d):
        d = np.asarray(d, dtype="datetime64[D]")
        return np.where(d <= cut, d.astype(str), "")

    nfa = rng.random(n) < truth.nfa_pct / 100
    a_start = np.busday_offset(ref, 1, roll="forward")
    a_end = wd_after(a_start, truth.assessment_wd)
    nxt = rng.choice(list(truth.after_assessment), n, p=list(truth.after_assessment.values()))
    rows = []
    ids = [f"X{rng.integers(10**9):09d}{i}" for i in range(n)]
    plan_len = {k: _lognormal(rng, m, truth.plan_cv, n).astype(int) + 1
                for k, m in truth.plan_mean_days.items()}
    s47_end = wd_after(a_end, truth.s47_wd)
    icpc = wd_after(s47_end, truth.icpc_wd_after_s47)
    has_icpc = rng.random(n) < truth.icpc_pct / 100
    # its own stream, so that adding care leavers left every other draw as it was
    leaver = np.random.default_rng([seed, 16, 3]).random(n) < truth.care_leaver_pct / 100
    for i in range(n):
        r = dict(LAchildID=ids[i], CINreferralDate=str(ref[i]), ReferralNFA="1" if nfa[i] else "0")
        extra = []
        if nfa[i]:
            r.update(CINclosureDate=str(ref[i]), ReasonForClosure="RC8")
        else:
            r.update(AssessmentActualStartDate=a_start[i], AssessmentAuthorisationDate=a_end[i])
            last, stage = a_end[i], nxt[i]
            if stage == "s47":
                r.update(S47ActualStartDate=a_end[i])
                if has_icpc[i]:
                    r.update(DateOfInitialCPC=icpc[i])
                    stage, last = "cp", icpc[i]
                else:
                    stage, last = "close", s47_end[i]
            if stage in ("cin", "cp", "lac"):
                c0, c1 = {"cin": ("CINPlanStartDate", "CINPlanEndDate"),
                          "cp": ("CPPstartDate", "CPPendDate"),
                          "lac": ("PeriodOfCareStartDate", "PeriodOfCareEndDate")}[stage]
                pend = last + np.timedelta64(int(plan_len[stage][i]), "D")
                extra.append((c0, last, c1, pend))
                last = pend
            if stage == "lac" and leaver[i]:
                to = np.datetime64((pd.Timestamp(last) + pd.DateOffset(
                    years=truth.care_leaver_years)).date(), "D")
                extra.append(("CareLeaverStartDate", last, "CareLeaverEndDate", to))
                last = to
            r["CINclosureDate"] = last
            r["ReasonForClosure"] = "RC8" if stage == "close" and nxt[i] == "close" else "RC7"
            for c0, s, c1, e in extra:
                r[c0], r[c1] = s, e
        rows.append(r)
    cases = pd.DataFrame(rows)
    date_cols = [c for c in cases.columns if c.endswith("Date") or c == "DateOfInitialCPC"]
    for c in date_cols:
        v = pd.to_datetime(cases[c])
        cases[c] = np.where(v.isna(), "", iso(v.fillna(pd.Timestamp(start)).values))
    # a stage not started by the end is not in the returns; its successors neither
    open_ = cases.CINclosureDate == ""
    cases.loc[open_, "ReasonForClosure"] = ""
    cases = cases.fillna("")
    cases = cases[cases.CINreferralDate <= str(cut)]
    if truth.leaving_effect > 0:
        workforce = _workforce_with_pressure(start, end, truth, seed)
    else:
        workforce = _add_censuses(_workforce(rng, start, end, truth), start, end, truth, seed)
    return cases, workforce


def census_dates(start: dt.date, end: dt.date) -> list[pd.Timestamp]:
    """The censuses the process records: on ``end`` and every whole year before it, back to
    ``start`` (newest first)."""
    out, k = [], 0
    while True:
        d = pd.Timestamp(end) - pd.DateOffset(years=k)
        if d < pd.Timestamp(start):
            return out
        out.append(d)
        k += 1


def _pressure(cases: np.ndarray, truth: Truth) -> np.ndarray:
    return np.maximum(cases / truth.pressure_caseload - 1.0, 0.0)


def _days_lost(rng, cases: np.ndarray, years_in_post: np.ndarray, truth: Truth) -> np.ndarray:
    mean = truth.days_lost_per_year * years_in_post * (1 + truth.sickness_effect * _pressure(cases, truth))
    return rng.poisson(mean)


def _add_censuses(w: pd.DataFrame, start: dt.date, end: dt.date, truth: Truth, seed: int) -> pd.DataFrame:
    """Each earlier census's Cases30 and WorkingDaysLost as columns ``Cases30@DATE`` and
    ``WorkingDaysLost@DATE`` (the latest census keeps the plain columns), from their own random
    stream so that every other draw is as it was."""
    rng = np.random.default_rng([seed, 16, 4])
    level = rng.gamma(truth.caseload_shape, 1 / truth.caseload_shape, len(w))
    s0 = pd.to_datetime(w.RoleStartDate)
    s1 = pd.to_datetime(w.RoleEndDate.where(w.RoleEndDate != "", None))
    for d in census_dates(start, end)[1:]:
        key = d.date().isoformat()
        on = ((s0 <= d) & (s1.isna() | (s1 > d))).to_numpy()
        cases = rng.poisson(truth.cases_per_worker * level)
        yrs = ((d - s0.clip(lower=d - pd.DateOffset(years=1))).dt.days / 365.25).clip(0, 1).to_numpy()
        days = _days_lost(rng, cases, yrs, truth)
        w[f"Cases30@{key}"] = np.where(on, cases.astype(str), "")
        w[f"WorkingDaysLost@{key}"] = np.where(on, days.astype(str), "")
    return w


def _workforce_with_pressure(start: dt.date, end: dt.date, truth: Truth, seed: int) -> pd.DataFrame:
    """Workers whose leaving and sickness answer to their caseloads (known effects): each
    worker's caseload is drawn at every census, and her leaving hazard until the next census is
    the turnover's x (1 + leaving_effect x pressure). Between censuses nothing changes."""
    rng = np.random.default_rng([seed, 16, 5])
    base = -np.log1p(-truth.turnover_pct / 100)          # a year
    dates = census_dates(start, end)[::-1]                # oldest first
    t_end = pd.Timestamp(end)
    rows, k = [], 0
    for team, n in truth.staff.items():
        for _ in range(n):
            t = pd.Timestamp(start) - pd.Timedelta(days=int(rng.integers(30, 2000)))
            while t <= t_end:
                level = rng.gamma(truth.caseload_shape, 1 / truth.caseload_shape)
                k += 1
                row = {"WorkerID": f"W{k:06d}", "AgencyWorker": "0", "FTE": "1", "OrgRole": "5",
                       "RoleStartDate": t.date().isoformat(), "Team": team,
                       "WorkerType": "experienced"}
                # before the first census she is in post at, the turnover alone
                now, cases_now, leave = t, None, None
                for d in dates + [None]:
                    nxt = d if d is not None else t_end + pd.Timedelta(days=1)
                    if nxt <= now:
                        continue
                    h = base * (1 + truth.leaving_effect * (_pressure(np.array([cases_now]), truth)[0]
                                                           if cases_now is not None else 0.0))
                    stay = rng.exponential(1 / h) * 365.25
                    if now + pd.Timedelta(days=stay) < nxt:
                        leave = now + pd.Timedelta(days=int(stay) + 1)
                        break
                    if d is None:
                        break
                    c = int(rng.poisson(truth.cases_per_worker * level))
                    yrs = min(max((d - max(t, d - pd.DateOffset(years=1))).days / 365.25, 0.0), 1.0)
                    dl = int(_days_lost(rng, np.array([c]), np.array([yrs]), truth)[0])
                    key = d.date().isoformat()
                    if d == dates[-1]:
                        row["Cases30"], row["WorkingDaysLost"] = str(c), str(dl)
                    else:
                        row[f"Cases30@{key}"], row[f"WorkingDaysLost@{key}"] = str(c), str(dl)
                    now, cases_now = d, c
                left = leave is not None and leave <= t_end
                row["RoleEndDate"] = leave.date().isoformat() if left else ""
                row["ReasonLeave"] = "RES" if left else ""
                row.setdefault("Cases30", "")
                row.setdefault("WorkingDaysLost", "")
                rows.append(row)
                if not left:
                    break
                t = leave + pd.Timedelta(days=int(rng.integers(20, 90)))
    return pd.DataFrame(rows).fillna("")


def _workforce(rng, start: dt.date, end: dt.date, truth: Truth) -> pd.DataFrame:
    rows = []
    rate = -np.log1p(-truth.turnover_pct / 100) / 365.25
    k = 0
    for team, n in truth.staff.items():
        for _ in range(n):
            t = pd.Timestamp(start) - pd.Timedelta(days=int(rng.integers(30, 2000)))
            while t <= pd.Timestamp(end):
                stay = pd.Timedelta(days=int(rng.exponential(1 / rate)) + 1)
                leave = t + stay
                k += 1
                left = leave <= pd.Timestamp(end)
                rows.append({"WorkerID": f"W{k:06d}", "AgencyWorker": "0", "FTE": "1",
                             "OrgRole": "5", "RoleStartDate": t.date().isoformat(),
                             "RoleEndDate": leave.date().isoformat() if left else "",
                             "ReasonLeave": "RES" if left else "",
                             "Cases30": "" if left else str(rng.poisson(truth.cases_per_worker)),
                             "WorkingDaysLost": str(rng.poisson(6)), "Team": team,
                             "WorkerType": "experienced"})
                t = leave + pd.Timedelta(days=int(rng.integers(20, 90)))
    return pd.DataFrame(rows)
