"""The pressure responses and the work content, fitted from the workforce census's caseloads.

The model's workers fall sick and leave more as their *work pressure* (the work in front of them
over their hours) rises above 1 (``pressure.sickness_effect``, ``workforce.
pressure_turnover_effect``; see the validity issue). The returns do not record hours, but each
workforce census records, for every worker in post, her caseload (``Cases30``) and the working
days she lost to sickness in the 12 months before it (``WorkingDaysLost``); later censuses show
who left. Pooled over the censuses (one row a worker a census) they support three fits:

- **The model's pressure of a case.** A pilot simulation of the calibrated scenario gives its
  work pressure per case held per FTE (mean work pressure over mean caseload per FTE, weekly),
  ``k``. A worker holding ``c`` cases per FTE is then at pressure ``p = s k c``, where ``s`` scales
  the work content (1: the template's hours per case).
- **Sickness**: days lost ~ days in post x FTE x (a + b x), x = max(p - 1, 0): a Poisson GLM with
  an identity link (statsmodels; quasi-likelihood: sickness days come in spells, so their spread
  is wider than Poisson's and the interval uses the Pearson dispersion). The model's sickness
  response raises long-term absence starts by (1 + effect x); with long-term absence taking a
  share ``L`` of working time (the scenario's), b = L x effect, so effect = b / L, and the
  absence with no pressure (a - L) is the short-term absence.
- **Leaving**: whether she left in the 12 months after a census (not by conversion to another
  contract), over the years at risk: hazard a (1 + effect x), the same GLM.

and, jointly, **the work content** ``s``: the caseload above which sickness and leaving start to
rise locates where the work exceeds the hours. Its profile likelihood over a grid gives ``s`` and
a likelihood-ratio 95% interval. ``s`` is applied (every stage's hours of work scaled) only when
the interval excludes the template's 1 and lies inside the grid; otherwise the template's work
content is kept, and said so. Each value needs enough data (``MIN_*``); otherwise the template's
value is kept with the reason.

Cross-sectional associations are not causes: a worker with a high caseload may be more
experienced, and one about to leave may already have been given fewer cases. The fit table and
the scenario's comments say what each value rests on.
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..analysis.run import simulate
from ..errors import UserError
from ..model.workforce import PRESSURE_EFFECT_MAX_OVER
from ..scenario import WORKER_TYPES, Scenario, validate_scenario
from .derive import Draft, Estimate
from .derive_timeliness import (FACTOR_RANGE, PILOT_REPS, pilot_data, pilot_kpi,
                                scale_histogram)
from .estimators import YEAR, bootstrap_interval
from .extracts import CASE_HOLDER_ROLE, Roster, to_date
from .observe import has_workforce, next_role_after_move, type_at, type_change_days

MIN_ABSENCE = 5           # workers with WorkingDaysLost needed for absence
#: The largest sickness absence (% of working time) read from a roster: England's is about 3.2%
#: (domain.md); half of all working time lost is a roster's FTE or days in other units (FTE
#: 0.01 for 1 gave 597%, and a scenario the schema refused with no file named)
MAX_ABSENCE_PCT = 50.0
WORKING_DAYS_A_YEAR = 253
MIN_ROWS = 40            # worker-census rows with a caseload needed to fit a response
MIN_PRESSED = 10         # of them above pressure 1 at the template's work content
MIN_LEAVERS = 10         # leavers in the year after a census needed to fit the leaving response
#: the work-content scales profiled (a case's hours, relative to the template's)
S_GRID = np.round(np.exp(np.linspace(np.log(0.5), np.log(2.0), 29)), 4)
#: points of assessment timeliness the model may fall short by at a fitted work content (the
#: back-test's tolerance for a share)
TIMELINESS_MARGIN = 5.0


@dataclass
class Response:
    """One fitted response: base rate ``a``, slope ``b`` (per unit of pressure above 1), with
    their covariance; its ``deviance`` and dispersion (``scale``, 1 for Poisson) for the
    profile."""

    a: float
    b: float
    cov: np.ndarray
    deviance: float
    scale: float
    n: int
    events: float
    pressed: int


def _glm(y: np.ndarray, expo: np.ndarray, x: np.ndarray, quasi: bool) -> Response | None:
    """y ~ Poisson(expo (a + b x)), identity link; None when it cannot be fitted."""
    import statsmodels.api as sm
    X = np.column_stack([expo, expo * x])
    fam = sm.families.Poisson(link=sm.families.links.Identity())
    rate0 = max(y.sum() / max(expo.sum(), 1e-9), 1e-6)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            res = sm.GLM(y, X, family=fam).fit(start_params=[rate0, 0.0],
                                                scale="X2" if quasi else None, maxiter=200)
            a, b = (float(v) for v in res.params)
            cov = np.asarray(res.cov_params(), dtype=float)
            deviance = float(res.deviance)
            scale = float(res.scale) if quasi else 1.0
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            return None      # statsmodels could not fit these rows (said where it is used)
    if not (math.isfinite(a) and math.isfinite(b)) or a <= 0:
        return None
    if b < 0 or not math.isfinite(deviance):
        # rates do not fall with pressure in the model: the fit with no response (b = 0), its
        # interval from the free fit's spread
        a, b = rate0, 0.0
        with np.errstate(all="ignore"):
            deviance = float(fam.deviance(y, expo * a))
        if not math.isfinite(cov[1, 1]):
            cov = np.array([[a / max(expo.sum(), 1e-9), 0.0], [0.0, np.inf]])
    if not math.isfinite(scale) or scale <= 0:
        scale = 1.0
    return Response(a, b, cov, deviance, scale, len(y), float(y.sum()), int((x > 0).sum()))


def panel_rows(roster: Roster, w1x: float) -> pd.DataFrame:
    """The census rows the fits use: case holders (not agency) with a caseload and FTE, their
    sickness exposure and days lost in the 12 months before the census, and whether they left in
    the 12 months after it (with the years at risk, cut at the data's end)."""
    c = roster.census
    if c is None or c.empty:
        return pd.DataFrame()
    w = roster.workers
    rows = c[c.cases30.notna()].copy()
    rows = rows[rows.role.between(0, len(w) - 1)]
    rw = w.iloc[rows.role.to_numpy()]
    fte = rows.fte.fillna(pd.Series(rw.fte.to_numpy(), index=rows.index))
    keep = (~rw.agency.to_numpy()) & (rw.role.to_numpy() == CASE_HOLDER_ROLE) & (fte.to_numpy() > 0)
    rows, rw, fte = rows[keep], rw[keep], fte[keep]
    start = rw.start.to_numpy(dtype=float)
    end = rw.end.fillna(np.inf).to_numpy(dtype=float)
    census = rows.census.to_numpy(dtype=float)
    in_post = np.clip(census - np.maximum(start, census - YEAR), 0, YEAR)
    horizon = np.minimum(census + YEAR, w1x)
    at_risk = np.clip(np.minimum(end, horizon) - census, 0, None) / YEAR
    left = (end > census) & (end <= horizon) & (rw.reason.to_numpy() != "CON")
    return pd.DataFrame({
        "per_fte": rows.cases30.to_numpy() / fte.to_numpy(),
        "fte": fte.to_numpy(),
        "sick_expo": in_post / YEAR * WORKING_DAYS_A_YEAR * fte.to_numpy(),
        "days_lost": rows.days_lost.to_numpy(dtype=float),
        "at_risk": at_risk,
        "left": left.astype(float),
        "full_year": (horizon - census) >= YEAR - 1,
        "census": census,
    })


def fit_responses(rows: pd.DataFrame, k: float, s: float = 1.0):
    """(sickness, leaving) responses at work-content scale ``s`` (either None when it cannot be
    fitted from ``rows``)."""
    x = np.maximum(s * k * rows.per_fte.to_numpy() - 1.0, 0.0)
    sick = rows[rows.days_lost.notna() & (rows.sick_expo > 0)]
    xs = x[(rows.days_lost.notna() & (rows.sick_expo > 0)).to_numpy()]
    sickness = (_glm(sick.days_lost.to_numpy(), sick.sick_expo.to_numpy(), xs, quasi=True)
                if len(sick) else None)
    risk = (rows.at_risk > 0).to_numpy()
    leaving = (_glm(rows.left.to_numpy()[risk], rows.at_risk.to_numpy()[risk], x[risk], quasi=False)
               if risk.any() else None)
    return sickness, leaving


def _effect(r: Response, divide_by: float) -> tuple[float, float, float]:
    """effect = b / (a or L) with a delta-method 95% interval."""
    if divide_by > 0:       # b / L, L fixed
        e = r.b / divide_by
        se = math.sqrt(max(r.cov[1, 1], 0.0)) / divide_by
    else:                   # b / a
        e = r.b / r.a
        g = np.array([-r.b / r.a ** 2, 1 / r.a])
        se = math.sqrt(max(float(g @ r.cov @ g), 0.0))
    return e, e - 1.96 * se, e + 1.96 * se


def profile_work_content(rows: pd.DataFrame, k: float, grid: np.ndarray = S_GRID):
    """The work-content scale by profile likelihood: (best s, lower, upper, deviances), or None
    when the responses cannot be fitted at every s. The interval is where the summed deviance
    (the sickness days' over their dispersion at s = 1) is within the chi-squared(1) 95% point
    of its minimum."""
    fits = [fit_responses(rows, k, float(s)) for s in grid]
    # the responses fitted at the template's scale (s = 1) must be fitted at every scale
    # compared (elsewhere the scale is ruled out), with one dispersion for the sickness days,
    # the template's, so that the deviances compare
    ref = fits[int(np.argmin(np.abs(np.log(grid))))]
    need = [j for j, r in enumerate(ref) if r is not None]
    if not need:
        return None
    phi = {j: ref[j].scale for j in need}
    dev = np.asarray([sum(f[j].deviance / phi[j] for j in need)
                      if all(f[j] is not None for j in need) else np.inf for f in fits])
    if not np.isfinite(dev).any():
        return None
    i = int(np.argmin(dev))
    inside = grid[dev <= dev[i] + stats.chi2.ppf(0.95, 1)]
    return float(grid[i]), float(inside.min()), float(inside.max()), dev


def pressure_per_case(scenario_data: dict, seed: int) -> float:
    """The model's work pressure per case held per FTE: a pilot year of the calibrated scenario,
    mean work pressure over mean caseload per FTE (weekly)."""
    sc = validate_scenario(dict(scenario_data, horizon_years=1.0), source="<pilot simulation>")
    ts = simulate(sc, seed=seed).timeseries
    c = float(ts.caseload_per_fte.mean())
    p = float(ts.work_pressure_mean.mean())
    return p / c if c > 0 and math.isfinite(p) else math.nan


def _scale_dist(dist: dict, s: float) -> bool:
    """Scale a distribution given as plain data in place (its mean or value, or its range)."""
    done = False
    for key in ("mean", "value", "low", "high", "mode", "median"):
        if isinstance(dist.get(key), (int, float)):
            dist[key] = dist[key] * s
            done = True
    if isinstance(dist.get("edges"), list):
        dist["edges"] = [e * s for e in dist["edges"]]
        done = True
    return done


def scale_work_content(data: dict, s: float) -> list[str]:
    """Every stage's hours of work (task hours, ongoing hours a week, visit hours) times ``s``;
    returns the fields scaled."""
    out = []
    for name, st in data.get("stages", {}).items():
        if isinstance(st.get("work_hours"), dict) and _scale_dist(st["work_hours"], s):
            out.append(f"stages.{name}.work_hours")
        if st.get("ongoing_hours_per_week"):
            st["ongoing_hours_per_week"] = round(min(st["ongoing_hours_per_week"] * s, 40.0), 4)
            out.append(f"stages.{name}.ongoing_hours_per_week")
        v = st.get("visits")
        if isinstance(v, dict) and isinstance(v.get("hours"), dict) and _scale_dist(v["hours"], s):
            out.append(f"stages.{name}.visits.hours")
    return out


def _keep_work_content(d: Draft, why: str) -> None:
    """Say on every stage's hours of work why the template's are kept."""
    for name, st in d.data.get("stages", {}).items():
        for f in ("work_hours", "ongoing_hours_per_week"):
            if st.get(f):
                path = f"stages.{name}.{f}"
                old = d.provenance.get(path, "")
                if old.startswith("from"):
                    d.provenance[path] = f"{old}; {why}"
                elif not old:
                    d.from_template(path, why)


def _timeliness_allows(data: dict, s: float, seed: int) -> float:
    """The best assessment timeliness the model reaches with the work content scaled by ``s``:
    pilot simulations with the assessment's elapsed time at its shortest scale."""
    trial = copy.deepcopy(data)
    scale_work_content(trial, s)
    el = trial["stages"]["assessment"].get("elapsed_wd")
    if isinstance(el, dict) and el.get("dist") == "histogram":
        trial["stages"]["assessment"]["elapsed_wd"] = scale_histogram(el, FACTOR_RANGE[0])
    return pilot_kpi(trial, "assessment_within_45wd_pct", PILOT_REPS, seed)


# --------------------------------------------------------------------------------------------
# The pressure that divides the observed turnover (:func:`.derive_workforce.derive_turnover`)
# --------------------------------------------------------------------------------------------

def work_pressure_over(d: Draft, holders: pd.DataFrame | None, template: Scenario,
                       census: float) -> dict[str, float]:
    """By worker type, the mean work pressure above 1 (at most the model's
    ``PRESSURE_EFFECT_MAX_OVER``) the model would give the case holders in post at the census
    date (``holders``, from :func:`.derive_workforce.derive_caseloads`), and under ``per_case`` the pressure of a
    case per FTE it rests on (:func:`pressure_of_a_case`); empty without holders, a Team column
    or a pressure effect.

    The model's leaving rises with work pressure (the work in front of a worker over her hours),
    not with her caseload against a cap. Before, the share of Cases30 above the caps stood for
    it: at caseloads a little above the caps but work within the hours (the model's pressure
    0.73), a true experienced turnover of 15% was fitted as 9.7% [7.2-12.8] (observed 13.6%)."""
    pressure: dict[str, float] = {}
    if holders is None or "team" not in holders.columns or not has_workforce(template) \
            or not template.workforce.pressure_turnover_effect:
        return pressure
    k = pressure_of_a_case(d.data.get("initial", {}).get("open_cases") or {}, template)
    if not k > 0:
        return pressure
    pressure["per_case"] = k
    nqsw_days, academy_days = type_change_days(template)
    for wtype in WORKER_TYPES:
        sel = holders[np.fromiter((type_at(r, census, nqsw_days, academy_days) == wtype
                                   for r in holders.itertuples(index=False)), dtype=bool)]
        sel = sel[sel.team.isin(list(template.teams))]
        if not len(sel):
            continue
        work = k * sel.cases30.to_numpy() / sel.fte.to_numpy()
        over = np.clip(work - 1.0, 0.0, PRESSURE_EFFECT_MAX_OVER)
        pressure[wtype] = float(over.mean())
    return pressure


def pressure_of_a_case(open_cases: dict, template: Scenario) -> float:
    """The model's work pressure of one case per FTE: a case's weekly hours, averaged over the
    open cases' stages (the data's), over an FTE's weekly casework hours (the model's
    ``Workload.work_ratio``: a plan's ongoing hours a week; a task's too, and the half of its
    work left on average spread over ``pressure.backlog_weeks``). Worked out from the scenario,
    not simulated, so that it does not move with the random path of a pilot (a move of one
    worker between teams changed a pilot's by 3%). NaN without open cases."""
    wt = template.working_time
    hours = wt.hours_per_fte_week * wt.case_time_pct / 100 * (1 - wt.absence_pct / 100)
    backlog = template.pressure.backlog_weeks
    total = n = 0.0
    for stage, cfg in template.stages.items():
        k = float(open_cases.get(stage, 0) or 0)
        h = cfg.ongoing_hours_per_week or 0.0
        if cfg.kind == "task" and cfg.work_hours is not None:
            h += cfg.work_hours.mean_value / 2 / backlog
        total += k * h
        n += k
    return total / n / hours if n > 0 and hours > 0 else math.nan


def derive_pressure(d: Draft, roster: Roster, template: Scenario, w1x: float, seed: int = 0,
                    timeliness: float = math.nan) -> None:
    """Fit the sickness and leaving responses to work pressure, and the work content where the
    data locate it, from the workforce censuses (see the module's docstring).

    ``timeliness`` is the authority's observed share of assessments within 45 working days (the
    window's last 12 months). More work per case than the template's is applied only if the model
    can still reach it (within :data:`TIMELINESS_MARGIN` points) with the shortest elapsed time
    the calibration tries: the censuses and the timeliness must agree on the work content."""
    fields = ("pressure.sickness_effect", "workforce.pressure_turnover_effect")
    if "workforce" not in d.data or "pressure" not in d.data:
        return
    rows = panel_rows(roster, w1x)
    n = len(rows)
    if n < MIN_ROWS:
        why = (f"{n} worker-census rows with Cases30 (case holders, not agency); the responses "
               f"need at least {MIN_ROWS}" if roster.census is not None else
               "one census only (a flat extract): the responses need the censuses of several years")
        for f in fields:
            d.from_template(f, why)
        _keep_work_content(d, why)
        return
    k = pressure_per_case(d.data, seed)
    if not k > 0:
        for f in fields:
            d.from_template(f, "the pilot simulation held no cases")
        return
    span = f"{n} worker-census rows, censuses {to_date(rows.census.min())} to {to_date(rows.census.max())}"
    d.add(Estimate("pressure.per_case_per_fte", k, n=1, method="pilot simulation of a year: mean "
                   "work pressure / mean caseload per FTE", unit="pressure per case"))
    s = 1.0
    prof = profile_work_content(rows, k)
    if prof is not None:
        best, lo, hi, _ = prof
        d.add(Estimate("work_content.scale", best, lo, hi, n, "profile likelihood of the sickness "
                       "and leaving responses over the scale of a case's hours (likelihood-ratio "
                       "95%)", "x template"))
        located = lo > S_GRID[0] and hi < S_GRID[-1] and not (lo <= 1.0 <= hi)
        if located and best > 1.0 and timeliness == timeliness:
            # the pilots run the demand of the year whose timeliness they are held to
            reach = _timeliness_allows(pilot_data(d), best, seed)
            if reach < timeliness - TIMELINESS_MARGIN:
                located = False
                d.notes.append(
                    f"work content: the censuses place it at {best:.2f} x the template's (95% "
                    f"{lo:.2f}-{hi:.2f}), but with that much work the model reaches at best "
                    f"{reach:.1f}% of assessments within 45 working days against the "
                    f"{timeliness:.1f}% observed; the two disagree, so the template's work "
                    "content is kept and the responses are fitted at it")
                _keep_work_content(d, f"the censuses' {best:.2f} x would make the model miss the "
                                   f"observed timeliness ({reach:.1f}% at best against "
                                   f"{timeliness:.1f}%)")
        if located:
            s = best
            scaled = scale_work_content(d.data, s)
            for f in scaled:
                d.fitted(f, f"the template's hours x {s:.2f}: where sickness and leaving start to "
                         f"rise with caseload ({span}; 95% {lo:.2f}-{hi:.2f})")
        elif lo <= 1.0 <= hi or lo <= S_GRID[0] or hi >= S_GRID[-1]:
            _keep_work_content(d, f"the censuses do not locate the work content (its scale, "
                               f"95% {lo:.2f}-{hi:.2f} x the template's, includes 1 or a limit "
                               f"of {S_GRID[0]}-{S_GRID[-1]})")
    else:
        _keep_work_content(d, "neither response could be fitted at every work-content scale")
    sick, leave = fit_responses(rows, k, s)
    lta = long_term_absence_share(template)
    # with a fitted work content, each interval covers every scale the data allow (the delta
    # method's alone is conditional on s, and too narrow)
    allowed = [float(g) for g in S_GRID if prof is not None and prof[1] <= g <= prof[2]] \
        if s != 1.0 else []
    _apply(d, "pressure.sickness_effect", sick, lta, span,
           "WorkingDaysLost in the 12 months to each census against the worker's pressure at it "
           f"(quasi-Poisson GLM, identity link; long-term absence share {100 * lta:.2f}%)",
           ("pressure", "sickness_effect"), "days lost",
           widened_interval(rows, k, allowed, 0, lta) if allowed else None)
    if sick is not None and lta > 0 and sick.pressed >= MIN_PRESSED:
        short = max(100 * sick.a - 100 * lta, 0.0)
        d.add(Estimate("working_time.absence_pct.no_pressure", short, n=sick.n,
                       method="sickness absence with no pressure (a of the GLM) less long-term "
                       "absence", unit="%", scenario_field="working_time.absence_pct"))
        d.data["working_time"]["absence_pct"] = round(short, 2)
        d.fitted("working_time.absence_pct", f"sickness absence with no work pressure "
                 f"{100 * sick.a:.2f}% less long-term absence {100 * lta:.2f}% ({span})")
    if leave is not None and leave.events < MIN_LEAVERS:
        d.from_template(fields[1], f"{int(leave.events)} leavers in the year after a census (needs "
                        f"{MIN_LEAVERS})")
    else:
        _apply(d, fields[1], leave, 0.0, span, "leaving in the 12 months after each census "
               "against the worker's pressure at it (Poisson GLM, identity link, years at risk)",
               ("workforce", "pressure_turnover_effect"), "leavers",
               widened_interval(rows, k, allowed, 1, 0.0) if allowed else None)


def widened_interval(rows: pd.DataFrame, k: float, scales: list[float], which: int,
                     divide_by: float) -> tuple[float, float]:
    """The union of a response's delta-method 95% intervals over the work-content ``scales``
    (``which``: 0 sickness, 1 leaving): an interval that carries the uncertainty of s too."""
    lo, hi = math.inf, -math.inf
    for sc in scales:
        r = fit_responses(rows, k, sc)[which]
        if r is not None:
            _, a, b = _effect(r, divide_by)
            lo, hi = min(lo, a), max(hi, b)
    return lo, hi


def _apply(d: Draft, field: str, r: Response | None, divide_by: float, span: str, method: str,
           path: tuple[str, str], what: str,
           widened: tuple[float, float] | None = None) -> None:
    if r is None:
        d.from_template(field, f"the GLM of {what} could not be fitted ({span})")
        return
    if r.pressed < MIN_PRESSED:
        d.from_template(field, f"{r.pressed} worker-census rows above pressure 1 (needs "
                        f"{MIN_PRESSED}): the data cannot show a response ({span})")
        return
    e, lo, hi = _effect(r, divide_by)
    how = " (delta method 95%)"
    if widened is not None and math.isfinite(widened[0]):
        lo, hi = min(lo, widened[0]), max(hi, widened[1])
        how = " (delta method 95%, widened over the work-content scales the data allow)"
    else:
        how = " (delta method 95%, given the work content)"
    d.add(Estimate(field, e, lo, hi, r.n, method + how, "x per unit of pressure",
                   field, f"{int(r.events)} {what}; {r.pressed} rows above pressure 1"))
    value = float(np.clip(e, 0.0, 20.0))
    d.data[path[0]][path[1]] = round(value, 3)
    d.fitted(field, f"{value:.2f} (95% {max(lo, 0.0):.2f} to {hi:.2f}"
             f"{'; capped at the schema limit 20' if e > 20 else ''}) from {method}; {span}")


def long_term_absence_share(template: Scenario) -> float:
    """The share of working time the template's long-term absence takes (starts a year x mean
    weeks, over a year's weeks); 0 without a workforce block."""
    if not has_workforce(template):
        return 0.0
    lt = template.workforce.long_term_absence
    return lt.starts_pct_per_year / 100 * lt.duration_weeks.mean_value / (YEAR / 7)


def derive_absence(d: Draft, roster: Roster, template: Scenario, w1x: float, seed: int = 0) -> None:
    """Short-term absence: sickness absence less the template's long-term absence (simulated
    separately)."""
    if "WorkingDaysLost" not in roster.columns:
        d.from_template("working_time.absence_pct", "no WorkingDaysLost column")
        return
    w = roster.workers
    lo_day = w1x - 365
    s0 = np.maximum(w.start.to_numpy(dtype=float), lo_day)
    s1 = np.minimum(w.end.fillna(np.inf).to_numpy(dtype=float), w1x)
    avail = np.clip(s1 - s0, 0, None) * (WORKING_DAYS_A_YEAR / YEAR) * w.fte.to_numpy()
    # a role without WorkingDaysLost that the worker moved on from within the authority: her
    # days lost are those given on her next role (the one in post at the census), which counts
    # her time in both
    nxt, has = next_role_after_move(w), w.days_lost.notna().to_numpy()
    for i in np.argsort(w.start.to_numpy(dtype=float), kind="stable"):
        if not has[i] and nxt[i] >= 0:
            avail[nxt[i]] += avail[i]
    sel, avail = w[has], avail[has]
    ok = avail > 0
    if ok.sum() < MIN_ABSENCE:
        d.from_template("working_time.absence_pct", "too few workers with WorkingDaysLost")
        return
    lost, avail = sel.days_lost.to_numpy()[ok], avail[ok]
    order = np.lexsort((avail, lost))     # the interval depends on the values, not their order
    lost, avail = lost[order], avail[order]
    total = 100 * lost.sum() / avail.sum()
    if total > MAX_ABSENCE_PCT:
        raise UserError(
            f"{roster.source}, columns WorkingDaysLost and FTE: the days lost are {total:,.0f}% "
            "of the working days in post (x FTE) in the 12 months to the census date "
            f"{to_date(w1x - 1)}; a service loses about 3% to sickness (England), and more "
            f"than {MAX_ABSENCE_PCT:g}% is not a working service. Is FTE a share of full time "
            "(1 = full time, 0.5 = half time), and WorkingDaysLost in days, not hours?")
    idx = np.arange(len(lost))
    lo_, hi_ = bootstrap_interval(idx, lambda i: 100 * lost[i.astype(int)].sum() / avail[i.astype(int)].sum(),
                                  seed=seed)
    d.add(Estimate("absence.total_pct", total, lo_, hi_, int(ok.sum()),
                   "WorkingDaysLost / working days in post (x FTE) in the 12 months to the census "
                   "date (bootstrap 95%)", "%"))
    lta = 100 * long_term_absence_share(template)
    short = max(total - lta, 0.0)
    d.add(Estimate("working_time.absence_pct", short, max(lo_ - lta, 0), max(hi_ - lta, 0),
                   int(ok.sum()), f"total absence less the template's long-term absence "
                   f"({lta:.2f}%, simulated separately)", "%", "working_time.absence_pct"))
    d.data["working_time"]["absence_pct"] = round(short, 2)
    d.fitted("working_time.absence_pct", f"sickness absence {total:.2f}% less long-term absence "
             f"{lta:.2f}% from the template")
