"""Back-test: does the fitted scenario forecast a year it has not seen better than a naive
forecast?

**Out of sample** (the default): fit on the data before a cut-off date (:func:`.holdout.known_at`
blanks everything recorded from then on), start from the open cases and staff in post at the
cut-off, simulate the following year over a few replications, and compare with what the data
show for that year. Beside the model, in the same table, the two naive forecasts an analyst could
make without it (:func:`.holdout.naive_forecasts`): last year's value carried forward, and a
straight line through the years before the cut-off. Each measure gets a verdict: the observed
value inside the simulated 95% range, within a stated tolerance of the simulated mean, or outside
both; and whether the model came closer than both naive forecasts.

**In sample** (an option, labelled as such): the calibration over the whole window is simulated
over its own last year. It shows the fit reproduces what it was fitted to, not that it forecasts.

Measures: referrals, assessments and their timeliness, s47 enquiries, plans started, open cases
by type at the end (and week by week), caseloads, leavers and staff in post. Only aggregates
leave this module: the tables and charts carry counts, rates and percentiles.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import UserError
from ..analysis.run import simulate
from ..scenario import validate_scenario
from .extracts import CaseData, Roster, day_number
from .estimators import YEAR
from .derive import Draft
from .fit import Calibration, calibrate
from .holdout import better_than_naive, census_note, known_at, naive_forecasts
from .backtest_measures import (MEASURES, observed_measures, simulated_measures,
                                weekly_open_cases, weekly_simulated)
from .observe import open_cases_at, staff_groups
from .staff_roster import staff_roster

#: tolerance for a measure's verdict when the observed value is outside the simulated range
TOLERANCE = {"pct": 5.0, "count": 0.10, "level": 0.10}

OUT_OF_SAMPLE = "out-of-sample"
IN_SAMPLE = "in-sample"
MODES = (OUT_OF_SAMPLE, IN_SAMPLE)
MIN_FIT_DAYS = 180          # an out-of-sample fit needs at least this much data before the cut-off
COLUMNS = ["comparison", "measure", "description", "observed", "sim_mean", "sim_low", "sim_high",
           "naive_last_year", "naive_trend", "tolerance", "verdict", "better_than_naive", "note"]


@dataclass
class BacktestResult:
    """Observed against simulated and the naive forecasts, per measure and week by week
    (aggregates only).

    ``mode`` is "out-of-sample" (fitted on ``fit_start`` to ``fit_end``, before the period) or
    "in-sample" (the period is part of the data the fit used); :attr:`label` says which in words,
    and the table's ``comparison`` column carries it on every row.
    """

    table: pd.DataFrame
    weekly: pd.DataFrame
    period_start: dt.date
    period_end: dt.date
    reps: int
    scenario: object = field(repr=False, default=None)
    notes: list = field(default_factory=list)
    mode: str = OUT_OF_SAMPLE
    fit_start: dt.date | None = None
    fit_end: dt.date | None = None
    history_years: int = 0

    @property
    def label(self) -> str:
        if self.mode == OUT_OF_SAMPLE:
            return (f"Out-of-sample back-test: fitted on {self.fit_start} to {self.fit_end}, "
                    f"forecast {self.period_start} to {self.period_end}")
        return (f"In-sample check (calibrated): fitted on {self.fit_start} to {self.fit_end}, "
                f"which includes {self.period_start} to {self.period_end}: not a forecast")

    def summary(self) -> str:
        """The table in plain text: a line per measure with the model, its range, the naive
        forecasts and the two verdicts."""
        t = self.table
        n_ok = int(t.verdict.isin(["inside range", "within tolerance"]).sum())
        n = int((t.verdict != "not comparable").sum())
        n_better = int((t.better_than_naive == "yes").sum())
        n_naive = int(t.better_than_naive.isin(["yes", "no", "as close"]).sum())
        reproduced = (f"{n_ok} of {n} measures reproduced (inside the simulated range or "
                      "within tolerance)")
        if self.mode == IN_SAMPLE:
            head = (f"{self.reps} replications; naive forecasts are not made in sample (the "
                    "model was fitted to this period, a forecast from the years before it was "
                    f"not, so the two are not compared): {reproduced}")
        elif not self.history_years:
            head = (f"{self.reps} replications; no naive forecasts: the data window holds no "
                    f"{self._period_words()} before {self.period_start} to make them from: "
                    f"{reproduced}")
        else:
            # one year of history makes last year's value and no trend: "both" was said of one
            both = ("both naive forecasts" if t.naive_trend.notna().any() else
                    "last year's value (one year of history gives no trend forecast)")
            head = (f"{self.reps} replications; naive forecasts from {self._history_words()}: "
                    f"{reproduced}; model closer than {both} on {n_better} of {n_naive}")
        lines = [self.label, head,
                 f"  {'measure':<28} {'observed':>9} {'model':>9} {'model 95% range':>19} "
                 f"{'last year':>9} {'trend':>9}  verdict; better than naive?"]

        def f(v):
            return f"{v:>9.1f}" if v == v else f"{'n/a':>9}"

        for r in t.itertuples(index=False):
            if r.verdict == "not comparable":
                lines.append(f"  {r.measure:<28} {f(r.observed)}  ({r.note})")
                continue
            rng = f"[{r.sim_low:.1f}, {r.sim_high:.1f}]"
            lines.append(f"  {r.measure:<28} {f(r.observed)} {f(r.sim_mean)} {rng:>19} "
                         f"{f(r.naive_last_year)} {f(r.naive_trend)}  {r.verdict}; "
                         f"{r.better_than_naive}")
        lines += ["", "In plain words:"] + [f"  {v}" for v in self.verdicts()]
        return "\n".join(lines)

    @property
    def period_days(self) -> int:
        return (self.period_end - self.period_start).days + 1

    def _whole_year(self) -> bool:
        return abs(self.period_days - YEAR) < 1.5

    def _period_words(self) -> str:
        return "whole year" if self._whole_year() else f"period of {self.period_days} days"

    def _history_words(self) -> str:
        n = self.history_years
        if self._whole_year():
            return f"{n} year(s) before {self.period_start}"
        if self.period_days < YEAR:
            return (f"the same {self.period_days} days in {n} earlier year(s) (from "
                    f"{self.period_start} a year back)")
        return f"{n} period(s) of the same {self.period_days} days before {self.period_start}"

    def verdicts(self) -> list[str]:
        """A sentence per comparable measure saying whether the model or a naive forecast came
        closer to what happened, then one overall (see :func:`plain_verdict`); in sample, where
        no naive forecast is made, what the model gave against what was observed."""
        t = self.table
        if self.mode == IN_SAMPLE:
            out = [f"{r.description.replace(' (%)', '')}: observed "
                   f"{_num(r.observed, '(%)' in r.description)}, model "
                   f"{_num(r.sim_mean, '(%)' in r.description)} ({r.verdict})."
                   for r in t.itertuples(index=False) if r.verdict != "not comparable"]
            n_ok = int(t.verdict.isin(["inside range", "within tolerance"]).sum())
            n = int((t.verdict != "not comparable").sum())
            return out + [f"Overall the fit reproduced {n_ok} of {n} measures of the period it "
                          "was fitted to. In sample the model is not compared with naive "
                          "forecasts: run the out-of-sample back-test for that."]
        out = [v for r in t.itertuples(index=False) if (v := plain_verdict(r))]
        return out + [overall_verdict(t)]


# --------------------------------------------------------------------------------------------
# The back-test scenario
# --------------------------------------------------------------------------------------------

def backtest_scenario(cal: Calibration, cases: CaseData, roster: Roster, period_start: dt.date,
                      period_end: dt.date, compensate_rereferrals: bool = False):
    """The fitted scenario moved to the start of the reference period: open cases and staff in post
    from the extracts then, and the fitted referral rate at that date."""
    data = dict(cal.data)
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    p0 = day_number(period_start)
    p1x = day_number(period_end) + 1
    seq = cal.seq
    opened = open_cases_at(seq, p0)
    data["start_date"] = period_start.isoformat()
    data["horizon_years"] = (p1x - p0) / YEAR
    data["initial"] = {"open_cases": {s: int(opened.get(s, 0)) for s in data["stages"]},
                       "unallocated": {}}
    demand = dict(data["demand"])
    if cal.demand is not None and cal.provenance.get("demand.referrals_per_year", "").startswith("fitted"):
        demand["referrals_per_year"] = round(cal.demand.referrals_per_year(p0)[0], 1)
    surges = []
    p = demand.get("rereferral_pct", 0) / 100
    if compensate_rereferrals and p > 0:
        # Off by default: the model's warm start now seeds the re-referrals of children closed in
        # the year before the start (model/snapshot.py). Kept for runs that want the old
        # behaviour: re-referrals from closures inside the run only, made up by raising new ones.
        for k in range(12):
            a = period_start + dt.timedelta(days=round(k * YEAR / 12))
            b = period_start + dt.timedelta(days=round((k + 1) * YEAR / 12))
            m = (1 - p * (k + 0.5) / 12) / (1 - p)
            surges.append({"start_date": a.isoformat(), "end_date": b.isoformat(),
                           "multiplier": round(m, 4)})
    demand["surges"] = surges
    data["demand"] = demand
    teams = {k: dict(v) for k, v in data["teams"].items()}
    if any(cal.provenance.get(f"teams.{t}.staff", "").startswith("fitted") for t in teams):
        groups = staff_groups(roster, cal.scenario, p0, since=day_number(cal.window_start))
        for t, (staff, _, _) in groups.items():
            if t in teams and cal.provenance.get(f"teams.{t}.staff", "").startswith("fitted"):
                teams[t]["staff"] = staff   # establishment: the fitted one (a window average)
    data["teams"] = teams
    if "academy" in data:
        data["academy"] = dict(data["academy"], first_intake_date=None)
    return validate_scenario(data, source="<back-test scenario>")


# --------------------------------------------------------------------------------------------
# The back-test
# --------------------------------------------------------------------------------------------

def default_period(cal: Calibration) -> tuple[dt.date, dt.date]:
    """The last 12 months of the data window (the whole window if shorter)."""
    end = cal.window_end
    start = (pd.Timestamp(end) + pd.Timedelta(days=1) - pd.DateOffset(years=1)).date()
    return max(start, cal.window_start), end


#: The shortest back-test period, in days: a scenario's horizon is at least 0.02 years.
MIN_PERIOD_DAYS = math.ceil(0.02 * YEAR)


def check_period(cal: Calibration, period_start: dt.date | None = None,
                 period_end: dt.date | None = None,
                 mode: str = OUT_OF_SAMPLE) -> tuple[dt.date, dt.date]:
    """The back-test period (by default :func:`default_period`), checked before any work: the
    command calls it before writing the fit, so that a period it cannot use is refused with
    nothing written.

    Raises
    ------
    UserError
        For an unknown mode; a period that ends before it starts, is shorter than
        :data:`MIN_PERIOD_DAYS` or ends after the data window (nothing to compare with); or
        less than :data:`MIN_FIT_DAYS` of data before an out-of-sample cut-off.
    """
    if mode not in MODES:
        raise UserError(f"back-test mode: expected one of {', '.join(MODES)}, got {mode!r}")
    ds, de = default_period(cal)
    cut_given = period_start is not None
    period_start, period_end = period_start or ds, period_end or de
    if period_end <= period_start:
        raise UserError(f"the back-test period must end after it starts ({period_start} to "
                        f"{period_end}; --backtest-start, --backtest-end)")
    if period_end > cal.window_end:
        raise UserError(f"the back-test period ends on {period_end}, after the data window "
                        f"({cal.window_start} to {cal.window_end}): the data cannot say what "
                        "happened then (--backtest-end)")
    days = (period_end - period_start).days + 1
    if days < MIN_PERIOD_DAYS:
        raise UserError(f"the back-test period {period_start} to {period_end} is {days} day(s): "
                        f"at least {MIN_PERIOD_DAYS} are needed, and a year tells most "
                        "(--backtest-start, --backtest-end)")
    if period_start < cal.window_start:
        if mode == OUT_OF_SAMPLE:
            raise UserError(
                f"out-of-sample back-test: the cut-off {period_start} (--backtest-start) is "
                f"before the data start on {cal.window_start} (the data window "
                f"{cal.window_start} to {cal.window_end}): there is nothing before it to fit "
                f"on. Choose a --backtest-start at least {MIN_FIT_DAYS} days after the data "
                f"start (from {cal.window_start + dt.timedelta(days=MIN_FIT_DAYS)}), or "
                "--backtest in-sample (a check of the fit, not a forecast)")
        raise UserError(f"the back-test period starts on {period_start}, before the data window "
                        f"({cal.window_start} to {cal.window_end}): the data cannot say what "
                        "happened then (--backtest-start)")
    if mode == OUT_OF_SAMPLE:
        fit_end = period_start - dt.timedelta(days=1)
        if (fit_end - cal.window_start).days + 1 < MIN_FIT_DAYS:
            n = (fit_end - cal.window_start).days + 1
            cut = ("(--backtest-start)" if cut_given else
                   "(by default a year before the data window ends)")
            raise UserError(
                f"out-of-sample back-test: the cut-off {period_start} {cut} leaves {n} day(s) of "
                f"data before it, from {cal.window_start}: less than {MIN_FIT_DAYS} days to "
                f"fit on (the data window is {cal.window_start} to {cal.window_end}). Give "
                f"a later --backtest-start (from "
                f"{cal.window_start + dt.timedelta(days=MIN_FIT_DAYS)}), a longer data window, "
                "--backtest in-sample (a check of the fit, not a "
                "forecast) or --no-backtest (the fit only)")
    return period_start, period_end


def _as_fitted(cal: Calibration, cases: CaseData, roster: Roster) -> Roster:
    """``roster`` as :func:`~.fit.calibrate` read it (:func:`.staff_roster.staff_roster`); the
    notes it makes were the fit's already and are not repeated."""
    w0, w1x = day_number(cal.window_start), day_number(cal.window_end) + 1
    scratch = Draft(data={}, window="", template_name="")
    return staff_roster(scratch, roster, cal.template, w0, w1x, cases, cal.seq)


def backtest(cal: Calibration, cases: CaseData, roster: Roster,
             period_start: dt.date | None = None, period_end: dt.date | None = None,
             reps: int = 5, seed: int = 0, compensate_rereferrals: bool = False,
             mode: str = OUT_OF_SAMPLE) -> BacktestResult:
    """Back-test a calibration: out of sample by default, with naive forecasts beside the model.

    Parameters
    ----------
    cal : Calibration
        The calibration over the whole data window (:func:`~.fit.calibrate`).
    cases, roster : CaseData, Roster
        The data it was fitted to.
    period_start, period_end : datetime.date, optional
        The year to forecast. Out of sample, ``period_start`` is the cut-off: the fit uses the
        data window up to the day before. By default the window's last 12 months.
    reps, seed : int
        Replications of the forecast year, and the first seed.
    compensate_rereferrals : bool
        Raise new referrals over the first year to make up for re-referrals (off: the model's
        warm start seeds them).
    mode : {"out-of-sample", "in-sample"}
        "in-sample" simulates the period with ``cal`` itself, fitted on data that include it:
        a check of the fit, labelled as such, not a forecast.

    Returns
    -------
    BacktestResult

    Raises
    ------
    UserError
        For an unknown mode, a period that ends before it starts, or less than
        :data:`MIN_FIT_DAYS` of data before an out-of-sample cut-off.
    """
    period_start, period_end = check_period(cal, period_start, period_end, mode)
    p0, p1x = day_number(period_start), day_number(period_end) + 1
    notes = []
    if mode == OUT_OF_SAMPLE:
        fit_end = period_start - dt.timedelta(days=1)
        k_cases, k_roster = known_at(cases, roster, p0)
        fit = calibrate(k_cases, k_roster, cal.template, cal.window_start, fit_end,
                        **cal.fit_args)
        notes.append(f"fitted again on the data known before {period_start} ({cal.window_start} "
                     f"to {fit_end}): dates from the cut-off on blanked; {census_note(roster)}")
        notes.extend(f"(out-of-sample fit) {n}" for n in fit.notes)
    else:
        fit, k_cases, k_roster = cal, cases, roster
        notes.append("in sample: the fit used the period it is compared with")
    # the staff as the fits read them: managers left out, team names the template's, staff of a
    # team holding no stage in the team holding their cases (the raw roster put managers into
    # the staff at the cut-off and the FTE observed, and left teams named otherwise unstaffed)
    k_staff = _as_fitted(fit, k_cases, k_roster)
    staff = k_staff if mode == IN_SAMPLE else _as_fitted(cal, cases, roster)
    sc = backtest_scenario(fit, k_cases, k_staff, period_start, period_end, compensate_rereferrals)
    obs = observed_measures(cal, cases, staff, p0, p1x)
    # in sample the model has seen the period and a naive forecast has not: none is made
    history = yearly_history(fit, k_cases, k_staff, p0, p1x) if mode == OUT_OF_SAMPLE else []
    naive = naive_forecasts(history, {name: kind for name, _, kind in MEASURES})
    sims, weeks = [], []
    for r in range(reps):
        run = simulate(sc, seed=seed + r)
        sims.append(simulated_measures(run))
        wk = weekly_simulated(run)
        wk["rep"] = r
        weeks.append(wk)
    label = OUT_OF_SAMPLE if mode == OUT_OF_SAMPLE else "in-sample (calibrated)"
    rows = [_compare(name, desc, kind, obs.get(name, math.nan),
                     np.array([s.get(name, math.nan) for s in sims], dtype=float),
                     naive.loc[name]) for name, desc, kind in MEASURES]
    table = pd.DataFrame([[label, *r] for r in rows], columns=COLUMNS)
    if mode == IN_SAMPLE:
        table["better_than_naive"] = np.where(table.verdict != "not comparable",
                                              "not made in sample", "")
    if compensate_rereferrals:
        notes.append("new referrals raised over the first 12 months to make up for re-referrals, "
                     "which the model draws only from closures inside the run")
    fit_window = (fit.window_start, fit.window_end)
    return BacktestResult(table=table, weekly=weekly_open_cases(cal, weeks, p0, p1x),
                          period_start=period_start, period_end=period_end, reps=reps,
                          scenario=sc, notes=notes, mode=mode, fit_start=fit_window[0],
                          fit_end=fit_window[1], history_years=len(history))


def yearly_history(cal: Calibration, cases: CaseData, roster: Roster, p0: float,
                   p1x: float | None = None) -> list[dict]:
    """Each measure over the periods like the forecast one, ``[p0, p1x)``, inside the data
    window before day ``p0`` (oldest first): what the naive forecasts are made from, so that
    they count over as many days as the observed value.

    A period of a year or less is taken at the same dates a year earlier, two years earlier, and
    so on (a quarter's referrals against the same quarter's a year before, not a whole year's;
    its seasons alike); a longer one, period by period back from ``p0``. Without ``p1x``, whole
    years (the last ending the day before ``p0``)."""
    w0 = day_number(cal.window_start)
    periods = []
    if p1x is None or abs(p1x - p0 - YEAR) < 1.5:      # a year (365 or 366 days): whole years
        end = p0
        while end - YEAR >= w0 - 1:
            periods.append(observed_measures(cal, cases, roster, round(end - YEAR), end))
            end = round(end - YEAR)
        return periods[::-1]
    length = p1x - p0
    step = max(YEAR, length)
    k = 1
    while True:
        start = round(p0 - k * step)
        if start < w0 - 1:
            break
        periods.append(observed_measures(cal, cases, roster, start, start + round(length)))
        k += 1
    return periods[::-1]


def _compare(name: str, desc: str, kind: str, o: float, vals: np.ndarray, naive) -> list:
    """One row of the table: the model's mean and range, the naive forecasts, the verdicts."""
    vals = vals[~np.isnan(vals)]
    nl, nt = float(naive.naive_last_year), float(naive.naive_trend)
    if len(vals) == 0 or o != o:
        why = ("not in the extracts for this period" if o != o else "not simulated")
        if name.startswith("caseload") and o != o:
            why = "Cases30 is only known at the census date (the window end)"
        return [name, desc, o, math.nan, math.nan, math.nan, nl, nt, "", "not comparable", "", why]
    lo, hi, mean = float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5)), float(vals.mean())
    if kind == "pct":
        tol = TOLERANCE["pct"]
        within = abs(o - mean) <= tol
        tol_text = f"+/- {tol:g} points"
    else:
        tol = TOLERANCE[kind] * abs(mean)
        within = abs(o - mean) <= max(tol, 2.0)
        tol_text = f"+/- {100 * TOLERANCE[kind]:g}%"
    verdict = "inside range" if lo <= o <= hi else ("within tolerance" if within else "outside")
    return [name, desc, o, mean, lo, hi, nl, nt, tol_text, verdict,
            better_than_naive(o, mean, [nl, nt]), ""]


def _num(v: float, pct: bool) -> str:
    return f"{v:.1f}%" if pct else (f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}")


def plain_verdict(r) -> str:
    """One row of the back-test table in a sentence: who came closest to the observed value, the
    model or a naive forecast (last year's value, the trend line), and what that means."""
    if r.verdict == "not comparable" or r.observed != r.observed:
        return ""
    pct = "(%)" in r.description
    what = r.description.replace(" (%)", "")
    obs, model = _num(r.observed, pct), _num(r.sim_mean, pct)
    naive = {"last year's value": r.naive_last_year, "the trend line": r.naive_trend}
    naive = {k: v for k, v in naive.items() if v == v}
    if r.better_than_naive == "no naive forecast" or not naive:
        return (f"{what}: observed {obs}, model {model} ({r.verdict}); no naive forecast to "
                "compare with (the years before the cut-off do not give this measure).")
    if r.better_than_naive == "yes":
        beaten = " and ".join(f"{k} ({_num(v, pct)})" for k, v in naive.items())
        return f"{what}: the model ({model}) came closer to the observed {obs} than {beaten}."
    best = min(naive, key=lambda k: abs(naive[k] - r.observed))
    if r.better_than_naive == "as close":
        return (f"{what}: the model ({model}) and {best} ({_num(naive[best], pct)}) were as close "
                f"to the observed {obs}.")
    return (f"{what}: {best} ({_num(naive[best], pct)}) came closer to the observed {obs} than "
            f"the model ({model}); for this measure {best} is the better forecast.")


def overall_verdict(t: pd.DataFrame) -> str:
    """One sentence over the table: on how many measures the model beat both naive forecasts,
    and which measures a naive forecast did better on."""
    yes = t[t.better_than_naive == "yes"]
    lost = t[t.better_than_naive == "no"]
    n = int(t.better_than_naive.isin(["yes", "no", "as close"]).sum())
    if not n:
        return "Overall: no measure has a naive forecast to compare with."
    # one year of history makes last year's value and no trend: "both" was said of one (as the
    # summary's head says since round 13)
    both = ("both naive forecasts" if "naive_trend" not in t or t.naive_trend.notna().any()
            else "last year's value (one year of history gives no trend forecast)")
    text = f"Overall the model beat {both} on {len(yes)} of {n} measures"
    if len(lost):
        text += (f"; a naive forecast did better on {len(lost)} ({', '.join(lost.measure)}): "
                 f"there {'a trend line or ' if both.startswith('both') else ''}last year's "
                 "figure forecast better than the model, so "
                 "its numbers for those measures need the most care.")
    else:
        text += ": a naive forecast did better on none."
    if len(yes) * 2 < n:
        text += " On most measures the model did not beat a naive forecast."
    return text
