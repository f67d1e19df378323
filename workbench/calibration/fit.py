"""Fitting a scenario to a council's extracts: :func:`calibrate` and its result.

Every estimate is one row of a tidy fit table (parameter, estimate, lower, upper, n, method, and
the scenario field it sets); :func:`calibrate` maps the estimates onto a template scenario and
returns a complete, validated scenario whose fitted values say they were fitted, from which data
window, and whose other values say they came from the template.

Methods (details and caveats in ``docs/calibration.md``; the estimators are in
:mod:`.estimators`, the mapping onto scenario fields in :mod:`.derive` and
:mod:`.derive_workforce`):

- referrals: a Poisson log-linear model on monthly counts with a trend and a multiplier per
  calendar month, standard errors scaled by the over-dispersion; with less than 24 months the
  template's seasonality is held fixed, with less than 12 its trend too. Intervals from 4,000
  draws of the coefficients, pushed through to each derived value.
- shares (no further action, re-referrals, each stage's outcomes): Wilson 95% intervals.
- durations of plans, agency assignments, vacancy gaps: a log-normal by maximum likelihood with
  right-censoring and left-truncation (not the mean of closed plans, biased towards short ones).
- staff turnover: leavers per FTE-year at risk by worker type, exact Poisson 95% interval,
  divided by the pressure factor seen in the caseloads (the model's rate is at caseload = cap).
- caseloads, absence: means and 90th percentiles with bootstrap intervals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import files
from ..errors import UserError
from ..scenario import Scenario, validate_scenario
from .derive import (MIN_REFERRALS, Draft, derive_demand, derive_front_door, derive_open_cases,
                     derive_pathways, derive_plan_durations, derive_rereferrals,
                     derive_task_stages, note_pressure_in_records, referred_in)
from .derive_pressure import derive_pressure
from .derive_timeliness import (MIN_ASSESSMENTS, correct_elapsed, correct_icpc, correct_s47,
                                derive_conference_slots, derive_elapsed, derive_icpc,
                                last_year_referrals, last_year_timeliness)
from .derive_workforce import derive_workforce, refit_turnover
from .estimators import YEAR, DemandFit
from .holdout import census_at
from .extracts import CaseData, Roster, day_number, to_date
from .observe import PLAN_STAGES, stage_sequence
from .plausibility import note_extracts
from .staff_roster import leavers_from, staff_roster
from .window_checks import check_referrals_cover_window
from .yaml_out import scenario_yaml


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
    #: the template and the arguments of the fit, so that a back-test can fit again on less data
    template: Scenario | None = field(repr=False, default=None)
    fit_args: dict = field(repr=False, default_factory=dict)
    #: where the window's start and end came from: each "given", "returns" (the returns'
    #: collection years, :func:`returns_window`) or "extracts" (:func:`default_window`)
    window_from: tuple[str, str] = ("given", "given")

    def to_yaml(self, header: str = "") -> str:
        """The scenario as YAML, each value commented with where it came from."""
        return scenario_yaml(self.data, self.provenance, header)

    def write(self, path: str | Path, header: str = "") -> Path:
        """Write the scenario file and check that it loads."""
        from ..scenario import load_scenario

        path = files.write_text(path, self.to_yaml(header))
        load_scenario(path)
        return path

    def referral_curve(self) -> pd.DataFrame | None:
        """Observed and fitted referrals a day by month (see :meth:`DemandFit.curve`); None when
        demand was not fitted."""
        return None if self.demand is None else self.demand.curve()

    def plan_lengths(self) -> pd.DataFrame:
        """Each fitted plan length against the mean of the plans that ended in the window.

        Returns
        -------
        pandas.DataFrame
            One row per plan stage fitted: ``plan``, ``fitted_mean_days`` with its 95% interval
            ``lower_days`` / ``upper_days``, ``ended_plans_mean_days`` (biased short: long plans
            are more often still open) and ``plans`` (instances used).
        """
        t = self.table.set_index("parameter")
        rows = []
        for stage in PLAN_STAGES:
            key = f"stages.{stage}.duration_days"
            if f"{key}.mean" in t.index:
                m = t.loc[f"{key}.mean"]
                rows.append({"plan": stage, "fitted_mean_days": m.estimate, "lower_days": m.lower,
                             "upper_days": m.upper,
                             "ended_plans_mean_days": t.loc[f"{key}.naive_closed_mean", "estimate"],
                             "plans": int(m.n)})
        return pd.DataFrame(rows, columns=["plan", "fitted_mean_days", "lower_days", "upper_days",
                                           "ended_plans_mean_days", "plans"])

    def recovery(self, truth: Scenario) -> pd.DataFrame:
        """The fit against a known scenario the extracts were simulated from (synthetic data).

        The referral rate is compared with the truth's at the window end (its trend applied);
        where the fitted trend was not written (a window under 24 whole months), the rate is the
        window's on the template's trend, and the truth's is taken as it: the truth's rate at
        the window's middle, moved to its end on the template's trend (compared at the end, a
        true 4% a year put the truth 2% above a one-year window's exact estimate).

        Returns
        -------
        pandas.DataFrame
            ``parameter``, ``truth``, ``estimate``, ``lower``, ``upper`` and ``inside`` (the
            truth inside the 95% interval), for the headline parameters that were fitted.
        """
        yrs = (self.window_end - truth.start_date).days / YEAR
        g_truth = 1 + truth.demand.trend_pct_per_year / 100
        rate = truth.demand.referrals_per_year * g_truth ** yrs
        if not self.provenance.get("demand.trend_pct_per_year", "").startswith("fitted"):
            half = ((self.window_end - self.window_start).days + 1) / YEAR / 2
            kept = self.template.demand.trend_pct_per_year if self.template else 0.0
            rate = rate / g_truth ** half * (1 + kept / 100) ** half
        wf = truth.workforce
        checks = [
            ("demand.referrals_per_year", rate),
            ("front_door.nfa_pct", truth.front_door.nfa_pct),
            ("demand.rereferral_pct", truth.demand.rereferral_pct),
            ("stages.assessment.next.close", truth.stages["assessment"].next.get("close")),
            ("stages.s47.next.icpc", truth.stages["s47"].next.get("icpc")),
            *((f"stages.{s}.duration_days.mean", truth.stages[s].duration_days.mean_value)
              for s in ("cin", "cp", "lac") if s in truth.stages),
            ("workforce.turnover_pct_per_year.experienced", wf.turnover_pct_per_year["experienced"]),
            ("recruitment.success_pct", truth.recruitment.success_pct),
            ("academy.intake_per_year", truth.academy.intake_per_year),
        ]
        t = self.table.set_index("parameter")
        rows = [{"parameter": p, "truth": v, "estimate": t.loc[p, "estimate"], "lower": t.loc[p, "lower"],
                 "upper": t.loc[p, "upper"], "inside": bool(t.loc[p, "lower"] <= v <= t.loc[p, "upper"])}
                for p, v in checks if p in t.index and v is not None]
        return pd.DataFrame(rows, columns=["parameter", "truth", "estimate", "lower", "upper", "inside"])


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


def returns_window(collection_years) -> tuple[dt.date, dt.date] | None:
    """The data window of returns collected by year, each year to 31 March (the CIN census's
    collection years: the census of 2021 holds April 2020 to March 2021): from 1 April before
    the first collection year to 31 March of the last. None without a year.

    A return's records reach outside its year (episodes referred years before and still open,
    and the odd one closed before the year began), so the dates in them do not say the period
    collected; the years do."""
    years = sorted({int(y) for y in collection_years if y})
    if not years:
        return None
    return dt.date(years[0] - 1, 4, 1), dt.date(years[-1], 3, 31)


def calibrate(cases: CaseData, roster: Roster, template: Scenario,
              window_start: dt.date | str | None = None, window_end: dt.date | str | None = None,
              name: str | None = None, authority: str | None = None,
              template_name: str = "template",
              sources: tuple[str, str] = ("cases.csv", "workforce.csv"), seed: int = 0,
              correct_timeliness: bool = True, fit_icpc: bool = True,
              fit_pressure: bool = True, collection_years=None) -> Calibration:
    """Fit the scenario's parameters to the extracts over a data window.

    Parameters
    ----------
    cases, roster : CaseData, Roster
        The validated extracts (:func:`~workbench.calibration.read_extracts`).
    template : Scenario
        Supplies every value the extracts cannot (and the teams, caps and stages).
    window_start, window_end : datetime.date or str (YYYY-MM-DD), optional
        The data window (inclusive); by default the returns' collection years when
        ``collection_years`` are given (:func:`returns_window`), else :func:`default_window`.
    name, authority, template_name, sources : str
        Written into the scenario's identity and comments.
    seed : int
        Seed of the parameter draws and bootstraps behind the intervals, and of the pilot
        simulations.
    correct_timeliness : bool
        Scale the fitted assessment elapsed time by pilot simulations until the model reproduces
        the window's last 12 months of assessment timeliness
        (:func:`~.derive_timeliness.correct_elapsed`), and the ICPC's so that it reproduces the
        share of ICPCs within 15 working days (:func:`~.derive_timeliness.correct_icpc`). False
        keeps the histograms as observed.
    fit_pressure : bool
        Fit the sickness and leaving responses to work pressure, and the work content where the
        data locate it, from the censuses' caseloads (:func:`~.derive_pressure.derive_pressure`;
        needs the censuses of several years). False keeps the template's.
    fit_icpc : bool
        Fit when conferences are booked and the ICPC stage's elapsed time from the s47 start and
        DateOfInitialCPC dates (:func:`~.derive_timeliness.derive_icpc`). False keeps the
        template's (for comparison). The conference slots are sized from the ICPCs held either
        way (:func:`~.derive_timeliness.derive_conference_slots`).
    collection_years : iterable of int, optional
        The CIN census's collection years, when the cases come from returns: the default
        window is then theirs (1 April before the first to 31 March of the last), and the
        episodes outside it are counted in a note.

    Returns
    -------
    Calibration
        A scenario starting the day after the window ends, from the open cases and staff in
        post then. Values not estimable from the extracts come from ``template`` and say so.

    Raises
    ------
    UserError
        When the window is not a date or is empty, or holds too few referrals to fit.
    """
    window_start, window_end = _as_date(window_start, "window_start"), _as_date(window_end, "window_end")
    given = (window_start is not None, window_end is not None)
    collection_years = sorted({int(y) for y in collection_years or () if y}) or None
    years = collection_years or []
    part_years: list[str] = []
    if years and not all(given):
        years, part_years = _whole_years(cases, years, trim=(not given[0], not given[1]))
    from_returns = returns_window(years)
    window_from = ("given", "given")
    if not all(given):
        kind = "returns" if from_returns is not None else "extracts"
        ds, de = from_returns or default_window(cases, roster)
        window_start = window_start or ds
        window_end = window_end or de
        window_from = tuple("given" if g else kind for g in given)
    if window_end <= window_start:
        came = {"given": "{} (--window-{})", "extracts": "{} (its {} found from the extracts, "
                "as none was given)", "returns": "{} (its {} from the returns' collection "
                "years, as none was given)"}
        raise UserError(
            f"the data window must end after it starts: it would run from "
            f"{came[window_from[0]].format(window_start, 'start')} to "
            f"{came[window_from[1]].format(window_end, 'end')}. Give a --window-start before "
            "the --window-end, each inside the period the data cover")
    w0 = day_number(window_start)
    w1x = day_number(window_end) + 1
    win = f"{window_start} to {window_end}"
    n_ref = len(referred_in(cases, w0, w1x))
    if n_ref < MIN_REFERRALS:
        raise UserError(
            f"{cases.source}: {n_ref} referral(s) in the data window {win} (CINreferralDate); "
            f"a calibration needs at least {MIN_REFERRALS} to fit anything from the cases. Is the "
            "extract complete, and the window the period it covers?")
    if not len(cases.stages):
        raise UserError(
            f"{cases.source}: none of the {len(cases.episodes):,} referral episodes has a date "
            "after its referral (an assessment, s47 enquiry, ICPC, plan, court, period of care or "
            "care leaving: AssessmentActualStartDate ... CareLeaverStartDate): every referral "
            "ended at the front door or the day it was made, so the pathway, the plans and the "
            "open cases cannot be fitted. Is the extract complete?")
    edge_notes = check_referrals_cover_window(cases, w0, w1x, win, roster, window_from)
    d = Draft(data=template.model_dump(mode="json"), window=win, template_name=template_name)
    d.notes.extend(edge_notes)
    if "returns" in window_from:
        d.notes.extend(part_years)
        _note_outside_collection_years(d, cases, w0, w1x, window_from)
    roster = _censuses_to_window_end(d, roster, w1x)
    roster, note = census_at(roster, cases, w1x)    # a flat roster's census, at the extract date
    d.notes.extend([note] if note else [])
    seq = stage_sequence(cases)

    demand = derive_demand(d, cases, template, w0, w1x, seed)
    derive_front_door(d, cases, template, w0, w1x)
    derive_rereferrals(d, cases, w0, w1x)
    derive_pathways(d, seq, template, w0, w1x)
    derive_plan_durations(d, seq, template, w0, w1x, seed, cases.source)
    derive_task_stages(d, seq, template, w0, w1x, seed)
    derive_elapsed(d, seq, template, w0, w1x)
    if fit_icpc:
        derive_icpc(d, seq, template, w0, w1x)
    derive_conference_slots(d, seq, template, w0, w1x)
    derive_open_cases(d, seq, cases, template, start_day=w1x)
    # the plausibility of the two extracts together, on the roster's social workers
    staff = staff_roster(d, roster, template, w0, w1x, cases, seq)
    note_extracts(d.notes, cases, seq, staff, template.teams, w0, w1x)
    wf0 = leavers_from(d, staff, w0, w1x)       # a roster of the recent leavers only
    derive_workforce(d, staff, template, wf0, w1x, seed)
    # the demand the pilot simulations run (the last 12 months', the year they are held to)
    d.later["pilot_referrals_per_year"] = last_year_referrals(cases.episodes, w0, w1x)
    if fit_pressure:
        observed, n_done = last_year_timeliness(seq, cases.episodes, template, w0, w1x)
        derive_pressure(d, roster, template, w1x, seed,
                        timeliness=observed if n_done >= MIN_ASSESSMENTS else float("nan"))
        refit_turnover(d, template, wf0, w1x)     # with the leaving effect just fitted
    _note_missing_stage_columns(d, cases, template)
    note_pressure_in_records(d)
    _identify(d, name, authority, sources, template)

    scenario = validate_scenario(d.data, source="<calibrated scenario>")
    if correct_timeliness:
        d.data = scenario.to_dict()
        correct_elapsed(d, seq, cases.episodes, template, w0, w1x, seed)
        correct_s47(d, seq, template, w0, w1x, seed)
        correct_icpc(d, seq, template, w0, w1x, seed)
        scenario = validate_scenario(d.data, source="<calibrated scenario>")
    fit_args = dict(name=name, authority=authority, template_name=template_name, sources=sources,
                    seed=seed, correct_timeliness=correct_timeliness, fit_icpc=fit_icpc,
                    fit_pressure=fit_pressure, collection_years=collection_years)
    return Calibration(scenario=scenario, data=scenario.to_dict(), table=d.table(),
                       provenance=d.provenance, window_start=window_start, window_end=window_end,
                       template_name=template_name, demand=demand, notes=d.notes, seq=seq,
                       template=template, fit_args=fit_args, window_from=window_from)


def _note_missing_stage_columns(d: Draft, cases: CaseData, template: Scenario) -> None:
    """A note for each stage whose columns the cases extract lacks altogether: no child is seen
    in it, and the outcome shares fitted send none there, as if the council had none (an
    extract without CourtStartDate and CourtEndDate was fitted with no care proceedings, the
    court's length the template's "as only 0 court plans ended", and nothing said). Not for
    the returns, whose readers say what each file gives."""
    from .extracts.layouts import STAGE_COLUMNS

    if "CINreferralDate" not in cases.columns:
        return
    for stage, c0, c1 in STAGE_COLUMNS:
        cols = [c for c in (c0, c1) if c]
        if stage not in template.stages or any(c in cases.columns for c in cols):
            continue
        into = [f"stages.{s}.next" for s, st in template.stages.items()
                if stage in st.next and d.provenance.get(f"stages.{s}.next", "").startswith(
                    "fitted")]
        d.notes.append(
            f"{cases.source}: no {' or '.join(cols)} column, so no child is seen in stage "
            f"{stage}: the fitted outcome shares send none there"
            + (f" ({', '.join(into)})" if into else "") + ", as if the council had none. If "
            f"its children go there, add the column{'s' if len(cols) > 1 else ''} (layout in "
            "docs/calibration.md); if they do not, this is right")


#: A collection year at either end of the returns whose referrals are fewer than this share of
#: the median of the others' is a part year's return (a census of 15 children beside censuses of
#: 300 a year): the default window leaves it out, with a note. The year before the first census
#: holds the referrals of the episodes still open when it began (a third of a year's in the
#: bundled returns), so a stray census of a few children there shows about a third; a whole
#: year's return holds far more than half of the others' referrals.
PART_YEAR_SHARE = 1 / 2


def _whole_years(cases: CaseData, years: list[int],
                 trim: tuple[bool, bool]) -> tuple[list[int], list[str]]:
    """The collection years the default window spans: ``years`` without those at the start
    (``trim[0]``) or the end (``trim[1]``) that hold fewer referrals (CINreferralDate within
    the year) than :data:`PART_YEAR_SHARE` of the median of the others, and a note for each
    left out. Read from 1 April before the first, a stray census of 15 children put a year of a
    third of the others' referrals into the fit (a trend of +31% a year instead of +5%)."""
    if len(years) < 2:
        return years, []
    ref = cases.episodes.referral.to_numpy(dtype=float)
    count = {y: int(((ref >= day_number(dt.date(y - 1, 4, 1)))
                     & (ref < day_number(dt.date(y, 4, 1)))).sum()) for y in years}
    kept = list(years)
    notes = []

    def part(y: int) -> bool:
        others = [count[x] for x in kept if x != y]
        return bool(others) and count[y] < PART_YEAR_SHARE * float(np.median(others))

    for end, option in ((0, "--window-start (window_start)"), (-1, "--window-end (window_end)")):
        while trim[end] and len(kept) > 1 and part(kept[end]):
            y = kept.pop(end)
            others = [count[x] for x in kept]
            edge = dt.date(y - 1, 4, 1) if end == 0 else dt.date(y, 3, 31)
            notes.append(
                f"{cases.source}: the collection year of the CIN census of {y} ({y - 1}-04-01 to "
                f"{y}-03-31) holds {count[y]:,} referral(s) (CINreferralDate), against "
                f"{min(others):,} to {max(others):,} in each of the other years: a part year's "
                f"return, left out of the data window; set {option} to {edge} to include it")
    return kept, notes


def _note_outside_collection_years(d: Draft, cases: CaseData, w0: float, w1x: float,
                                   window_from: tuple[str, str]) -> None:
    """With the window from the returns' collection years: a note counting the referral
    episodes closed before it starts (a census holds the children in need during its year, so
    one closed before the first year began is a stray record: it moved the window a year back,
    with the referral rate and trend fitted over a year the returns do not cover) and those
    referred after it ends. They are left out of the fit by its dates; no identifier is said."""
    ep = cases.episodes
    closed_before = int((ep.closure < w0).sum())
    after = int((ep.referral >= w1x).sum())
    if closed_before and window_from[0] == "returns":
        d.notes.append(
            f"{cases.source}: {closed_before:,} referral episode(s) closed (CINclosureDate) "
            f"before the data window begins on {to_date(w0)}, 1 April before the returns' first "
            "collection year: left out of the fit (the window is the collection years', not "
            "moved back to them); a census holds the children in need during its year, so check "
            "the returns if such records are not expected, or set --window-start (window_start)")
    if after and window_from[1] == "returns":
        d.notes.append(
            f"{cases.source}: {after:,} referral episode(s) referred (CINreferralDate) after the "
            f"data window ends on {to_date(w1x - 1)}, 31 March of the returns' last collection "
            "year: left out of the fit; set --window-end (window_end) to include them")


def _censuses_to_window_end(d: Draft, roster: Roster, w1x: float) -> Roster:
    """The roster's censuses as they stood at the window's end
    (:func:`~.returns.workers_across.census_up_to`: a census taken after it gave the caseloads
    under an earlier date), with notes saying which censuses were left out and counting the
    workers who drop out of the censuses without a RoleEndDate
    (:func:`~.returns.workers_across.vanished_note`). A flat extract has no censuses: as given."""
    if roster.census is None:
        return roster
    from .returns.workers_across import census_up_to, vanished_note

    roster, later = census_up_to(roster, w1x - 1)
    if later:
        kept = sorted({int(y) for y in roster.census.year})
        used = (f"the census of {kept[-1]} gives them (later ones are not read under an earlier "
                "date)" if kept else "no census was taken by then, so none is read")
        which = (f"the census of {later[0]}: its" if len(later) == 1 else
                 f"the censuses of {', '.join(str(y) for y in later)}: their")
        d.notes.append(
            f"{roster.source}: the data window ends on {to_date(w1x - 1)}, before {which} "
            f"Cases30 and WorkingDaysLost are left out of the caseloads, absence and pressure; "
            f"{used}")
    note = vanished_note(roster)
    if note:
        d.notes.append(note)
    return roster


def _as_date(value, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UserError(f"{name}: expected a date YYYY-MM-DD, got {value!r}") from None


def _identify(d: Draft, name: str | None, authority: str | None, sources: tuple[str, str],
              template: Scenario) -> None:
    """Name, description and sources: what was fitted, assumed and kept, from which files."""
    win = d.window
    d.data["name"] = name or f"Calibrated ({win})"
    d.data["authority"] = authority or "The authority whose extracts were fitted"
    kinds = {"fitted": [], "assumed": [], "from": []}
    for path, comment in sorted(d.provenance.items()):
        kinds[comment.split(" ", 1)[0]].append(path)
    d.data["description"] = (
        f"Calibrated by `workbench calibrate` from the council's extracts ({sources[0]}, "
        f"{sources[1]}) over the data window {win}; starts the day after the window ends. "
        f"Fitted: {', '.join(kinds['fitted']) or 'none'}. "
        f"Assumed (see comments): {', '.join(kinds['assumed']) or 'none'}. "
        f"Taken from {d.template_name} (not estimable from the extracts, or too uncertain: "
        "see each value's comment): "
        f"{', '.join(kinds['from']) or 'none'}; every other value is the template's.")
    src = {f"template_{k}": v for k, v in (template.sources or {}).items()}
    src["calibration"] = (f"Fitted from {sources[0]} and {sources[1]}, data window {win}, by "
                          f"workbench calibrate on {dt.date.today()}; template {d.template_name}. "
                          "Aggregates only; no child-level record is kept.")
    d.data["sources"] = src
