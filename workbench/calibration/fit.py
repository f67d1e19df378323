"""Fitting the scenario's parameters to a council's extracts, each with its uncertainty.

Every estimate is one row of a tidy fit table (parameter, estimate, lower, upper, n, method, and
the scenario field it sets); :func:`calibrate` maps the estimates onto a template scenario and
returns a complete, validated scenario whose fitted values say they were fitted, from which data
window, and whose other values say they came from the template.

Methods (details and caveats in ``docs/calibration.md``):

- referrals: a Poisson log-linear model (GLM, fitted by iteratively reweighted least squares) on
  monthly counts with the days of each month in the window as exposure, a linear trend in time
  and a multiplier per calendar month; standard errors scaled by the Pearson over-dispersion
  (siblings arrive together). With less than 24 months the template's seasonality is held fixed;
  with less than 12 the template's trend too. Intervals: 4,000 draws from the coefficients'
  asymptotic normal distribution, pushed through to each derived value.
- shares (no further action, re-referrals, each stage's outcomes): proportions with Wilson 95%
  intervals.
- durations of plans: a log-normal fitted by maximum likelihood with right-censoring (plans still
  open at the window end) and left-truncation (plans that started before the window are seen only
  because they lasted into it). Not the mean of closed plans, which is biased towards short ones.
- staff turnover: leavers per FTE-year at risk, by worker type (NQSWs and academy trainees become
  experienced a year after they start), exact Poisson 95% interval; the model's rate is at
  caseload = cap, so the observed rate is divided by the pressure factor seen in the caseloads.
- agency assignments, vacancy gaps: censored and truncated log-normal fits as for plans.
- caseloads, absence: means and 90th percentiles with bootstrap intervals.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import optimize, stats

from ..scenario import STAGES, WORKER_TYPES, Scenario, validate_scenario
from .extracts import CASE_HOLDER_ROLE, CaseData, Roster, day_number, to_date

YEAR = 365.25
PLAN_STAGES = ("cin", "cin_disability", "cp", "court", "lac", "care_leaver")
TASK_STAGES = ("assessment", "s47", "icpc")
RANK = {s: i for i, s in enumerate(STAGES)}
MIN_TRANSITIONS = 20      # fewer observed outcomes of a stage: keep the template's pathway
MIN_EVENTS = 10           # fewer ended plans: keep the template's duration
OUTCOME_LAG_DAYS = 90     # task stages count if they started this long before the window end
Z95 = 1.959963984540054


# --------------------------------------------------------------------------------------------
# The fit table
# --------------------------------------------------------------------------------------------

@dataclass
class Estimate:
    """One fitted value with its 95% interval."""

    parameter: str
    estimate: float
    lower: float = math.nan
    upper: float = math.nan
    n: int = 0
    method: str = ""
    unit: str = ""
    scenario_field: str = ""      # the scenario field it sets ("" if reported only)
    note: str = ""


FIT_COLUMNS = ["parameter", "estimate", "lower", "upper", "n", "method", "unit", "scenario_field",
               "note"]


def _table(rows: list[Estimate]) -> pd.DataFrame:
    return pd.DataFrame([r.__dict__ for r in rows], columns=FIT_COLUMNS)


def wilson(k: float, n: float) -> tuple[float, float, float]:
    """Proportion k/n with its Wilson 95% interval."""
    if n <= 0:
        return math.nan, math.nan, math.nan
    p = k / n
    den = 1 + Z95 ** 2 / n
    centre = (p + Z95 ** 2 / (2 * n)) / den
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / den
    return p, max(centre - half, 0.0), min(centre + half, 1.0)


def poisson_rate(k: int, exposure: float, weight: float | None = None) -> tuple[float, float, float]:
    """Rate (weighted events)/exposure with an exact Poisson 95% interval on the count k.

    ``weight`` is the weighted count (e.g. the FTE of the leavers); by default k itself."""
    if exposure <= 0:
        return math.nan, math.nan, math.nan
    weight = float(k) if weight is None else weight
    lo = stats.chi2.ppf(0.025, 2 * k) / 2 if k > 0 else 0.0
    hi = stats.chi2.ppf(0.975, 2 * (k + 1)) / 2
    w = weight / k if k > 0 else 1.0
    return weight / exposure, lo * w / exposure, hi * w / exposure


def _bootstrap(values: np.ndarray, fn, n: int = 1000, seed: int = 0) -> tuple[float, float]:
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(values), size=(n, len(values)))
    est = np.array([fn(values[i]) for i in idx])
    return float(np.percentile(est, 2.5)), float(np.percentile(est, 97.5))


# --------------------------------------------------------------------------------------------
# Log-normal with censoring and truncation
# --------------------------------------------------------------------------------------------

@dataclass
class LognormalFit:
    """A log-normal fitted by maximum likelihood: ``log T ~ Normal(mu, sigma)``."""

    mu: float
    sigma: float
    cov: np.ndarray          # covariance of (mu, log sigma)
    n: int                   # durations used
    n_events: int            # of which ended (uncensored)

    @property
    def mean(self) -> float:
        return math.exp(self.mu + self.sigma ** 2 / 2)

    @property
    def cv(self) -> float:
        return math.sqrt(math.expm1(self.sigma ** 2))

    @property
    def median(self) -> float:
        return math.exp(self.mu)

    def intervals(self, draws: int = 4000, seed: int = 0) -> dict[str, tuple[float, float]]:
        """95% intervals of mean, cv and median from the parameters' normal approximation."""
        rng = np.random.default_rng(seed)
        try:
            th = rng.multivariate_normal([self.mu, math.log(self.sigma)], self.cov, draws)
        except (ValueError, np.linalg.LinAlgError):
            return {k: (math.nan, math.nan) for k in ("mean", "cv", "median")}
        mu, s = th[:, 0], np.exp(th[:, 1])
        out = {"mean": np.exp(mu + s ** 2 / 2), "cv": np.sqrt(np.expm1(s ** 2)), "median": np.exp(mu)}
        return {k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) for k, v in out.items()}


def fit_lognormal(durations, ended, entry=None) -> LognormalFit:
    """Maximum-likelihood log-normal for durations, some right-censored, some left-truncated.

    Parameters
    ----------
    durations : array
        Time to the end (``ended``) or to censoring (not ended), > 0.
    ended : array of bool
        True where the duration ended (an event), False where it was censored (still open).
    entry : array, optional
        Left-truncation time: the duration is only seen because it exceeded ``entry`` (0: none).

    The log-likelihood is ``sum log f(t) [ended] + sum log S(t) [censored] - sum log S(entry)``.
    """
    t = np.asarray(durations, dtype=float)
    d = np.asarray(ended, dtype=bool)
    a = np.zeros_like(t) if entry is None else np.asarray(entry, dtype=float)
    if np.any(t <= 0):
        raise ValueError("durations must be > 0")
    if d.sum() < 2:
        raise ValueError("needs at least two ended durations")
    lt = np.log(t)
    tr = a > 0
    la = np.log(a[tr])

    def nll(theta):
        mu, ls = theta
        s = math.exp(ls)
        z = (lt - mu) / s
        ll = np.sum(stats.norm.logpdf(z[d]) - ls - lt[d]) + np.sum(stats.norm.logsf(z[~d]))
        if tr.any():
            ll -= np.sum(stats.norm.logsf((la - mu) / s))
        return -ll

    x0 = np.array([lt[d].mean(), math.log(max(lt[d].std(), 0.1))])
    res = optimize.minimize(nll, x0, method="Nelder-Mead",
                            options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000})
    res = optimize.minimize(nll, res.x, method="BFGS")
    theta = res.x
    # observed information by central differences
    h = 1e-4
    H = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            e_i, e_j = np.eye(2)[i] * h, np.eye(2)[j] * h
            H[i, j] = (nll(theta + e_i + e_j) - nll(theta + e_i - e_j)
                       - nll(theta - e_i + e_j) + nll(theta - e_i - e_j)) / (4 * h * h)
    try:
        cov = np.linalg.inv(H)
        if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        cov = np.full((2, 2), np.nan)
    return LognormalFit(mu=float(theta[0]), sigma=float(math.exp(theta[1])), cov=cov,
                        n=len(t), n_events=int(d.sum()))


# --------------------------------------------------------------------------------------------
# Referrals: Poisson log-linear model on monthly counts
# --------------------------------------------------------------------------------------------

def _poisson_glm(y, X, offset, iters: int = 100):
    """Poisson regression with log link by IRLS: (beta, covariance, dispersion)."""
    beta = np.zeros(X.shape[1])
    beta[0] = math.log(max(y.sum(), 1) / np.exp(offset).sum()) if X.shape[1] else 0.0
    eta = offset + X @ beta
    for _ in range(iters):
        mu = np.exp(eta)
        z = eta - offset + (y - mu) / mu
        W = mu
        XtW = X.T * W
        new = np.linalg.solve(XtW @ X, XtW @ z)
        if np.max(np.abs(new - beta)) < 1e-10:
            beta = new
            break
        beta = new
        eta = offset + X @ beta
    mu = np.exp(offset + X @ beta)
    cov = np.linalg.inv((X.T * mu) @ X)
    df = len(y) - X.shape[1]
    disp = float(np.sum((y - mu) ** 2 / mu) / df) if df > 0 else 1.0
    return beta, cov, max(disp, 1.0)


@dataclass
class DemandFit:
    """Referral rate over time: trend, seasonality and level, with parameter draws."""

    origin: float                # day number of t = 0
    mode: str                    # "trend+season", "trend", "level"
    beta: np.ndarray
    cov: np.ndarray
    dispersion: float
    season_template: np.ndarray  # Jan..Dec, mean 1 (used when seasonality is not fitted)
    trend_template: float        # % a year (used in "level" mode)
    n_referrals: int
    months: float
    counts: pd.DataFrame         # month, exposure_days, referrals (aggregates)
    draws: np.ndarray = field(repr=False, default=None)

    def _rate(self, beta: np.ndarray, day: float) -> np.ndarray:
        beta = np.atleast_2d(beta)
        t = (day - self.origin) / YEAR
        if self.mode == "trend+season":
            return np.exp(beta[:, :12]).mean(axis=1) * np.exp(beta[:, 12] * t)
        if self.mode == "trend":
            return np.exp(beta[:, 0] + beta[:, 1] * t)
        g = math.log1p(self.trend_template / 100)
        return np.exp(beta[:, 0] + g * t)

    def referrals_per_year(self, day: float) -> tuple[float, float, float]:
        """Children referred a year at a date (day number), seasonally averaged, with interval."""
        est = float(self._rate(self.beta, day)[0] * YEAR)
        d = self._rate(self.draws, day) * YEAR
        return est, float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))

    def trend_pct(self) -> tuple[float, float, float] | None:
        if self.mode == "level":
            return None
        k = 12 if self.mode == "trend+season" else 1
        f = lambda b: 100 * np.expm1(b)  # noqa: E731
        d = f(self.draws[:, k])
        return float(f(self.beta[k])), float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))

    def seasonality(self) -> list[tuple[float, float, float]] | None:
        if self.mode != "trend+season":
            return None
        def norm(b):
            e = np.exp(np.atleast_2d(b)[:, :12])
            return e / e.mean(axis=1, keepdims=True)
        est = norm(self.beta)[0]
        d = norm(self.draws)
        return [(float(est[k]), float(np.percentile(d[:, k], 2.5)), float(np.percentile(d[:, k], 97.5)))
                for k in range(12)]


def _month_bins(w0: float, w1x: float) -> pd.DataFrame:
    d0, d1 = to_date(w0), to_date(w1x - 1)
    months = pd.period_range(d0, d1, freq="M")
    rows = []
    for m in months:
        a = max(day_number(m.start_time), w0)
        b = min(day_number(m.end_time) + 1, w1x)
        if b > a:
            rows.append((str(m), m.month, a, b))
    return pd.DataFrame(rows, columns=["month", "cal_month", "start", "stop"])


def fit_referrals(cases: CaseData, w0: float, w1x: float, template: Scenario,
                  seed: int = 0) -> DemandFit:
    """Poisson log-linear fit of referrals (children, incl. re-referrals) in [w0, w1x)."""
    ref = cases.episodes.referral.to_numpy()
    ref = ref[(ref >= w0) & (ref < w1x)]
    bins = _month_bins(w0, w1x)
    y = np.array([np.sum((ref >= a) & (ref < b)) for a, b in zip(bins.start, bins.stop)], dtype=float)
    expo = (bins.stop - bins.start).to_numpy(dtype=float)
    mid = ((bins.start + bins.stop) / 2 - w0).to_numpy() / YEAR
    season_t = np.asarray(template.demand.seasonality, dtype=float)
    season_t = season_t / season_t.mean()
    months = (w1x - w0) / (YEAR / 12)
    cal = bins.cal_month.to_numpy() - 1
    offset = np.log(expo)
    if months >= 23.5:
        mode = "trend+season"
        X = np.zeros((len(y), 13))
        X[np.arange(len(y)), cal] = 1.0
        X[:, 12] = mid
    elif months >= 11.5:
        mode = "trend"
        X = np.column_stack([np.ones(len(y)), mid])
        offset = offset + np.log(season_t[cal])
    else:
        mode = "level"
        X = np.ones((len(y), 1))
        offset = offset + np.log(season_t[cal]) + mid * math.log1p(template.demand.trend_pct_per_year / 100)
    beta, cov, disp = _poisson_glm(y, X, offset)
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(beta, cov * disp, 4000)
    counts = pd.DataFrame({"month": bins.month, "exposure_days": expo, "referrals": y.astype(int)})
    return DemandFit(origin=w0, mode=mode, beta=beta, cov=cov * disp, dispersion=disp,
                     season_template=season_t, trend_template=template.demand.trend_pct_per_year,
                     n_referrals=int(len(ref)), months=months, counts=counts, draws=draws)


# --------------------------------------------------------------------------------------------
# The journey: stage instances in order, and what followed each
# --------------------------------------------------------------------------------------------

def stage_sequence(cases: CaseData) -> pd.DataFrame:
    """Stage instances in journey order within each episode, with what came next.

    Columns: episode, stage, start, end (as given), key (order date), next (next stage, 'close'
    or None if unknown), outcome_at (date of the next step or closure), prev, prev_start,
    s_start / s_end (effective start and end used for snapshots).
    """
    st = cases.stages.copy()
    ep = cases.episodes.set_index("episode")
    st["inferred"] = False
    # an s47 enquiry that has ended, with nothing after it in an open episode, awaits its ICPC
    if len(st):
        last_key = st.start.where(st.start.notna(), st.end).groupby(st.episode).transform("max")
        s47_done = (st.stage == "s47") & st.end.notna() & (st.start >= last_key)
        s47_done &= st.episode.map(ep.closure).isna().to_numpy()
        if s47_done.any():
            add = st[s47_done].copy()
            add["stage"] = "icpc"
            add["start"] = np.nan
            add["end"] = np.nan
            add["inferred"] = True
            add["_s"] = st[s47_done].end.to_numpy()
            st = pd.concat([st, add], ignore_index=True)
    if "_s" not in st:
        st["_s"] = np.nan
    st["key"] = st.start.where(st.start.notna(), st.end).fillna(st["_s"])
    st["rank"] = st.stage.map(RANK)
    st["_end"] = st.end.fillna(np.inf)
    st = st.sort_values(["episode", "key", "_end", "rank"], kind="stable").reset_index(drop=True)
    same_next = st.episode.shift(-1) == st.episode
    same_prev = st.episode.shift(1) == st.episode
    st["next"] = np.where(same_next, st.stage.shift(-1), None)
    st["outcome_at"] = np.where(same_next, st.key.shift(-1), np.nan)
    closure = st.episode.map(ep.closure).to_numpy(dtype=float)
    last = ~same_next.to_numpy()
    closed_last = last & ~np.isnan(closure)
    st.loc[closed_last, "next"] = "close"
    st.loc[closed_last, "outcome_at"] = closure[closed_last]
    st["prev"] = np.where(same_prev, st.stage.shift(1), None)
    st["prev_start"] = np.where(same_prev, st.start.shift(1), np.nan)
    st["closure"] = closure
    # effective end: the given end, else (task stages) the next step, else the closure
    s_end = st.end.to_numpy(dtype=float).copy()
    nxt = st.outcome_at.to_numpy(dtype=float)
    task = st.stage.isin(TASK_STAGES).to_numpy()
    fill = np.isnan(s_end) & task & ~np.isnan(nxt)
    s_end[fill] = nxt[fill]
    fill = np.isnan(s_end) & ~np.isnan(closure)
    s_end[fill] = closure[fill]
    st["s_end"] = s_end
    st["s_start"] = st.start.to_numpy(dtype=float)
    # an ICPC's stage starts when the s47 enquiry before it ends; without an s47 end date, after
    # the typical length of enquiries that ended otherwise (not in an ICPC)
    s47 = st[(st.stage == "s47") & st.end.notna()]
    if len(s47):
        typical = float(np.median(s47.end - s47.start))
    else:
        other = st[(st.stage == "s47") & (st.next.notna()) & (st.next != "icpc")]
        typical = float(np.median(other.outcome_at - other.start)) if len(other) else 10.0
    icpc = (st.stage == "icpc").to_numpy()
    prev_is_s47 = (st.prev == "s47").to_numpy()
    prev_end = np.where(same_prev, st.end.shift(1), np.nan)
    start_icpc = np.where(~np.isnan(prev_end), prev_end,
                          np.minimum(st.prev_start.to_numpy(dtype=float) + typical, st.end.to_numpy(dtype=float)))
    s_start = st.s_start.to_numpy().copy()
    m = icpc & prev_is_s47
    s_start[m] = start_icpc[m]
    m2 = icpc & ~prev_is_s47
    s_start[m2] = st.end.to_numpy()[m2]
    inf_ = st.inferred.to_numpy()
    s_start[inf_] = st._s.to_numpy()[inf_]
    st["s_start"] = s_start
    # the s47 ends when its ICPC stage starts
    s_end2 = st.s_end.to_numpy().copy()
    nxt_icpc = np.append((st.stage.to_numpy()[1:] == "icpc") & same_next.to_numpy()[:-1], False)
    m3 = (st.stage == "s47").to_numpy() & nxt_icpc & st.end.isna().to_numpy()
    s_end2[m3] = np.append(s_start[1:], np.nan)[m3]
    st["s_end"] = s_end2
    return st.drop(columns=["_end", "_s"])


def open_cases_at(seq: pd.DataFrame, day: float) -> dict[str, int]:
    """Children open in each stage at the start of ``day`` (one stage per episode: the latest)."""
    s = seq.s_start.to_numpy(dtype=float)
    e = seq.s_end.to_numpy(dtype=float)
    on = (s < day) & (np.isnan(e) | (e >= day))
    cur = seq[on].sort_values(["episode", "s_start"]).groupby("episode").tail(1)
    counts = cur.stage.value_counts()
    return {s: int(counts.get(s, 0)) for s in STAGES}


def fit_pathways(seq: pd.DataFrame, w0: float, w1x: float) -> dict[str, dict]:
    """Outcome counts of each stage in the window: {stage: {"n": n, "counts": {outcome: k}}}.

    Task stages count if they started in [w0, w1x - 90 days) so their outcome has had time to be
    recorded; plan stages if they ended in the window (their outcome follows at once).
    """
    out = {}
    known = seq.next.notna()
    for stage in STAGES:
        sel = seq[(seq.stage == stage) & known]
        if stage in TASK_STAGES:
            key = sel.start.where(sel.start.notna(), sel.key)
            sel = sel[(key >= w0) & (key < w1x - OUTCOME_LAG_DAYS)]
        else:
            sel = sel[(sel.outcome_at >= w0) & (sel.outcome_at < w1x)]
        counts = sel.next.value_counts()
        out[stage] = {"n": int(len(sel)), "counts": {k: int(v) for k, v in counts.items()}}
    return out


def plan_durations(seq: pd.DataFrame, stage: str, w0: float, w1x: float):
    """(durations, ended, entry) of a plan stage's instances seen in the window, in days."""
    sel = seq[(seq.stage == stage) & seq.start.notna()]
    start = sel.start.to_numpy(dtype=float)
    end = sel.s_end.to_numpy(dtype=float)
    end = np.where(end >= w1x, np.nan, end)
    seen = (start < w1x) & (np.isnan(end) | (end >= w0))
    start, end = start[seen], end[seen]
    ended = ~np.isnan(end)
    dur = np.where(ended, end - start, w1x - start)
    dur = np.maximum(dur, 0.5)      # dates are whole days: a plan ending the day it starts
    entry = np.maximum(w0 - start, 0.0)
    return dur, ended, entry


# --------------------------------------------------------------------------------------------
# Workforce
# --------------------------------------------------------------------------------------------

def type_spells(roster: Roster, nqsw_days: float, academy_days: float) -> pd.DataFrame:
    """Each worker's time in post split by type: NQSWs and academy trainees become experienced
    ``nqsw_days`` / ``academy_days`` after they start. Columns: worker, team, type, fte, start,
    end (NaN: in post), left (she left at the end of this spell), role, agency."""
    w = roster.workers
    rows = []
    for r in w.itertuples(index=False):
        end = r.end
        if r.type in ("nqsw", "academy"):
            change = r.start + (nqsw_days if r.type == "nqsw" else academy_days)
            if end != end or end > change:
                rows.append((r.worker, r.team, r.type, r.fte, r.start, change, False, r.role, r.reason))
                rows.append((r.worker, r.team, "experienced", r.fte, change, end, end == end,
                             r.role, r.reason))
                continue
        rows.append((r.worker, r.team, r.type, r.fte, r.start, end, end == end, r.role, r.reason))
    return pd.DataFrame(rows, columns=["worker", "team", "type", "fte", "start", "end", "left",
                                       "role", "reason"])


def in_post_at(roster: Roster, day: float) -> pd.DataFrame:
    w = roster.workers
    return w[(w.start <= day) & (w.end.isna() | (w.end > day))]


def _caps_for(template: Scenario, team: str, wtype: str) -> float:
    t = template.teams.get(team)
    if t is not None and t.caps and wtype in t.caps:
        return t.caps[wtype]
    return template.caseload.caps[wtype]


def _type_at(r, day: float, nqsw_days: float, academy_days: float) -> str:
    if r.type == "nqsw" and day >= r.start + nqsw_days:
        return "experienced"
    if r.type == "academy" and day >= r.start + academy_days:
        return "experienced"
    return r.type


def staff_groups(roster: Roster, template: Scenario, day: float,
                 since: float | None = None) -> dict[str, tuple]:
    """Staff in post at the start of ``day`` by template team: {team: (staff groups,
    establishment FTE, how the establishment was found)}. Teams nobody is in are left out.

    The establishment of a case-holding team is inferred from agency cover, which the model
    (and, largely, councils) use for vacancies: permanent FTE + agency FTE / cover share,
    averaged week by week over [since, day] (one day is noisy: cover arrives late)."""
    has_dyn = "workforce" in type(template).model_fields
    nqsw_days = (template.workforce.asye_months if has_dyn else 12) * 30.4375
    academy_days = (template.academy.months if has_dyn else 12) * 30.4375
    cover = (template.agency.cover_share_pct / 100) if has_dyn and template.agency.enabled else 0.0
    now = in_post_at(roster, day)
    spells = type_spells(roster, nqsw_days, academy_days)
    out = {}
    for tname, tcfg in template.teams.items():
        tw = now[now.team == tname]
        if tw.empty:
            continue
        groups: dict[tuple, int] = {}
        for r in tw.itertuples(index=False):
            wtype = _type_at(r, day, nqsw_days, academy_days)
            months = (day - r.start) / 30.4375
            if wtype in ("nqsw", "academy") or (r.type in ("nqsw", "academy") and months < 36):
                mq = float(round(max(months, 0.0)))
            else:
                mq = 36.0
            key = (wtype, round(float(r.fte), 2), mq)
            groups[key] = groups.get(key, 0) + 1
        staff = [{"type": k[0], "count": n, "fte": k[1], "months_qualified": k[2]}
                 for k, n in sorted(groups.items())]
        perm = sum(k[1] * n for k, n in groups.items() if k[0] in ("experienced", "nqsw"))
        agency = sum(k[1] * n for k, n in groups.items() if k[0] == "agency")
        total = sum(k[1] * n for k, n in groups.items() if k[0] != "academy")
        if tcfg.case_holding and cover > 0:
            start = day if since is None else since
            weeks = np.arange(start, day + 1e-9, 7.0)[:, None]
            sp = spells[spells.team == tname]
            on = (sp.start.to_numpy() <= weeks) & (sp.end.fillna(np.inf).to_numpy() > weeks)
            weight = np.where(sp.type.isin(["experienced", "nqsw"]), 1.0,
                              np.where(sp.type == "agency", 1.0 / cover, 0.0)) * sp.fte.to_numpy()
            est = float((on * weight).sum(axis=1).mean())
            span = "" if since is None else f", averaged weekly from {to_date(start)}"
            how = (f"permanent FTE + agency FTE / cover share {100 * cover:.0f}%{span} (assumes "
                   "agency staff cover vacancies; the roster has no vacancy data)")
        else:
            est, how = total, "FTE in post (excluding academy trainees)"
        out[tname] = (staff, est, how)
    return out


# --------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------

@dataclass
class Calibration:
    """A fitted scenario, the fit table, and where each value came from."""

    scenario: Scenario
    data: dict                    # the scenario as plain data (what is written)
    table: pd.DataFrame           # the fit table (aggregates only)
    provenance: dict[str, str]    # dotted field -> comment
    window_start: dt.date
    window_end: dt.date
    template_name: str
    demand: DemandFit | None
    notes: list[str]
    seq: pd.DataFrame = field(repr=False, default=None)

    def to_yaml(self, header: str = "") -> str:
        return scenario_yaml(self.data, self.provenance, header)

    def write(self, path: str | Path, header: str = "") -> Path:
        """Write the scenario file and check that it loads."""
        from ..scenario import load_scenario

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_yaml(header), encoding="utf-8")
        load_scenario(path)
        return path


def default_window(cases: CaseData, roster: Roster | None = None) -> tuple[dt.date, dt.date]:
    """The data window when none is given.

    It ends on the latest date in the extracts (the extract date). It starts on the earliest
    closure date: an extract of the episodes active in a period holds closures only from the
    period's start, while older referrals appear only because they were still open (moved back to
    the first of the month when within a week of it). Pass the window explicitly when you know it.
    """
    last = cases.last_date
    if roster is not None and roster.last_date == roster.last_date:
        last = max(last, roster.last_date)
    end = to_date(last)
    closures = cases.episodes.closure.dropna()
    if len(closures):
        start = to_date(closures.min())
    else:
        start = to_date(cases.episodes.referral.min())
    if start.day <= 8:
        start = start.replace(day=1)
    return start, end


def calibrate(cases: CaseData, roster: Roster, template: Scenario,
              window_start: dt.date | None = None, window_end: dt.date | None = None,
              name: str | None = None, authority: str | None = None,
              template_name: str = "template",
              sources: tuple[str, str] = ("cases.csv", "workforce.csv"), seed: int = 0) -> Calibration:
    """Fit the scenario's parameters to the extracts over a data window.

    Returns a :class:`Calibration` whose scenario starts the day after the window ends, from the
    open cases and staff in post then. Values not estimable from the extracts come from
    ``template`` and say so.
    """
    if window_start is None or window_end is None:
        ds, de = default_window(cases, roster)
        window_start = window_start or ds
        window_end = window_end or de
    if window_end <= window_start:
        from ..cli import UserError
        raise UserError(f"the window must end after it starts (got {window_start} to {window_end})")
    w0 = day_number(window_start)
    w1x = day_number(window_end) + 1
    years = (w1x - w0) / YEAR
    win = f"{window_start} to {window_end}"
    rows: list[Estimate] = []
    prov: dict[str, str] = {}
    notes: list[str] = []
    data = template.model_dump(mode="json")
    seq = stage_sequence(cases)

    def fitted(path: str, comment: str):
        prov[path] = f"fitted ({win}): {comment}"

    def from_template(path: str, why: str):
        prov[path] = f"from {template_name}: {why}"

    def assumed(path: str, how: str):
        prov[path] = f"assumed (not in the extracts): {how}"

    # ---------------------------------------------------------------- demand
    eps = cases.episodes
    in_win = eps[(eps.referral >= w0) & (eps.referral < w1x)]
    demand = None
    if len(in_win) >= 20:
        demand = fit_referrals(cases, w0, w1x, template, seed=seed)
        r, lo, hi = demand.referrals_per_year(w1x)
        rows.append(Estimate("demand.referrals_per_year", r, lo, hi, demand.n_referrals,
                             f"Poisson log-linear fit on monthly counts ({demand.mode}); rate at the "
                             "scenario start, seasonally averaged", "children a year",
                             "demand.referrals_per_year",
                             f"over-dispersion {demand.dispersion:.2f}"))
        data["demand"]["referrals_per_year"] = round(r, 1)
        fitted("demand.referrals_per_year", f"Poisson GLM on {demand.n_referrals:,} referrals in "
               f"{len(demand.counts)} months, rate at {to_date(w1x)}; 95% CI {lo:,.0f}-{hi:,.0f}")
        tr = demand.trend_pct()
        if tr is not None:
            rows.append(Estimate("demand.trend_pct_per_year", *tr, demand.n_referrals,
                                 "Poisson log-linear fit: 100 x (exp(slope) - 1)", "% a year",
                                 "demand.trend_pct_per_year"))
            data["demand"]["trend_pct_per_year"] = round(float(np.clip(tr[0], -50, 100)), 2)
            fitted("demand.trend_pct_per_year", f"95% CI {tr[1]:.1f} to {tr[2]:.1f}")
        else:
            from_template("demand.trend_pct_per_year", "window shorter than 12 months")
        se = demand.seasonality()
        if se is not None:
            for k, (e, lo_, hi_) in enumerate(se):
                rows.append(Estimate(f"demand.seasonality[{dt.date(2000, k + 1, 1):%b}]", e, lo_, hi_,
                                     demand.n_referrals, "Poisson log-linear fit, month effect "
                                     "normalised to mean 1", "multiplier", "demand.seasonality"))
            data["demand"]["seasonality"] = [round(x[0], 3) for x in se]
            fitted("demand.seasonality", "month effects of the Poisson GLM, Jan..Dec, mean 1")
        else:
            from_template("demand.seasonality", "needs 24 months of referrals to fit month effects")
        if data["demand"].get("surges"):
            data["demand"]["surges"] = []
            notes.append("the template's demand surges were dropped: they described its own period")
    else:
        for p in ("referrals_per_year", "trend_pct_per_year", "seasonality"):
            from_template(f"demand.{p}", "fewer than 20 referrals in the window")
    from_template("demand.sibling_group_probs", "the extracts do not link siblings")

    # no further action at the front door. The decision is made for a family: brothers and
    # sisters referred together share it, so the children are not independent trials. The
    # extracts do not link siblings, so the interval uses the effective sample size n / deff,
    # with the design effect deff = E[m^2] / E[m] of the template's sibling groups (each child's
    # decision is shared with the m - 1 others in her group).
    k = int(in_win.nfa.sum())
    sizes = np.arange(1, len(template.demand.sibling_group_probs) + 1)
    probs = np.asarray(template.demand.sibling_group_probs, dtype=float)
    deff = float((probs * sizes ** 2).sum() / (probs * sizes).sum())
    p, lo, hi = wilson(k / deff, len(in_win) / deff)
    if len(in_win) >= 20:
        rows.append(Estimate("front_door.nfa_pct", 100 * p, 100 * lo, 100 * hi, len(in_win),
                             "share of referrals in the window with ReferralNFA = 1 (Wilson 95% "
                             f"on the effective sample size, sibling design effect {deff:.2f})",
                             "%", "front_door.nfa_pct"))
        data["front_door"]["nfa_pct"] = round(100 * p, 2)
        fitted("front_door.nfa_pct", f"{k:,} of {len(in_win):,} referrals; 95% CI "
               f"{100 * lo:.1f}-{100 * hi:.1f}")
    else:
        from_template("front_door.nfa_pct", "fewer than 20 referrals in the window")

    # re-referrals: the model re-refers a closed case within 12 months with this probability
    closed = eps[eps.closure.notna()]
    base_cl = closed[(closed.closure >= w0) & (closed.closure < w1x - 365)]
    if len(base_cl) >= 20:
        later = eps[["episode", "child", "referral"]].rename(
            columns={"referral": "again", "episode": "other"})
        m = base_cl[["episode", "child", "closure"]].merge(later, on="child", how="left")
        m["hit"] = (m.other != m.episode) & (m.again >= m.closure) & (m.again <= m.closure + 365)
        hits = m.groupby("episode").hit.any()
        k = int(hits.sum())
        p, lo, hi = wilson(k, len(base_cl))
        rows.append(Estimate("demand.rereferral_pct", 100 * p, 100 * lo, 100 * hi, len(base_cl),
                             "share of closures (at least 12 months before the window end) followed "
                             "by a referral of the same child within 365 days (Wilson 95%)", "%",
                             "demand.rereferral_pct"))
        data["demand"]["rereferral_pct"] = round(100 * p, 2)
        fitted("demand.rereferral_pct", f"{k:,} of {len(base_cl):,} closures re-referred within 12 "
               f"months; 95% CI {100 * lo:.1f}-{100 * hi:.1f}")
    else:
        from_template("demand.rereferral_pct", "needs 20 closures at least 12 months before the "
                      "window end")

    # ---------------------------------------------------------------- pathways
    paths = fit_pathways(seq, w0, w1x)
    for stage, cfg in template.stages.items():
        info = paths.get(stage, {"n": 0, "counts": {}})
        n = info["n"]
        if n < MIN_TRANSITIONS:
            from_template(f"stages.{stage}.next", f"only {n} outcomes observed (needs {MIN_TRANSITIONS})")
            continue
        counts = {o: c for o, c in info["counts"].items() if o == "close" or o in template.stages}
        dropped = n - sum(counts.values())
        if dropped:
            notes.append(f"stages.{stage}.next: {dropped} outcome(s) to stages not in the template were left out")
        tot = sum(counts.values())
        probs = {}
        for o in sorted(counts, key=lambda o: -counts[o]):
            p, lo, hi = wilson(counts[o], tot)
            rows.append(Estimate(f"stages.{stage}.next.{o}", p, lo, hi, tot,
                                 "share of the stage's observed outcomes (Wilson 95%)", "probability",
                                 f"stages.{stage}.next"))
            probs[o] = p
        data["stages"][stage]["next"] = _round_probs(probs)
        fitted(f"stages.{stage}.next", f"{tot:,} outcomes: " + ", ".join(
            f"{o} {counts[o]}" for o in sorted(counts, key=lambda o: -counts[o])))

    # ---------------------------------------------------------------- plan durations
    for stage, cfg in template.stages.items():
        if cfg.kind != "plan":
            continue
        dur, ended, entry = plan_durations(seq, stage, w0, w1x)
        if ended.sum() < MIN_EVENTS:
            from_template(f"stages.{stage}.duration_days",
                          f"only {int(ended.sum())} {stage} plans ended in the window (needs {MIN_EVENTS})")
            continue
        f = fit_lognormal(dur, ended, entry)
        ci = f.intervals(seed=seed)
        rows.append(Estimate(f"stages.{stage}.duration_days.mean", f.mean, *ci["mean"], f.n,
                             "log-normal maximum likelihood with right-censoring (still open) and "
                             "left-truncation (started before the window)", "days",
                             f"stages.{stage}.duration_days", f"{f.n_events} ended, {f.n - f.n_events} still open"))
        rows.append(Estimate(f"stages.{stage}.duration_days.cv", f.cv, *ci["cv"], f.n,
                             "log-normal maximum likelihood (as above)", "sd / mean",
                             f"stages.{stage}.duration_days"))
        closed_mean = float(dur[ended].mean())
        rows.append(Estimate(f"stages.{stage}.duration_days.naive_closed_mean", closed_mean,
                             n=int(ended.sum()), method="mean of plans that ended in the window "
                             "(biased short; for comparison only)", unit="days"))
        data["stages"][stage]["duration_days"] = {"dist": "lognormal", "mean": round(f.mean, 1),
                                                  "cv": round(min(f.cv, 10.0), 3)}
        fitted(f"stages.{stage}.duration_days", f"censored log-normal, {f.n_events} ended of {f.n}; "
               f"mean 95% CI {ci['mean'][0]:.0f}-{ci['mean'][1]:.0f} days")
    for stage, cfg in template.stages.items():
        if cfg.kind == "task":
            sel = seq[(seq.stage == stage) & seq.start.notna() & seq.end.notna()
                      & (seq.end >= w0) & (seq.end < w1x)]
            if stage == "assessment" and len(sel):
                d = (sel.end - sel.start).to_numpy()
                lo_, hi_ = _bootstrap(d, np.median, seed=seed)
                rows.append(Estimate("assessment.duration_days.median", float(np.median(d)), lo_, hi_,
                                     len(d), "median days from start to authorisation (observed; "
                                     "not a model input: it emerges from workload)", "days"))
            from_template(f"stages.{stage}.work_hours", "hours of work are not in the extracts; "
                          "the back-test checks the timeliness they produce")

    # ---------------------------------------------------------------- open cases at the start
    start_day = w1x
    open_now = open_cases_at(seq, start_day)
    data["initial"]["open_cases"] = {s: int(open_now.get(s, 0)) for s in template.stages}
    for s in template.stages:
        rows.append(Estimate(f"initial.open_cases.{s}", open_now.get(s, 0), n=open_now.get(s, 0),
                             method=f"children open in the stage at the start of {to_date(start_day)}",
                             unit="children", scenario_field="initial.open_cases"))
    unknown_open = {s: n for s, n in open_now.items() if n and s not in template.stages}
    if unknown_open:
        notes.append(f"open cases in stages the template lacks were left out: {unknown_open}")
    fitted("initial.open_cases", f"open cases by stage at the start of {to_date(start_day)}")
    if "AllocatedWorker" in cases.columns:
        un = _unallocated_at(seq, cases, start_day)
        data["initial"]["unallocated"] = {s: n for s, n in un.items() if n and s in template.stages}
        fitted("initial.unallocated", "open cases with no AllocatedWorker at the extract date")
    else:
        data["initial"]["unallocated"] = {}
        from_template("initial.unallocated", "no AllocatedWorker column: none taken as waiting")
    data["start_date"] = to_date(start_day).isoformat()

    # ---------------------------------------------------------------- workforce
    wf_rows, wf_notes = _fit_workforce(roster, template, data, w0, w1x, fitted, from_template,
                                       assumed, seed)
    rows += wf_rows
    notes += wf_notes

    # ---------------------------------------------------------------- identity
    data["name"] = name or f"Calibrated ({win})"
    data["authority"] = authority or "The authority whose extracts were fitted"
    kinds = {"fitted": [], "assumed": [], "from": []}
    for k_, v_ in sorted(prov.items()):
        kinds[v_.split(" ", 1)[0]].append(k_)
    data["description"] = (
        f"Calibrated by `workbench calibrate` from the council's extracts ({sources[0]}, "
        f"{sources[1]}) over the data window {win}; starts the day after the window ends. "
        f"Fitted: {', '.join(kinds['fitted']) or 'none'}. "
        f"Assumed (see comments): {', '.join(kinds['assumed']) or 'none'}. "
        f"Taken from {template_name} (not estimable from the extracts): "
        f"{', '.join(kinds['from']) or 'none'}; every other value is the template's.")
    src = {f"template_{k}": v for k, v in (template.sources or {}).items()}
    src["calibration"] = (f"Fitted from {sources[0]} and {sources[1]}, data window {win}, by "
                          f"workbench calibrate on {dt.date.today()}; template {template_name}. "
                          "Aggregates only; no child-level record is kept.")
    data["sources"] = src
    scenario = validate_scenario(data, source="<calibrated scenario>")
    table = _table(rows)
    return Calibration(scenario=scenario, data=scenario.to_dict(), table=table, provenance=prov,
                       window_start=window_start, window_end=window_end,
                       template_name=template_name, demand=demand, notes=notes, seq=seq)


def _round_probs(probs: dict[str, float], digits: int = 4) -> dict[str, float]:
    out = {k: round(v, digits) for k, v in probs.items() if round(v, digits) > 0}
    if not out:
        return {"close": 1.0}
    big = max(out, key=out.get)
    out[big] = round(1.0 - sum(v for k, v in out.items() if k != big), digits + 2)
    return out


def _unallocated_at(seq: pd.DataFrame, cases: CaseData, day: float) -> dict[str, int]:
    s, e = seq.s_start.to_numpy(dtype=float), seq.s_end.to_numpy(dtype=float)
    on = (s < day) & (np.isnan(e) | (e >= day))
    cur = seq[on].sort_values(["episode", "s_start"]).groupby("episode").tail(1)
    alloc = cases.episodes.set_index("episode").allocated
    cur = cur[~cur.episode.map(alloc).astype(bool)]
    counts = cur.stage.value_counts()
    return {st: int(counts.get(st, 0)) for st in STAGES}


def _fit_workforce(roster: Roster, template: Scenario, data: dict, w0: float, w1x: float,
                   fitted, from_template, assumed, seed: int):
    rows: list[Estimate] = []
    notes: list[str] = []
    has_dyn = "workforce" in type(template).model_fields
    nqsw_days = (template.workforce.asye_months if has_dyn else 12) * 30.4375
    academy_days = (template.academy.months if has_dyn else 12) * 30.4375
    w = roster.workers
    census = w1x - 1
    spells = type_spells(roster, nqsw_days, academy_days)

    # ---- caseloads at the census date (case holders in post)
    holders = in_post_at(roster, census)
    holders = holders[(holders.role == CASE_HOLDER_ROLE) & holders.cases30.notna()]
    pressure = {}
    if len(holders) >= 5:
        c = holders.cases30.to_numpy()
        per = c / holders.fte.to_numpy()
        p90 = lambda x: np.percentile(x, 90)  # noqa: E731
        for label, vals, unit in (("caseload.cases_held", c, "cases"),
                                  ("caseload.cases_per_fte", per, "cases per FTE")):
            rows.append(Estimate(f"{label}.mean", float(vals.mean()), *_bootstrap(vals, np.mean, seed=seed),
                                 len(vals), "mean of Cases30 over case holders in post at the census "
                                 f"date {to_date(census)} (bootstrap 95%)", unit))
            rows.append(Estimate(f"{label}.p90", float(p90(vals)), *_bootstrap(vals, p90, seed=seed),
                                 len(vals), "90th percentile (bootstrap 95%)", unit))
        # pressure: how far above their caps case holders are (the model's turnover is at cap)
        if "Team" in roster.columns:
            for wtype in WORKER_TYPES:
                sel = holders[[_type_at(r, census, nqsw_days, academy_days) == wtype
                               for r in holders.itertuples(index=False)]]
                sel = sel[sel.team.isin(list(template.teams))]
                if len(sel):
                    caps = np.array([_caps_for(template, t, wtype) for t in sel.team]) * sel.fte.to_numpy()
                    if wtype == "academy" and has_dyn:   # protected caseload ramping over the year
                        f0 = template.academy.caseload_start_pct / 100
                        frac = np.clip((census - sel.start.to_numpy()) / academy_days, 0, 1)
                        caps = caps * (f0 + (1 - f0) * frac)
                    over = np.where(caps > 0, np.maximum(sel.cases30.to_numpy() / np.where(caps > 0, caps, 1) - 1, 0), 0)
                    pressure[wtype] = float(over.mean())
    else:
        notes.append("caseloads not estimable: fewer than 5 case holders with Cases30 at the census date")

    # ---- turnover by type: leavers per FTE-year at risk in the window
    # the model's turnover applies to case-holding teams (the front door's staffing is fixed)
    fixed = [t for t, c in template.teams.items() if not c.case_holding]
    spells = spells[~spells.team.isin(fixed)]
    s0 = np.maximum(spells.start.to_numpy(dtype=float), w0)
    s1 = np.minimum(spells.end.fillna(np.inf).to_numpy(dtype=float), w1x)
    expo = np.clip(s1 - s0, 0, None) / YEAR * spells.fte.to_numpy()
    left_in = spells.left.to_numpy() & (spells.end.to_numpy(dtype=float) >= w0) & \
        (spells.end.to_numpy(dtype=float) < w1x) & (spells.reason.to_numpy() != "CON")
    effect = template.workforce.pressure_turnover_effect if has_dyn else 0.0
    turnover = {}
    for wtype in WORKER_TYPES:
        m = (spells.type == wtype).to_numpy()
        e = float(expo[m].sum())
        k = int(left_in[m].sum())
        if e < 1.0:
            continue
        rate, lo, hi = poisson_rate(k, e, float((spells.fte.to_numpy()[m] * left_in[m]).sum()))
        rows.append(Estimate(f"turnover.{wtype}.observed", 100 * rate, 100 * lo, 100 * hi, k,
                             f"leavers per 100 FTE-years at risk ({e:.1f} FTE-years; exact Poisson 95%)",
                             "% a year"))
        factor = 1 + effect * pressure.get(wtype, 0.0)
        conv = lambda h: 100 * (1 - math.exp(-h / factor))  # noqa: E731
        turnover[wtype] = (conv(rate), conv(lo), conv(hi), k)
        if wtype != "agency":
            rows.append(Estimate(f"workforce.turnover_pct_per_year.{wtype}", *turnover[wtype][:3], k,
                                 "observed rate / pressure factor (1 + effect x mean share above "
                                 f"cap = {factor:.3f}), as a yearly probability 100(1 - exp(-h))",
                                 "% a year", "workforce.turnover_pct_per_year"))
    if has_dyn:
        tp = dict(data["workforce"]["turnover_pct_per_year"])
        got = []
        for wtype in ("experienced", "nqsw", "academy"):
            if wtype in turnover and turnover[wtype][3] >= 3:
                tp[wtype] = round(min(turnover[wtype][0], 99.0), 2)
                got.append(f"{wtype} {tp[wtype]:.1f} ({turnover[wtype][3]} leavers)")
        agency_on = template.agency.enabled
        if not agency_on and "agency" in turnover and turnover["agency"][3] >= 3:
            tp["agency"] = round(min(turnover["agency"][0], 99.0), 2)
            got.append(f"agency {tp['agency']:.1f}")
        data["workforce"]["turnover_pct_per_year"] = tp
        if got:
            fitted("workforce.turnover_pct_per_year", "leavers per FTE-year by type, pressure-adjusted: "
                   + "; ".join(got) + ("" if len(got) == 4 else "; others from the template"))
        else:
            from_template("workforce.turnover_pct_per_year", "fewer than 3 leavers of each type")
    else:
        notes.append("the scenario has no workforce block: turnover is in the fit table only")

    # ---- agency assignments (the model's agency leaving is by tenure, not turnover)
    ag = w[w.type == "agency"]
    if len(ag):
        start = ag.start.to_numpy(dtype=float)
        end = ag.end.to_numpy(dtype=float)
        end = np.where(end >= w1x, np.nan, end)
        seen = (start < w1x) & (np.isnan(end) | (end >= w0))
        start, end = start[seen], end[seen]
        # cover released because a permanent worker or graduate arrived in the team that week is
        # not the end of an assignment: censored there (a competing risk)
        teams = ag.team.to_numpy()[seen]
        arrivals = spells[spells.type.isin(["experienced", "nqsw"])]
        released = np.zeros(len(end), dtype=bool)
        if "Team" in roster.columns:
            arr_by_team = {t: g.start.to_numpy() for t, g in arrivals.groupby("team")}
            for i in np.flatnonzero(~np.isnan(end)):
                a = arr_by_team.get(teams[i])
                if a is not None and np.any((a >= end[i] - 7) & (a <= end[i])):
                    released[i] = True
        cens_at = np.where(released, end, w1x)
        end = np.where(released, np.nan, end)
        ended = ~np.isnan(end)
        if ended.sum() >= MIN_EVENTS:
            dur = np.maximum(np.where(ended, end - start, cens_at - start), 0.5) / 7
            f = fit_lognormal(dur, ended, np.maximum(w0 - start, 0) / 7)
            ci = f.intervals(seed=seed)
            rows.append(Estimate("agency.tenure_weeks.mean", f.mean, *ci["mean"], f.n,
                                 "log-normal maximum likelihood, censored and truncated, of agency "
                                 "workers' time in post; cover released the week a permanent worker "
                                 "arrived is censored there", "weeks", "agency.tenure_weeks",
                                 f"{f.n_events} ended, {int(released.sum())} released"))
            rows.append(Estimate("agency.tenure_weeks.cv", f.cv, *ci["cv"], f.n,
                                 "log-normal maximum likelihood (as above)", "sd / mean", "agency.tenure_weeks"))
            if has_dyn:
                data["agency"]["tenure_weeks"] = {"dist": "lognormal", "mean": round(f.mean, 1),
                                                  "cv": round(min(f.cv, 10.0), 3)}
                fitted("agency.tenure_weeks", f"censored log-normal of {f.n} agency assignments "
                       f"({f.n_events} ended); mean 95% CI {ci['mean'][0]:.0f}-{ci['mean'][1]:.0f} weeks")
        elif has_dyn:
            from_template("agency.tenure_weeks", f"only {int(ended.sum())} agency assignments ended")

    # ---- vacancy gaps: a permanent leaver to the next permanent starter in the same team
    gaps = _vacancy_gaps(roster, w0, w1x)
    if gaps is not None and gaps[1].sum() >= 5:
        dur, ended = gaps
        f = fit_lognormal(np.maximum(dur, 0.5) / 7, ended)
        ci = f.intervals(seed=seed)
        rows.append(Estimate("vacancy_gap_weeks.mean", f.mean, *ci["mean"], f.n,
                             "leaver to the next permanent starter in the same team (first in, first "
                             "out), censored log-normal", "weeks", "",
                             f"{f.n_events} filled; not recruitment.time_to_hire_weeks (see docs)"))
        rows.append(Estimate("vacancy_gap_weeks.cv", f.cv, *ci["cv"], f.n, "as above", "sd / mean"))
    elif gaps is None:
        notes.append("vacancy gaps not estimable: the roster has no Team column")
    if has_dyn:
        from_template("recruitment.time_to_hire_weeks", "a roster shows when a post was filled, not "
                      "when the successful recruitment round was; the vacancy gap is in the fit table")

    # ---- staff in post at the start, establishment, recruitment, academy
    if has_dyn:
        _fit_staffing(roster, template, data, w0, w1x, nqsw_days, academy_days, rows, notes,
                      fitted, from_template, assumed)

    # ---- absence
    if "WorkingDaysLost" in roster.columns:
        lo_day = w1x - 365
        sel = w[w.days_lost.notna()]
        s0 = np.maximum(sel.start.to_numpy(dtype=float), lo_day)
        s1 = np.minimum(sel.end.fillna(np.inf).to_numpy(dtype=float), w1x)
        avail = np.clip(s1 - s0, 0, None) * (253 / 365.25) * sel.fte.to_numpy()
        ok = avail > 0
        if ok.sum() >= 5:
            lost, avail = sel.days_lost.to_numpy()[ok], avail[ok]
            total = 100 * lost.sum() / avail.sum()
            idx = np.arange(len(lost))
            lo_, hi_ = _bootstrap(idx, lambda i: 100 * lost[i.astype(int)].sum() / avail[i.astype(int)].sum(),
                                  seed=seed)
            rows.append(Estimate("absence.total_pct", total, lo_, hi_, int(ok.sum()),
                                 "WorkingDaysLost / working days in post (x FTE) in the 12 months to "
                                 "the census date (bootstrap 95%)", "%"))
            lta = 0.0
            if has_dyn:
                l = template.workforce.long_term_absence
                lta = l.starts_pct_per_year / 100 * l.duration_weeks.mean_value / (YEAR / 7) * 100
            short = max(total - lta, 0.0)
            rows.append(Estimate("working_time.absence_pct", short, max(lo_ - lta, 0), max(hi_ - lta, 0),
                                 int(ok.sum()), f"total absence less the template's long-term absence "
                                 f"({lta:.2f}%, simulated separately)", "%", "working_time.absence_pct"))
            data["working_time"]["absence_pct"] = round(short, 2)
            fitted("working_time.absence_pct", f"sickness absence {total:.2f}% less long-term absence "
                   f"{lta:.2f}% from the template")
        else:
            from_template("working_time.absence_pct", "too few workers with WorkingDaysLost")
    else:
        from_template("working_time.absence_pct", "no WorkingDaysLost column")
    return rows, notes


def _vacancy_gaps(roster: Roster, w0: float, w1x: float):
    """Gaps (days) from each permanent leaver in the window to the next permanent starter in the
    same team, matched first in, first out; unfilled gaps are censored at the window end."""
    if "Team" not in roster.columns:
        return None
    w = roster.workers
    perm = w[w.type.isin(["experienced", "nqsw"])]
    con_starts = set(zip(w[w.reason == "CON"].team, w[w.reason == "CON"].end))
    durs, ended = [], []
    for team, g in perm.groupby("team"):
        leavers = np.sort(g[(g.end >= w0) & (g.end < w1x) & (g.reason != "CON")].end.to_numpy())
        starters = np.sort([s for s in g[(g.start >= w0) & (g.start < w1x)].start.to_numpy()
                            if (team, s) not in con_starts])
        j = 0
        for t in leavers:
            while j < len(starters) and starters[j] < t:
                j += 1
            if j < len(starters):
                durs.append(starters[j] - t)
                ended.append(True)
                j += 1
            else:
                durs.append(w1x - t)
                ended.append(False)
    if not durs:
        return np.zeros(0), np.zeros(0, dtype=bool)
    return np.asarray(durs, dtype=float), np.asarray(ended, dtype=bool)


def _fit_staffing(roster: Roster, template: Scenario, data: dict, w0: float, w1x: float,
                  nqsw_days: float, academy_days: float, rows, notes, fitted, from_template, assumed):
    w = roster.workers
    spells = type_spells(roster, nqsw_days, academy_days)
    day = w1x
    now = in_post_at(roster, day)
    teams_known = set(template.teams)
    def keep_recruitment(why):
        for f in ("recruitment.success_pct", "recruitment.experienced_share_pct"):
            from_template(f, why)

    if "Team" not in roster.columns:
        for t in template.teams:
            from_template(f"teams.{t}.staff", "the roster has no Team column")
        keep_recruitment("vacancies need staff by team (no Team column)")
        return
    unknown = sorted(set(now.team) - teams_known)
    if unknown:
        notes.append(f"staff not mapped to teams: roster teams {unknown} are not in the template "
                     f"(teams: {sorted(teams_known)}); staff and establishment kept from the template")
        for t in template.teams:
            from_template(f"teams.{t}.staff", "roster team names do not match the template's")
        keep_recruitment("vacancies need staff by team (roster teams do not match the template's)")
        return
    groups = staff_groups(roster, template, day, since=w0)
    for tname, tcfg in template.teams.items():
        tw = now[now.team == tname]
        if tname not in groups:
            from_template(f"teams.{tname}.staff", "no worker of this team in post in the roster")
            notes.append(f"team {tname}: nobody in post in the roster at {to_date(day)}; kept the template's staff")
            continue
        staff, est, how = groups[tname]
        data["teams"][tname]["staff"] = staff
        data["teams"][tname]["establishment_fte"] = round(est, 1)
        rows.append(Estimate(f"teams.{tname}.establishment_fte", est, n=len(tw), method=how,
                             unit="FTE", scenario_field=f"teams.{tname}.establishment_fte"))
        rows.append(Estimate(f"teams.{tname}.staff_fte", float(tw.fte.sum()), n=len(tw),
                             method=f"FTE in post at the start of {to_date(day)}", unit="FTE",
                             scenario_field=f"teams.{tname}.staff"))
        fitted(f"teams.{tname}.staff", f"{len(tw)} workers in post at the start of {to_date(day)}")
        assumed(f"teams.{tname}.establishment_fte", how)
    # recruitment: success per advertised vacancy and the experienced share of appointments
    rec = template.recruitment
    perm_rows = w[w.type.isin(["experienced", "nqsw"]) & w.team.isin(
        [t for t, c in template.teams.items() if c.case_holding])]
    con = set(zip(w[w.reason == "CON"].team, w[w.reason == "CON"].end))
    hires = perm_rows[(perm_rows.start >= w0) & (perm_rows.start < w1x)]
    hires = hires[[(t, s) not in con for t, s in zip(hires.team, hires.start)]]
    k_exp = int((hires.type == "experienced").sum())
    if len(hires) >= 5:
        p, lo, hi = wilson(k_exp, len(hires))
        rows.append(Estimate("recruitment.experienced_share_pct", 100 * p, 100 * lo, 100 * hi, len(hires),
                             "share of permanent appointments who were experienced (Wilson 95%)", "%",
                             "recruitment.experienced_share_pct"))
        data["recruitment"]["experienced_share_pct"] = round(100 * p, 2)
        fitted("recruitment.experienced_share_pct", f"{k_exp} of {len(hires)} appointments experienced")
        # vacancy-rounds: weekly vacancies (establishment - permanent FTE - hires on their way)
        tth = rec.time_to_hire_weeks.mean_value * 7
        weeks = np.arange(w0, w1x, 7.0)
        vac_weeks = 0.0
        for tname, tcfg in template.teams.items():
            if not tcfg.case_holding:
                continue
            est = data["teams"][tname]["establishment_fte"]
            pt = spells[(spells.team == tname) & spells.type.isin(["experienced", "nqsw"])]
            st, en, fte = pt.start.to_numpy(), pt.end.fillna(np.inf).to_numpy(), pt.fte.to_numpy()
            th = hires[hires.team == tname].start.to_numpy()
            for t in weeks:
                inpost = fte[(st <= t) & (en > t)].sum()
                pipeline = np.sum((th > t) & (th <= t + tth))
                vac_weeks += max(math.floor(est - inpost - pipeline + 0.5), 0)
        rounds = vac_weeks / max(round(rec.round_interval_weeks), 1)
        if rounds >= 5:
            rate, lo, hi = poisson_rate(len(hires), rounds)
            rate, lo, hi = (min(x, 1.0) for x in (rate, lo, hi))
            rows.append(Estimate("recruitment.success_pct", 100 * rate, 100 * lo, 100 * hi, len(hires),
                                 f"appointments / vacancy-rounds advertised ({rounds:.0f}; a round every "
                                 f"{rec.round_interval_weeks:g} weeks, vacancies from the fitted "
                                 "establishment; exact Poisson 95%)", "%", "recruitment.success_pct"))
            data["recruitment"]["success_pct"] = round(100 * rate, 2)
            fitted("recruitment.success_pct", f"{len(hires)} appointments over {rounds:.0f} "
                   "vacancy-rounds (vacancies from the fitted establishment)")
        else:
            from_template("recruitment.success_pct", "too few vacancy-rounds in the window")
    else:
        from_template("recruitment.experienced_share_pct", "fewer than 5 permanent appointments")
        from_template("recruitment.success_pct", "fewer than 5 permanent appointments")
    # academy cohorts
    acad = w[(w.type == "academy") & (w.start >= w0) & (w.start < w1x)]
    years = (w1x - w0) / YEAR
    if len(acad) >= 2:
        per_year = len(acad) / years
        rate, lo, hi = poisson_rate(len(acad), years)
        month = int(pd.Series([to_date(x).month for x in acad.start]).mode().iloc[0])
        rows.append(Estimate("academy.intake_per_year", per_year, lo, hi, len(acad),
                             "academy trainees starting in the window a year (exact Poisson 95%)",
                             "trainees a year", "academy.intake_per_year"))
        data["academy"]["intake_per_year"] = int(round(per_year))
        data["academy"]["start_month"] = month
        data["academy"]["first_intake_date"] = None
        fitted("academy.intake_per_year", f"{len(acad)} trainees started in the window; cohorts in "
               f"month {month}")
    else:
        from_template("academy.intake_per_year", "fewer than 2 academy starters in the window")


# --------------------------------------------------------------------------------------------
# Writing a scenario with comments
# --------------------------------------------------------------------------------------------

def _scalar(v: Any) -> str:
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e15:
            return f"{int(v)}" if abs(v) >= 1 or v == 0 else repr(v)
        return repr(v)
    return yaml.safe_dump(v, default_flow_style=True, width=10 ** 9).strip().removesuffix("\n...").removesuffix("...").strip()


def _flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items() if x is not None) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def _small(v: Any) -> bool:
    if isinstance(v, dict):
        return len(v) <= 8 and all(not isinstance(x, (dict, list)) or _small(x) and not isinstance(x, dict)
                                   for x in v.values()) and len(_flow(v)) <= 90
    if isinstance(v, (list, tuple)):
        return all(not isinstance(x, (dict, list)) for x in v)
    return True


def scenario_yaml(data: dict, comments: dict[str, str], header: str = "") -> str:
    """YAML for a scenario with a comment on each field whose provenance is known."""
    lines = [f"# {h}" if h else "#" for h in header.splitlines()] if header else []

    def emit(node: dict, path: str, indent: int):
        pad = " " * indent
        for key, value in node.items():
            if value is None:
                continue            # every optional field defaults to None
            p = f"{path}.{key}" if path else str(key)
            c = comments.get(p)
            if c and len(c) > 70 and not (isinstance(value, (dict, list)) and not _small(value)):
                lines.append(f"{pad}# {c}")
                c = None
            tail = f"  # {c}" if c else ""
            if isinstance(value, dict):
                if not value:
                    lines.append(f"{pad}{key}: {{}}{tail}")
                elif _small(value) and path:
                    lines.append(f"{pad}{key}: {_flow(value)}{tail}")
                else:
                    lines.append(f"{pad}{key}:{tail}")
                    emit(value, p, indent + 2)
            elif isinstance(value, (list, tuple)):
                if not value:
                    lines.append(f"{pad}{key}: []{tail}")
                elif all(not isinstance(x, (dict, list)) for x in value):
                    lines.append(f"{pad}{key}: {_flow(value)}{tail}")
                else:
                    lines.append(f"{pad}{key}:{tail}")
                    for x in value:
                        if isinstance(x, dict) and _small(x):
                            lines.append(f"{pad}  - {_flow(x)}")
                        else:
                            sub = yaml.safe_dump([x], sort_keys=False, width=100)
                            lines.extend(pad + "  " + ln for ln in sub.splitlines())
            else:
                lines.append(f"{pad}{key}: {_scalar(value)}{tail}")

    emit(data, "", 0)
    text = "\n".join(lines) + "\n"
    # the text must load back to the same data
    assert yaml.safe_load(text) is not None
    return text
