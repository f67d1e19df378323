"""Deriving scenario values from what the estimators found: the case side.

A :class:`Draft` is a calibration in progress: the template's data being overwritten field by
field, one fit-table row (:class:`Estimate`) per estimate, and a provenance comment per field
(fitted, assumed, or from the template, with the reason). Each ``derive_*`` function fills one
part of it: demand, the front door, re-referrals, each stage's outcomes and durations, and the
cases open at the start. The workforce's are in :mod:`.derive_workforce`.

A value is fitted only when the extracts hold enough of it (the ``MIN_*`` thresholds); otherwise
the template's value stays and its comment says why.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..scenario import Scenario
from .estimators import DemandFit, bootstrap_interval, fit_lengths, fit_referrals, wilson
from .extracts import CaseData, to_date
from .extracts.layouts import PLAN_STAGE_COLUMNS, STAGE_COLUMNS
from .observe import (open_cases_at, open_cases_episodes, plan_durations, stage_outcomes,
                      unallocated_at)
from .plausibility import check_window
from .product_limit import restricted_mean

MIN_REFERRALS = 20        # fewer referrals in the window: keep the template's demand
MIN_TRANSITIONS = 20      # fewer observed outcomes of a stage: keep the template's pathway
MIN_EVENTS = 10           # fewer ended plans: keep the template's duration
#: Whole months of referrals the window must hold for the fitted referral trend to be written
#: into the scenario (it compounds over the run): from a shorter window it is too uncertain.
#: Four windows of 12-19 months of a synthetic authority with a true trend of 4% a year gave
#: 3.5% [-6.0, 14.0], 1.7% [-9.8, 14.7], 7.5% [1.5, 13.9], once +19.4%: +19.4% compounds to
#: 2.4 times the referrals over a 5-year run. Shorter, the template's trend is kept and the fitted
#: one reported beside it.
MIN_TREND_MONTHS = 24
#: a written trend whose 95% range is wider than this (points) gets a note: eight synthetic
#: authorities with a true 4% a year, two years each, fitted 4.2 on average (sd 4.4), ranges
#: 12 to 20 points wide; one fitted 10.1 [0, 20.5], its start rate 5% high
WIDE_TREND_POINTS = 10.0
#: A plan's length in days when it ends the day it starts (:func:`.observe.plan_durations`)
SAME_DAY = 0.5
#: The largest spread (cv) and mean (days) of a plan's fitted length: plans of a day beside plans
#: of months fit a log-normal of huge spread, whose mean (half of a small authority's CP plans
#: ending the day after they start: 1,598 days for 319, all of them 205,155 days) the model
#: would draw plans of centuries from. Real plans' cv is about 1 (the sample's 0.5 to 1.2)
MAX_PLAN_CV = 5.0
MAX_PLAN_MEAN_DAYS = 36_525.0
#: Each plan stage's start and end columns in the case extract
PLAN_DATES = {stage: (c0, c1) for stage, c0, c1 in STAGE_COLUMNS if stage in PLAN_STAGE_COLUMNS}
PLAN_DATES["cin_disability"] = PLAN_DATES["cin"]
MAX_CV = 10.0             # a fitted duration's coefficient of variation is capped here
MIN_CV = 0.001            # and kept above 0 (durations all alike, e.g. support to a birthday)


# --------------------------------------------------------------------------------------------
# The fit table and the draft scenario
# --------------------------------------------------------------------------------------------

@dataclass
class Estimate:
    """One fitted value with its 95% interval (one row of the fit table)."""

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


@dataclass
class Draft:
    """A calibration in progress (see the module's docstring)."""

    data: dict                    # the scenario as plain data, template values overwritten
    window: str                   # "YYYY-MM-DD to YYYY-MM-DD", quoted in fitted comments
    template_name: str
    rows: list[Estimate] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: what a later step fits again (the turnover, once the pressure effect is fitted), by name
    later: dict = field(default_factory=dict)

    def add(self, *estimates: Estimate) -> None:
        self.rows.extend(estimates)

    def fitted(self, path: str, comment: str) -> None:
        self.provenance[path] = f"fitted ({self.window}): {comment}"

    def from_template(self, path: str, why: str) -> None:
        self.provenance[path] = f"from {self.template_name}: {why}"

    def assumed(self, path: str, how: str) -> None:
        self.provenance[path] = f"assumed (not in the extracts): {how}"

    def table(self) -> pd.DataFrame:
        """The fit table: one row per estimate (aggregates only)."""
        return pd.DataFrame([r.__dict__ for r in self.rows], columns=FIT_COLUMNS)


def lognormal_field(f) -> dict:
    """A fitted log-normal as a scenario distribution (mean rounded, cv within MIN_CV-MAX_CV: a
    log-normal needs a spread above 0, and rounding could make it 0)."""
    return {"dist": "lognormal", "mean": round(f.mean, 1),
            "cv": max(round(min(f.cv, MAX_CV), 3), MIN_CV)}


def round_probs(probs: dict[str, float], digits: int = 4) -> dict[str, float]:
    """Probabilities rounded to ``digits`` that still sum to one (the largest takes the rest)."""
    out = {k: round(v, digits) for k, v in probs.items() if round(v, digits) > 0}
    if not out:
        return {"close": 1.0}
    big = max(out, key=out.get)
    out[big] = round(1.0 - sum(v for k, v in out.items() if k != big), digits + 2)
    return out


def referred_in(cases: CaseData, w0: float, w1x: float) -> pd.DataFrame:
    """The episodes whose referral falls in the window."""
    eps = cases.episodes
    return eps[(eps.referral >= w0) & (eps.referral < w1x)]


# --------------------------------------------------------------------------------------------
# Demand, front door, re-referrals
# --------------------------------------------------------------------------------------------

def derive_demand(d: Draft, cases: CaseData, template: Scenario, w0: float, w1x: float,
                  seed: int = 0) -> DemandFit | None:
    """Referral rate at the scenario start, trend and seasonality (Poisson GLM). A window too
    short to fit anything from is refused first (:func:`.plausibility.check_window`)."""
    check_window(cases.source, w0, w1x)
    demand = None
    if len(referred_in(cases, w0, w1x)) >= MIN_REFERRALS:
        fitted = demand = fit_referrals(cases, w0, w1x, template, seed=seed)
        if demand.trend_pct() is not None and whole_months(w0, w1x) < MIN_TREND_MONTHS:
            # the trend is not written (too uncertain to compound): the rate is the window's
            # with the template's trend, not the rate at the window's end on the fitted trend
            # (15% a year fitted over 12 months put a year of 1,060 referrals at 1,137 a year,
            # held flat: the back-test's forecast 10% high)
            demand = fit_referrals(cases, w0, w1x, template, seed=seed, fit_trend=False)
        r, lo, hi = demand.referrals_per_year(w1x)
        d.add(Estimate("demand.referrals_per_year", r, lo, hi, demand.n_referrals,
                       f"Poisson log-linear fit on monthly counts ({demand.mode}); rate at the "
                       "scenario start, seasonally averaged" + ("" if demand is fitted else
                       f", on the template's trend ({template.demand.trend_pct_per_year:g}% a "
                       "year), as the fitted one is not written"), "children a year",
                       "demand.referrals_per_year", f"over-dispersion {demand.dispersion:.2f}"))
        d.data["demand"]["referrals_per_year"] = round(r, 1)
        d.fitted("demand.referrals_per_year", f"Poisson GLM on {demand.n_referrals:,} referrals in "
                 f"{len(demand.counts)} months, rate at {to_date(w1x)}; 95% CI {lo:,.0f}-{hi:,.0f}")
        _derive_trend(d, fitted, template, w0, w1x)
        se = fitted.seasonality()
        if se is not None:
            for k, (e, lo_, hi_) in enumerate(se):
                d.add(Estimate(f"demand.seasonality[{dt.date(2000, k + 1, 1):%b}]", e, lo_, hi_,
                               demand.n_referrals, "Poisson log-linear fit, month effect "
                               "normalised to mean 1", "multiplier", "demand.seasonality"))
            d.data["demand"]["seasonality"] = [round(x[0], 3) for x in se]
            d.fitted("demand.seasonality", "month effects of the Poisson GLM, Jan..Dec, mean 1")
        else:
            d.from_template("demand.seasonality", "needs 24 months of referrals to fit month effects")
        if d.data["demand"].get("surges"):
            d.data["demand"]["surges"] = []
            d.notes.append("the template's demand surges were dropped: they described its own period")
    else:
        for p in ("referrals_per_year", "trend_pct_per_year", "seasonality"):
            d.from_template(f"demand.{p}", f"fewer than {MIN_REFERRALS} referrals in the window")
    d.from_template("demand.sibling_group_probs", "the extracts do not link siblings")
    return demand


def whole_months(w0: float, w1x: float) -> int:
    """The whole calendar months from the window's first day to the day after its last
    (``w1x``): 2021-04-01 to 2023-03-31 holds 24, 2021-04-15 to 2023-04-13 holds 23."""
    d0, d1 = pd.Timestamp(to_date(w0)), pd.Timestamp(to_date(w1x))
    n = (d1.year - d0.year) * 12 + d1.month - d0.month
    return n - (d0 + pd.DateOffset(months=n) > d1)


def _derive_trend(d: Draft, demand: DemandFit, template: Scenario, w0: float, w1x: float) -> None:
    """The referral trend: fitted from 12 months on, written into the scenario only from
    :data:`MIN_TREND_MONTHS` whole months on; shorter, the template's is kept and the fitted one
    (with its 95% range) is reported in the fit table, the comment and a note, saying why."""
    tr = demand.trend_pct()
    if tr is None:
        d.from_template("demand.trend_pct_per_year", "window shorter than 12 months")
        return
    months = whole_months(w0, w1x)
    method = "Poisson log-linear fit: 100 x (exp(slope) - 1)"
    if months >= MIN_TREND_MONTHS:
        d.add(Estimate("demand.trend_pct_per_year", *tr, demand.n_referrals, method, "% a year",
                       "demand.trend_pct_per_year"))
        d.data["demand"]["trend_pct_per_year"] = round(float(np.clip(tr[0], -50, 100)), 2)
        d.fitted("demand.trend_pct_per_year", f"95% CI {tr[1]:.1f} to {tr[2]:.1f}")
        if tr[2] - tr[1] > WIDE_TREND_POINTS:
            r = d.data["demand"]["referrals_per_year"]
            lo, hi = (f"{x:.1f}".replace("-0.0", "0.0") for x in tr[1:])
            d.notes.append(
                f"demand (the referral rate and trend): the trend fitted {tr[0]:.1f}% a year "
                f"has a 95% range of {lo}% to {hi}% ({months} months of referrals): the data "
                f"cannot tell a trend of {lo}% a year from one of {hi}%, "
                f"and the rate written for the start ({r:,.0f} a year) is the fitted curve's at "
                "the window's end, on that trend. Near its staff's capacity a service's work "
                "pressure rises steeply with referrals (a synthetic authority with 5% more "
                "referrals had twice the children waiting for a worker), so run the scenario at "
                "the ends of the ranges (demand.referrals_per_year, demand.trend_pct_per_year) "
                "before relying on its pressure")
        return
    kept = template.demand.trend_pct_per_year
    fitted = (f"fitted {tr[0]:.1f}% a year, 95% range {tr[1]:.1f}% to {tr[2]:.1f}%, from "
              f"{months} whole months of referrals")
    why = (f"fewer than {MIN_TREND_MONTHS} months: the template's {kept:g}% kept ({fitted}: too "
           "uncertain to compound over a run)")
    d.add(Estimate("demand.trend_pct_per_year", *tr, demand.n_referrals, method, "% a year", "",
                   f"not used: {why}"))
    d.from_template("demand.trend_pct_per_year", why)
    d.notes.append(f"demand.trend_pct_per_year: the referral trend {fitted}, is not written into "
                   f"the scenario: a trend needs at least {MIN_TREND_MONTHS} whole months of "
                   f"referrals to be compounded over a run; the template's {kept:g}% a year is "
                   f"kept (a data window of {MIN_TREND_MONTHS} months or more fits it)")


def derive_front_door(d: Draft, cases: CaseData, template: Scenario, w0: float, w1x: float) -> None:
    """The share of referrals closed with no further action at the front door."""
    # The decision is made for a family: brothers and sisters referred together share it, so the
    # children are not independent trials. The extracts do not link siblings, so the interval
    # uses the effective sample size n / deff, with the design effect deff = E[m^2] / E[m] of the
    # template's sibling groups (each child's decision is shared with the m - 1 others in her
    # group).
    in_win = referred_in(cases, w0, w1x)
    k = int(in_win.nfa.sum())
    sizes = np.arange(1, len(template.demand.sibling_group_probs) + 1)
    probs = np.asarray(template.demand.sibling_group_probs, dtype=float)
    deff = float((probs * sizes ** 2).sum() / (probs * sizes).sum())
    p, lo, hi = wilson(k / deff, len(in_win) / deff)
    if len(in_win) >= MIN_REFERRALS:
        d.add(Estimate("front_door.nfa_pct", 100 * p, 100 * lo, 100 * hi, len(in_win),
                       "share of referrals in the window with ReferralNFA = 1 (Wilson 95% on the "
                       f"effective sample size, sibling design effect {deff:.2f})", "%",
                       "front_door.nfa_pct"))
        d.data["front_door"]["nfa_pct"] = round(100 * p, 2)
        d.fitted("front_door.nfa_pct", f"{k:,} of {len(in_win):,} referrals; 95% CI "
                 f"{100 * lo:.1f}-{100 * hi:.1f}")
    else:
        d.from_template("front_door.nfa_pct", f"fewer than {MIN_REFERRALS} referrals in the window")


def derive_rereferrals(d: Draft, cases: CaseData, w0: float, w1x: float) -> None:
    """The chance that a closed case is referred again within 12 months (as the model uses it)."""
    eps = cases.episodes
    closed = eps[eps.closure.notna()]
    base_cl = closed[(closed.closure >= w0) & (closed.closure < w1x - 365)]
    if len(base_cl) >= MIN_REFERRALS:
        later = eps[["episode", "child", "referral"]].rename(
            columns={"referral": "again", "episode": "other"})
        m = base_cl[["episode", "child", "closure"]].merge(later, on="child", how="left")
        m["hit"] = (m.other != m.episode) & (m.again >= m.closure) & (m.again <= m.closure + 365)
        hits = m.groupby("episode").hit.any()
        k = int(hits.sum())
        p, lo, hi = wilson(k, len(base_cl))
        d.add(Estimate("demand.rereferral_pct", 100 * p, 100 * lo, 100 * hi, len(base_cl),
                       "share of closures (at least 12 months before the window end) followed "
                       "by a referral of the same child within 365 days (Wilson 95%)", "%",
                       "demand.rereferral_pct"))
        d.data["demand"]["rereferral_pct"] = round(100 * p, 2)
        d.fitted("demand.rereferral_pct", f"{k:,} of {len(base_cl):,} closures re-referred within 12 "
                 f"months; 95% CI {100 * lo:.1f}-{100 * hi:.1f}")
    else:
        d.from_template("demand.rereferral_pct", f"needs {MIN_REFERRALS} closures at least 12 "
                        "months before the window end")


# --------------------------------------------------------------------------------------------
# Stages: outcomes, durations, open cases
# --------------------------------------------------------------------------------------------

def derive_pathways(d: Draft, seq: pd.DataFrame, template: Scenario, w0: float, w1x: float) -> None:
    """Each stage's outcome probabilities from the outcomes observed in the window."""
    paths = stage_outcomes(seq, w0, w1x)
    for stage in template.stages:
        info = paths.get(stage, {"n": 0, "counts": {}})
        n = info["n"]
        if n < MIN_TRANSITIONS:
            d.from_template(f"stages.{stage}.next", f"only {n} outcomes observed (needs {MIN_TRANSITIONS})")
            continue
        counts = {o: c for o, c in info["counts"].items() if o == "close" or o in template.stages}
        dropped = n - sum(counts.values())
        if dropped:
            d.notes.append(f"stages.{stage}.next: {dropped} outcome(s) to stages not in the template "
                           "were left out")
        tot = sum(counts.values())
        probs = {}
        order = sorted(counts, key=lambda o: -counts[o])
        for o in order:
            p, lo, hi = wilson(counts[o], tot)
            d.add(Estimate(f"stages.{stage}.next.{o}", p, lo, hi, tot,
                           "share of the stage's observed outcomes (Wilson 95%)", "probability",
                           f"stages.{stage}.next"))
            probs[o] = p
        d.data["stages"][stage]["next"] = round_probs(probs)
        d.fitted(f"stages.{stage}.next", f"{tot:,} outcomes: " + ", ".join(
            f"{o} {counts[o]}" for o in order))


def derive_plan_durations(d: Draft, seq: pd.DataFrame, template: Scenario, w0: float, w1x: float,
                          seed: int = 0, source: str = "the case extract") -> None:
    """Each plan stage's length: a log-normal, censored and truncated (see :func:`fit_lognormal`).

    Plans that end the day they start are left out, with a note (``source``: the file, as it
    names it): a plan of no days is a recording artefact, and the log-normal, fitted to them
    beside plans of months, spread without bound. Half of the CP plans of a small authority so
    gave a mean of 2,537 days for 319, 80% 560,088 days, and all of them a mean the scenario
    refused (over 1,000,000 days), in a message naming no file."""
    for stage, cfg in template.stages.items():
        if cfg.kind != "plan":
            continue
        dur, ended, entry = plan_durations(seq, stage, w0, w1x)
        c0, c1 = PLAN_DATES.get(stage, ("its start date", "its end date"))
        got = fit_lengths(dur, ended, entry, same_day=SAME_DAY, min_events=MIN_EVENTS,
                          max_cv=MAX_PLAN_CV, max_mean=MAX_PLAN_MEAN_DAYS, short=7)
        if got.same_day:
            d.notes.append(f"{source}: {got.same_day:,} of the {got.ended_before:,} "
                           f"{stage} plans that ended in the window end the day they start "
                           f"({c1} the same as {c0}): left out of the plan's length (a plan of "
                           "no days is a recording slip, and the fitted length was thrown far "
                           "out by it); their outcomes are counted")
            keep = ~(ended & (dur <= SAME_DAY))
            dur, ended, entry = dur[keep], ended[keep], entry[keep]
        if got.fit is None:
            d.from_template(f"stages.{stage}.duration_days",
                            f"only {got.ended} {stage} plans ended in the window (needs {MIN_EVENTS})")
            continue
        f = got.fit
        if not got.plausible:
            why = got.refused(f"{stage} plans that ended in the window", f"({c0} to {c1})", "days",
                              MAX_PLAN_CV, "plans of months")
            d.from_template(f"stages.{stage}.duration_days", why)
            d.notes.append(f"{source}: {why}. Are their end dates right? The template's plan "
                           "length is kept")
            continue
        ci = f.intervals(seed=seed)
        # where the plans are seen to their end, the mean is the area under their product-limit
        # curve, no shape assumed (a log-normal's own tail ran past the bound of banded plans:
        # 340 days for a true 322, the range holding it in 51% of 200 windows; 94% now)
        pl = restricted_mean(dur, ended, entry, f.mu, f.sigma)
        mean, (lo, hi) = (f.mean, ci["mean"]) if pl is None else (pl.mean, (pl.lower, pl.upper))
        how = ("log-normal maximum likelihood with right-censoring (still open) and "
               "left-truncation (started before the window)") if pl is None else (
            "area under the product-limit (Kaplan-Meier) curve, with right-censoring (still open) "
            "and left-truncation (started before the window), no shape assumed; Greenwood 95% "
            f"range; {100 * pl.tail:.1f}% still open at the longest plan seen ({pl.tau:,.0f} "
            "days), the log-normal's tail adding the rest")
        d.add(Estimate(f"stages.{stage}.duration_days.mean", mean, lo, hi, f.n, how, "days",
                       f"stages.{stage}.duration_days", f"{f.n_events} ended, {f.n - f.n_events} still open"),
              Estimate(f"stages.{stage}.duration_days.cv", f.cv, *ci["cv"], f.n,
                       "log-normal maximum likelihood, censored and truncated", "sd / mean",
                       f"stages.{stage}.duration_days"),
              Estimate(f"stages.{stage}.duration_days.naive_closed_mean", float(dur[ended].mean()),
                       n=int(ended.sum()), method="mean of plans that ended in the window "
                       "(biased short; for comparison only)", unit="days"))
        written = lognormal_field(f)
        d.data["stages"][stage]["duration_days"] = dict(written, mean=round(mean, 1))
        what = ("censored log-normal" if pl is None else
                "product-limit mean (no shape assumed), spread of the censored log-normal")
        d.fitted(f"stages.{stage}.duration_days", f"{what}, {f.n_events} ended of {f.n}; "
                 f"mean 95% CI {lo:.0f}-{hi:.0f} days")


def derive_task_stages(d: Draft, seq: pd.DataFrame, template: Scenario, w0: float, w1x: float,
                       seed: int = 0) -> None:
    """Task stages: their hours are not in the extracts; the assessment's length is reported."""
    for stage, cfg in template.stages.items():
        if cfg.kind != "task":
            continue
        sel = seq[(seq.stage == stage) & seq.start.notna() & seq.end.notna()
                  & (seq.end >= w0) & (seq.end < w1x)]
        if stage == "assessment" and len(sel):
            days = (sel.end - sel.start).to_numpy()
            lo, hi = bootstrap_interval(days, np.median, seed=seed)
            d.add(Estimate("assessment.duration_days.median", float(np.median(days)), lo, hi,
                           len(days), "median days from start to authorisation (observed; "
                           "not a model input: it emerges from workload)", "days"))
        d.from_template(f"stages.{stage}.work_hours", "hours of work are not in the extracts; "
                        "the back-test checks the timeliness they produce")


def _note_open_in_no_stage(d: Draft, seq: pd.DataFrame, cases: CaseData, day: float) -> None:
    """A note counting the episodes open at ``day`` (no closure) whose every stage had ended
    before it: in no stage, they are not among the open cases (the episodes with no stage yet
    are at the front door, as in the model). Before, they were left out without a word."""
    ep = cases.episodes
    open_ep = ep[ep.closure.isna() & (ep.referral < day) & (ep.nfa != 1)].episode
    with_stages = seq[seq.episode.isin(open_ep) & (seq.s_start < day)]
    if not len(with_stages):
        return
    current = set(open_cases_episodes(seq, day))
    ended = with_stages[~with_stages.episode.isin(current)]
    last = ended.sort_values(["episode", "s_start"]).groupby("episode").tail(1).stage
    if len(last):
        counts = last.value_counts()
        d.notes.append(f"{cases.source}: {len(last):,} episode(s) open at {to_date(day)} (no "
                       "CINclosureDate) have every stage ended before it (the last: "
                       + ", ".join(f"{s} {n:,}" for s, n in counts.items()) + "): in no stage, "
                       "they are not among the open cases. Give their CINclosureDate, or the "
                       "stage they are in")


def derive_open_cases(d: Draft, seq: pd.DataFrame, cases: CaseData, template: Scenario,
                      start_day: float) -> None:
    """The open cases by stage (and those waiting for a worker) when the scenario starts."""
    open_now = open_cases_at(seq, start_day)
    d.data["initial"]["open_cases"] = {s: int(open_now.get(s, 0)) for s in template.stages}
    for s in template.stages:
        d.add(Estimate(f"initial.open_cases.{s}", open_now.get(s, 0), n=open_now.get(s, 0),
                       method=f"children open in the stage at the start of {to_date(start_day)}",
                       unit="children", scenario_field="initial.open_cases"))
    _note_open_in_no_stage(d, seq, cases, start_day)
    unknown_open = {s: n for s, n in open_now.items() if n and s not in template.stages}
    if unknown_open:
        d.notes.append(f"open cases in stages the template lacks were left out: {unknown_open}")
    d.fitted("initial.open_cases", f"open cases by stage at the start of {to_date(start_day)}")
    blank = "AllocatedWorker" in cases.columns and not cases.episodes.allocated.any()
    if blank:
        # a column blank on every row says nothing of who holds what: taken as absent (every
        # open case waiting for a worker is not what an extract of a working service shows)
        d.notes.append(f"{cases.source}: the AllocatedWorker column (Annex A's allocated "
                       "worker) is blank on every row: taken as absent, as if the column were not "
                       "there (no open case is taken as waiting for a worker; a blank cell "
                       "otherwise means unallocated). Fill it from the case system if the open "
                       "cases' workers are known")
    if "AllocatedWorker" in cases.columns and not blank:
        un = unallocated_at(seq, cases, start_day)
        d.data["initial"]["unallocated"] = {s: n for s, n in un.items() if n and s in template.stages}
        d.fitted("initial.unallocated", "open cases with no AllocatedWorker at the extract date")
    else:
        d.data["initial"]["unallocated"] = {}
        d.from_template("initial.unallocated", ("AllocatedWorker blank on every row" if blank
                                                else "no AllocatedWorker column")
                        + ": none taken as waiting")
    d.data["start_date"] = to_date(start_day).isoformat()


def note_pressure_in_records(d: Draft) -> None:
    """Say that the fitted plan lengths and NFA share hold the service's responses to pressure
    already, which the model applies again (``pressure.plan_shortening_pct`` for the plan stages
    that shorten, ``pressure.front_door_nfa_extra_pct``): a child in need plan of 180 days
    recorded at full pressure ran at 162 in a calibrated run under the same pressure. The
    extracts do not record the service pressure (children waiting per case-holding FTE), and a
    pilot simulation's (0.26 for a truth's 0.17, H90: it follows the fitted demand) is no
    estimate of it, so the values are
    written as recorded, with this note, in the comments and the notes."""
    pr = d.data.get("pressure") or {}
    shorten = float(pr.get("plan_shortening_pct") or 0.0)
    extra = float(pr.get("front_door_nfa_extra_pct") or 0.0)
    stages = [n for n, st in d.data["stages"].items()
              if st.get("kind") == "plan" and st.get("shortens_under_pressure")
              and d.provenance.get(f"stages.{n}.duration_days", "").startswith("fitted")]
    said = []
    if shorten > 0 and stages:
        said.append(f"the {' and '.join(stages)} plans' lengths (the model shortens them by up to "
                    f"{shorten:g}% at full pressure: pressure.plan_shortening_pct)")
        for n in stages:
            d.provenance[f"stages.{n}.duration_days"] += (
                f"; as recorded, so already shortened by any pressure in the window, which the "
                f"model applies again (up to {shorten:g}% shorter at full pressure)")
    if extra > 0 and d.provenance.get("front_door.nfa_pct", "").startswith("fitted"):
        said.append(f"the share of referrals closed at the front door (the model closes up to "
                    f"{extra:g} points more at full pressure: pressure.front_door_nfa_extra_pct)")
        d.provenance["front_door.nfa_pct"] += (
            "; as recorded, so already raised by any pressure in the window, which the model "
            f"applies again (up to {extra:g} points more at full pressure)")
    if said:
        d.notes.append(
            "pressure: " + " and ".join(said) + " are fitted as recorded, and the records already "
            "hold the service's response to its pressure in the window (the extracts do not say "
            "how many children waited for a social worker). A calibrated run under pressure "
            "applies the response again: if the service was under pressure in the window, its "
            "plans run shorter and its front door closes more than recorded. Set these "
            "pressure fields to 0 to run the values as recorded, or compare a run's plan lengths "
            "and NFA share with the fit table's")
