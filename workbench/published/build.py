"""A scenario for one authority from its published figures: a variant of the England-average
authority with every value citing the table, year and figure it came from.

What the published tables give, and how each value is made (the comments in the file repeat it):

- **start** at the latest 31 March in the children in need tables (or a year asked for);
- **demand**: the year's referrals, the trend over up to five years of referrals (a
  least-squares line through their logarithms, bounded at +-10% a year), re-referrals and
  referrals closed with no further action;
- **the pathway**: the England-average authority's probabilities, scaled by how far the
  authority's rates differ from England's in the same year (s47 enquiries per referral,
  assessed not in need, ICPCs per s47); ICPCs that start a plan (CP plans started / ICPCs);
  CP plan lengths from the plans ending by length (D7); the time children stay looked after
  scaled by the authority's stock per child ceasing against England's (Little's law); the
  elapsed part of assessments scaled by the authority's median assessment against England's;
- **the stocks** at that 31 March: children in need (B2), on CP plans (D1), looked after; the
  open assessments, enquiries and conferences from the year's flows (as the England-average file);
- **the workforce** at the 30 September before the start: case-holding FTE from the open cases
  and the published caseload, agency and vacancy rates, turnover, absence.

Everything else (work content, elapsed times, caps, pay, recruitment and agency cover as
calibrated, the pressure responses) is the England-average authority's, and the file says so.
A figure that is suppressed or missing falls back to the year before, then to the
England-average value, with a note.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from ..scenario.derive import merge_variant
from ..scenario.basics import one_line_text
from ..scenario.schema import validate_scenario
from .authorities import Authority, Figure
from .read import PublishedError
from .tables import CP_LENGTH_BANDS, table_of, where_to_find
from .workforce import set_workforce
from .years import _span, _why_not_later, given, where
from .yaml_text import scenario_text

__all__ = ["Built", "build_scenario"]

#: England-average assumptions reused here (scenarios/england_average.yaml, "initial").
ASSESSMENT_DAYS, S47_DAYS, ICPC_DAYS = 45, 14, 14
COURT_SHARE = 0.165                 # of children looked after: Durham's 130 of 788
CARE_LEAVERS_PER_LAC = 358 / 788    # Durham's young people 16+ per child looked after
TREND_YEARS, TREND_BOUND = 5, 10.0
RATIO_BOUNDS = (0.67, 1.5)          # a pathway rate at most 1.5 times England-average's or 1/1.5
EA = "england_average.yaml"
#: Measures the builder divides by (the referrals size the authority, the caseload gives the
#: staff in post): a figure of 0 is not usable.
DIVISORS = {"referrals", "caseload"}


@dataclass
class Built:
    """A generated scenario: the fields that differ from the England-average file, with a
    comment on each, and the notes of how it was made.

    Attributes
    ----------
    authority : Authority
        Whose figures it was built from.
    year : int
        The children in need year it starts at (31 March).
    data : dict
        The variant's fields (nested, as in a scenario file, without ``base``).
    comments : dict
        Dotted field path -> where the value came from.
    notes : list of str
        Fallbacks and matches a user should know about.
    base_name : str
        The base scenario's file name, which the comments name where its values are kept.
    """

    authority: Authority
    year: int
    data: dict
    comments: dict
    notes: list = field(default_factory=list)
    base_name: str = "england_average.yaml"

    def scenario(self, base: dict):
        """The validated :class:`~workbench.scenario.Scenario`: this variant over ``base``."""
        return validate_scenario(merge_variant(base, self.data), f"{self.authority.name} {self.year}")

    def text(self, base_ref: str, header: str = "") -> str:
        """The scenario file's text: ``base: base_ref``, then every field with its source."""
        return scenario_text({"base": base_ref, **self.data}, self.comments, header)

    def set(self, path: str, value, comment: str) -> None:
        """Set a (dotted) field and its comment."""
        node = self.data
        *parents, last = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
        self.comments[path] = comment


class _Source:
    """The authority's figures as at one date: children in need years up to ``year``, the
    workforce census up to the September before."""

    def __init__(self, auth: Authority, year: int, notes: list, base_name: str = EA):
        self.auth, self.year, self.notes, self.base_name = auth, year, notes, base_name

    def not_set(self, what: str, why: str) -> None:
        """A note that a value stays the base's because the files cannot give it: without one,
        a folder missing England's rows (a download filtered to one authority) kept the
        England-average pathway with no word."""
        self.notes.append(f"{what} is {self.base_name}'s: {why}")

    def england_missing(self, measures, year: int) -> str:
        """Why a comparison with England cannot be made: which of England's figures is not
        given for the year."""
        return (f"England's {' and '.join(measures)} for {year} not in the files (the "
                "'National' rows of the table: download the table with England's rows, not "
                "one authority's)")

    def _limit(self, measure: str) -> int:
        wf = self.auth.figures[self.auth.figures.measure == measure].year_ends
        return self.year - 1 if (len(wf) and wf.iloc[0] == "30 September") else self.year

    def la(self, measure: str, latest_only: bool = False) -> Figure | None:
        """The latest given figure at or before the date (a note when a later one is a gap).
        A count of referrals or a caseload is divided by: one given as 0 (or as ``low`` or
        ``k``, which the reader reads as 0) is a gap too."""
        limit = self._limit(measure)
        for y in range(limit, limit - (1 if latest_only else 3), -1):
            f = self.auth.get(measure, y)
            if f is not None and f.ok and (measure not in DIVISORS or f.value > 0):
                said = (f"{self.auth.name}: {measure} for {limit} is not given "
                        f"({self._gap(measure, limit)}): {y}'s figure used")
                if y != limit and said not in self.notes:   # once, however often it is asked
                    self.notes.append(said)
                return f
        return None

    def _gap(self, measure: str, year: int) -> str:
        f = self.auth.get(measure, year)
        if f is None:
            return "not in the files"
        if f.ok:
            return (f"{given(f)}, which cannot be divided by: {f.file}, line "
                    f"{where(self.auth, f)}")
        return f.status

    def england(self, measure: str, year: int) -> Figure | None:
        f = self.auth.england_figure(measure, year)
        return f if f is not None and f.ok else None


def _ratio(src: _Source, num: str, den: str, what: str = "") -> tuple[float, str] | None:
    """The authority's num/den over England's in the same year, and the citation; None (with a
    note saying why, for ``what``) when the files cannot give it."""
    a, b = src.la(num), src.la(den)
    why = ""
    if a is None or b is None:
        why = f"no {num if a is None else den} for {src.year} or the two years before"
    elif a.year != b.year:
        why = (f"its {num} is {a.year}'s and its {den} {b.year}'s (a figure not given), not "
               "one year's")
    elif b.value <= 0:
        why = f"its {den} for {b.year} is 0"
    else:
        ea, eb = src.england(num, a.year), src.england(den, a.year)
        if ea is None or eb is None or eb.value <= 0 or ea.value <= 0:
            why = src.england_missing([m for m, f in ((num, ea), (den, eb))
                                       if f is None or f.value <= 0], a.year)
    if why:
        if what:
            src.not_set(what, why)
        return None
    local, national = a.value / b.value, ea.value / eb.value
    return local / national, (f"{num}/{den} {local:.3f} ({a.cite()}; {b.cite()}) against "
                              f"England's {national:.3f} ({ea.value:g}/{eb.value:g})")


def _rescale(nxt: dict, fixed: dict) -> dict:
    """Outcome probabilities with some set (``fixed``) and the rest scaled to fill the gap,
    rounded to 3 decimals and summing to 1."""
    fixed = {k: min(max(v, 0.01), 0.95) for k, v in fixed.items()}
    total = sum(fixed.values())
    if total > 0.97:
        fixed = {k: v * 0.97 / total for k, v in fixed.items()}
        total = 0.97
    rest = {k: v for k, v in nxt.items() if k not in fixed}
    room, had = 1.0 - total, sum(rest.values())
    out = {**{k: v * room / had for k, v in rest.items()}, **fixed} if had > 0 else dict(fixed)
    out = {k: round(out[k], 3) for k in nxt if k in out}
    top = max(out, key=out.get)
    out[top] = round(out[top] + 1.0 - sum(out.values()), 3)
    return out


def _trend(src: _Source, built: Built) -> None:
    ea = built.base_name   # the base whose values are kept
    years = [y for y in src.auth.years("referrals") if y <= src.year][-TREND_YEARS:]
    if len(years) < 3:
        built.set("demand.trend_pct_per_year", 0,
                  "fewer than 3 years of referrals in the files: no trend"
                  + (f" ({ea} has none)" if ea == EA else ""))
        return
    figs = [src.auth.get("referrals", y) for y in years]
    zero = [f for f in figs if f.value <= 0]
    if zero:   # no line through the logarithm of 0: the year is left out of the trend
        built.notes.append(
            "the referrals' trend leaves out "
            + "; ".join(f"{f.year} ({f.column} {given(f)}: {f.file}, line "
                        f"{where(src.auth, f)})" for f in zero)
            + ": a count of 0 has no logarithm")
        figs = [f for f in figs if f.value > 0]
        years = [f.year for f in figs]
        if len(figs) < 3:
            built.set("demand.trend_pct_per_year", 0,
                      "fewer than 3 years of referrals above 0 in the files: no trend")
            return
    slope = np.polyfit(years, np.log([f.value for f in figs]), 1)[0]
    pct = float(np.clip(100 * (math.exp(slope) - 1), -TREND_BOUND, TREND_BOUND))
    series = ", ".join(f"{f.year}: {f.value:,.0f}" for f in figs)
    built.set("demand.trend_pct_per_year", round(pct, 1),
              f"the referrals' yearly change, a least-squares line through their logarithms "
              f"(C1 referral_count, {src.auth.name}, {series} [{figs[-1].file}]; bounded at "
              f"+-{TREND_BOUND:g}% a year"
              + "".join(f"; {f.year} left out: {given(f)}" for f in zero)
              + ")")


def _pathway(src: _Source, base: dict, built: Built) -> None:
    ea = built.base_name   # the base whose values are kept
    stages = base["stages"]
    nxt = dict(stages["assessment"]["next"])
    fixed, why = {}, []
    for outcome, (num, den) in {"s47": ("s47", "referrals"),
                                "close": ("not_in_need_pct", "referrals")}.items():
        if outcome == "close":
            a = src.la("not_in_need_pct")
            e = src.england("not_in_need_pct", a.year) if a else None
            if a is None or e is None or e.value <= 0:
                src.not_set("the share of assessments closed (assessed not in need)",
                            src.england_missing(["not_in_need_pct"], a.year) if a else
                            f"no not_in_need_pct for {src.year} or the two years before")
                continue
            r, text = a.value / e.value, (f"assessed not in need {a.value:g}% ({a.cite()}) "
                                          f"against England's {e.value:g}%")
        else:
            got = _ratio(src, num, den, "the share of assessments leading to an s47 enquiry")
            if got is None:
                continue
            r, text = got
        r = float(np.clip(r, *RATIO_BOUNDS))
        fixed[outcome] = nxt[outcome] * r
        why.append(f"{outcome}: {ea}'s {nxt[outcome]:g} x {r:.2f}, from {text}")
    if fixed:
        built.set("stages.assessment.next", _rescale(nxt, fixed),
                  "the England-average pathway scaled by this authority's rates against "
                  f"England's (factors bounded to {RATIO_BOUNDS[0]:g}-{RATIO_BOUNDS[1]:g}: the "
                  "model's routes into an s47 are more than the assessment's); the other "
                  "outcomes share the rest as in the England-average file. "
                  + "; ".join(why))
    s47 = dict(stages["s47"]["next"])
    got = _ratio(src, "icpc", "s47", "the share of s47 enquiries leading to an ICPC")
    if got is not None:
        r = float(np.clip(got[0], *RATIO_BOUNDS))
        built.set("stages.s47.next", _rescale(s47, {"icpc": s47["icpc"] * r}),
                  f"icpc: {ea}'s {s47['icpc']:g} x {r:.2f}, from {got[1]}; the factor "
                  f"bounded to {RATIO_BOUNDS[0]:g}-{RATIO_BOUNDS[1]:g}")
    starts, icpc = src.la("cp_starts"), src.la("icpc")
    if starts is not None and icpc is not None and icpc.value > 0 and starts.year == icpc.year:
        cp = min(starts.value / icpc.value, 0.98)
        built.set("stages.icpc.next", {"cp": round(cp, 3), "cin": round(1 - round(cp, 3), 3)},
                  f"CP plans started per ICPC {cp:.3f} ({starts.cite()}; {icpc.cite()}; plans "
                  "started after a transfer in count too, so it is capped at 0.98)")
    elif starts is not None and icpc is not None:
        src.not_set("the share of ICPCs starting a CP plan",
                    f"its cp_starts is {starts.year}'s and its icpc {icpc.year}'s (a figure not "
                    "given), not one year's" if starts.year != icpc.year else
                    f"its icpc for {icpc.year} is 0")
    _cp_lengths(src, base, built)
    _lac_stay(src, base, built)
    _assessment_elapsed(src, base, built)
    _conference_slots(src, base, built)


def _conference_slots(src: _Source, base: dict, built: Built) -> None:
    """Conference chairs scaled with the conferences the model will ask for: referrals, and
    the s47 and ICPC probabilities just set, against the England-average file's (so its
    headroom is kept; too few chairs make every conference late)."""
    ea = built.base_name   # the base whose values are kept
    ref, slots = src.la("referrals"), (base.get("conferences") or {}).get("slots_per_working_day")
    if ref is None or not slots:
        return
    stages, mine = base["stages"], built.data.get("stages", {})
    factor = ref.value / float(base["demand"]["referrals_per_year"])
    why = [f"referrals {ref.value:,.0f} against {base['demand']['referrals_per_year']:,}"]
    for stage, outcome in (("assessment", "s47"), ("s47", "icpc")):
        new = mine.get(stage, {}).get("next", {}).get(outcome)
        if new:
            factor *= new / stages[stage]["next"][outcome]
            why.append(f"{stage} -> {outcome} {new:g} against {stages[stage]['next'][outcome]:g}")
    built.set("conferences.slots_per_working_day", max(1.0, round(slots * factor, 1)),
              f"assumption: {ea}'s {slots:g} a working day x {factor:.2f}, for the conferences "
              f"the model will hold ({'; '.join(why)})")


def _cp_lengths(src: _Source, base: dict, built: Built) -> None:
    ea = built.base_name   # the base whose values are kept
    figs = {m: src.auth.get(m, src.year) for m in CP_LENGTH_BANDS}
    ended = src.auth.get("cp_ended", src.year)
    if ended is None or not ended.ok or any(f is None for f in figs.values()):
        built.notes.append(f"no CP plan lengths (D7) for {src.year}: {ea}'s kept")
        return
    known = {m: f.value for m, f in figs.items() if f.ok}
    gaps = [m for m in figs if m not in known]
    spare = ended.value - sum(known.values())
    if gaps and spare < 0:
        built.notes.append(f"CP plan lengths for {src.year} do not add up: {ea}'s kept")
        return
    counts = {**known, **{m: spare / len(gaps) for m in gaps}}
    total = sum(counts.values())
    if total <= 0:
        return
    probs = [round(counts[m] / total, 3) for m in CP_LENGTH_BANDS]
    probs[int(np.argmax(probs))] += round(1 - sum(probs), 3)
    edges = list(base["stages"]["cp"]["duration_days"]["edges"])
    # a band left blank or ':' is not given, not suppressed: said as the file gives it
    hidden = all(figs[m].status.startswith("suppressed") for m in gaps)
    fill = (f"; {'suppressed bands' if hidden else 'bands not given'} ("
            + ", ".join(figs[m].column + ("" if hidden else f" {figs[m].raw or 'blank'}")
                        for m in gaps)
            + f") share the {spare:g} plans the others leave" if gaps else "")
    built.set("stages.cp.duration_days",
              {"dist": "histogram", "edges": edges, "probs": [round(p, 3) for p in probs]},
              f"CP plans ending by length: D7, {src.auth.name}, year to 31 March {src.year} "
              f"[{ended.file}]: "
              + ", ".join(f"{figs[m].column} = {figs[m].raw}" for m in CP_LENGTH_BANDS)
              + f" of CPP_End = {ended.raw}{fill}; edges as {ea} (2 years+ closed at 3 years)")


def _lac_stay(src: _Source, base: dict, built: Built) -> None:
    ea = built.base_name   # the base whose values are kept
    got = _ratio(src, "lac_at31", "lac_ceased", "the time in care (mean stay)")
    dist = dict(base["stages"]["lac"]["duration_days"])
    if got is None or "mean" not in dist:
        return
    r = float(np.clip(got[0], 0.5, 2.0))
    dist["mean"] = round(dist["mean"] * r)
    built.set("stages.lac.duration_days", dist,
              f"{ea}'s mean stay x {r:.2f}: children looked after at 31 March per child ceasing "
              f"in the year (Little's law), {got[1]}; bounded to 0.5-2")


def _assessment_elapsed(src: _Source, base: dict, built: Built) -> None:
    ea = built.base_name   # the base whose values are kept
    a = src.la("assess_median", latest_only=True)
    e = src.england("assess_median", a.year) if a else None
    dist = dict(base["stages"]["assessment"].get("elapsed_wd") or {})
    if dist.get("dist") != "histogram":
        return
    if a is None or e is None or e.value <= 0:
        src.not_set("the elapsed time of an assessment",
                    src.england_missing(["assess_median"], a.year) if a else
                    f"no assess_median for {src.year}")
        return
    r = float(np.clip(a.value / e.value, 0.6, 1.6))
    dist["edges"] = [round(x * r, 1) for x in dist["edges"]]
    calibrated = " (calibrated to England's durations)" if ea == EA else ""
    built.set("stages.assessment.elapsed_wd", dist,
              f"assumption: {ea}'s elapsed time{calibrated} stretched by "
              f"this authority's median assessment against England's: {a.value:g} against "
              f"{e.value:g} working days, x {r:.2f} ({a.cite()}); bounded to 0.6-1.6")


def _stocks(src: _Source, base: dict, built: Built) -> dict:
    """The open cases at the start, by stage, with a comment on each."""
    ea = built.base_name   # the base whose values are kept
    ea_open = base["initial"]["open_cases"]
    size = _size(src, base)
    got, c = {}, {}

    def take(measure: str, what: str, ea_stage: str | None = None):
        f = src.la(measure)
        if f is None and ea_stage:
            built.notes.append(f"{measure} not in the files: {ea}'s {what} scaled by referrals")
            return ea_open[ea_stage] * size, f"not in the files: {ea}'s x {size:.2f}"
        if f is None:
            raise PublishedError(f"{src.auth.name}: no {what} ({measure}) for {src.year} or the "
                                 f"two years before in the files: "
                                 + where_to_find(src.auth.england, src.auth.name, measure,
                                                 src.year))
        return f.value, f.cite()

    flows = {"assessment": ("assessments", ASSESSMENT_DAYS), "s47": ("s47", S47_DAYS),
             "icpc": ("icpc", ICPC_DAYS)}
    for stage, (measure, days) in flows.items():
        f = src.la(measure)
        if f is None:
            # the base's open cases are a stock already: they were taken for a year's flow and
            # cut to 45/365 of it again (477 x 1.69 open assessments became 99, not 804)
            built.notes.append(f"{measure} not in the files: {ea}'s open {stage} cases scaled "
                               "by referrals")
            got[stage] = round(ea_open[stage] * size)
            c[stage] = (f"not in the files: {ea}'s {ea_open[stage]:,} open x {size:.2f} (this "
                        "authority's referrals against its)")
            continue
        got[stage] = round(f.value * days / 365)
        c[stage] = f"{f.value:,.0f} a year x {days} days / 365 (assumption as {ea}; {f.cite()})"
    cp, c["cp"] = take("cp_at31", "children on CP plans at 31 March", "cp")
    lac, lac_cite = take("lac_at31", "children looked after at 31 March")
    cin, cin_cite = take("cin_at31", "children in need at 31 March")
    got["cp"] = round(cp)
    got["court"] = round(lac * COURT_SHARE)
    got["lac"] = round(lac) - got["court"]
    c["court"] = f"{COURT_SHARE:.1%} of {lac:,.0f} looked after in proceedings (assumption as {ea}; {lac_cite})"
    c["lac"] = f"{lac:,.0f} looked after less those in proceedings ({lac_cite})"
    got["care_leaver"] = round(lac * CARE_LEAVERS_PER_LAC)
    c["care_leaver"] = (f"assumption as {ea}: Durham's 358 young people 16+ per 788 looked "
                        f"after, x {lac:,.0f}")
    rest = cin - got["cp"] - round(lac) - got["assessment"] - got["s47"] - got["icpc"]
    if rest < 0:
        built.notes.append(f"children in need at 31 March ({cin:,.0f}) are fewer than those on "
                           "plans, looked after and being assessed: no CIN plans at the start")
        rest = 0
    dis = src.la("cin_disabled")
    share = dis.value / cin if dis is not None and cin > 0 else 0.13
    if dis is None or cin <= 0:     # the count not given: the file's percentage, if it is
        dis = src.la("cin_disabled_pct")
        share = dis.value / 100 if dis is not None else 0.13
    got["cin_disability"] = round(rest * share)
    got["cin"] = round(rest) - got["cin_disability"]
    c["cin"] = (f"children in need at 31 March {cin:,.0f} ({cin_cite}) less CP plans, looked "
                f"after and open assessments, enquiries and conferences: {rest:,.0f} on CIN "
                f"plans; the rest of those with a disability recorded")
    c["cin_disability"] = (f"{share:.1%} of {rest:,.0f} CIN plans: the share of children in "
                           "need with a disability recorded (" + (dis.cite() if dis else
                           f"not in the files: {ea}'s 13%") + ")")
    order = ["assessment", "s47", "icpc", "cin", "cin_disability", "cp", "court", "lac",
             "care_leaver"]
    for stage in order:
        built.set(f"initial.open_cases.{stage}", int(got[stage]), c[stage])
    return got


def _size(src: _Source, base: dict) -> float:
    f = src.la("referrals")
    if f is None:
        raise PublishedError(f"{src.auth.name}: no referrals (C1 referral_count) for {src.year} "
                             "or the two years before in the files: download the C1 table")
    return f.value / float(base["demand"]["referrals_per_year"])


def _one_line_name(auth: Authority) -> None:
    """Refuse an authority whose name (as the files give it) holds a control or invisible
    character: the scenario's name and authority must be one line of visible text."""
    try:
        one_line_text(auth.name)
    except ValueError as exc:
        rows = auth.figures[auth.figures.name == auth.name]
        at = (f"{rows.file.iloc[0]}, line {rows.line.iloc[0]}, column la_name"
              if not rows.empty and "line" in rows else "the files' column la_name")
        raise PublishedError(f"{at}: the authority's name {auth.name!r} {exc}; expected its "
                             f"name as plain text") from None


def _no_surge_running(base: dict, year: int, base_name: str) -> None:
    """Refuse a base whose demand surge is running on the scenario's first day: the model
    multiplies the published referrals by it from then on (demand_surge.yaml's x1.35 from April
    2018 ran County Durham at 9,415 referrals a year while the file cited the published 6,974)."""
    start = dt.date(year, 3, 31)
    for i, surge in enumerate((base.get("demand") or {}).get("surges") or ()):
        begins, ends = surge.get("start_date"), surge.get("end_date")
        if not isinstance(begins, dt.date) or begins > start or (ends is not None and ends <= start):
            continue
        until = f" to {ends}" if ends is not None else ""
        raise PublishedError(
            f"--base {base_name}: its demand.surges.{i} (referrals x {surge.get('multiplier', 1):g} "
            f"from {begins}{until}) is running on 31 March {year}, when the scenario starts: the "
            "model would multiply the published referrals, which count any rise already, by it "
            "from the first day. Give a base without it (such as england_average.yaml), and add "
            f"to the written file a surge that starts after 31 March {year} if one is meant")


def _never_given(auth: Authority) -> None:
    """The authority's referrals in the files but not given in any year (suppressed, as the
    Isles of Scilly's small counts are): it was told "no referrals for it in c1_...csv: is the
    file a selection of authorities without it? Download the C1 table", though its rows were
    there. A :class:`PublishedError` saying what the rows hold."""
    rows = auth.figures[auth.figures.measure == "referrals"]
    if rows.empty:
        return
    parts = []
    for (raw, status), g in rows.groupby(["raw", "status"], sort=False):
        parts.append(f"{_span(sorted(g.year.unique().tolist()))}: '{raw}', {status}")
    raise PublishedError(f"{auth.name}: its referrals (C1 referral_count) are in "
                         f"{', '.join(sorted(rows.file.unique()))} but not given in any year "
                         f"({'; '.join(parts)}). The scenario is sized by its referrals, so it "
                         "cannot be built from the published tables: build it from the "
                         "council's own returns (workbench calibrate --returns)")


def _none_above_zero(auth: Authority, year: int, years: list[int]) -> None:
    """Referrals given as 0 or 'low' (rounds to 0) for ``year`` and the two years before: the
    message said "download the C1 table, or give another --year", though the table was there
    and, when no year had more, no --year would do. A :class:`PublishedError` saying what the
    rows hold, and the years with referrals above 0 if any."""
    f = auth.figures
    rows = f[(f.measure == "referrals") & f.year.between(year - 2, year) & f.value.notna()]
    if rows.empty:
        return
    shown = ", ".join(f"{int(r.year)}: '{r.raw}'" for r in rows.sort_values("year").itertuples())
    more = sorted(f[(f.measure == "referrals") & (f.value > 0)].year.unique().tolist())
    then = (f"give a --year with referrals above 0 ({', '.join(str(y) for y in more)})" if more
            else "no year in the files has more, so build it from the council's own returns "
                 "(workbench calibrate --returns)")
    raise PublishedError(f"{auth.name}: its referrals (C1 referral_count) are 0 or round to 0 "
                         f"for {year} and the two years before ({shown}; "
                         f"{', '.join(sorted(rows.file.unique()))}): the scenario is sized by "
                         f"its referrals; {then}")


def build_scenario(auth: Authority, base: dict, *, year: int | None = None,
                   base_name: str = "england_average.yaml") -> Built:
    """The scenario of one authority as at 31 March of a year, from its published figures.

    Parameters
    ----------
    auth : Authority
        From :func:`~workbench.published.authorities.find_authority`.
    base : dict
        The England-average scenario as plain data (``workbench.scenario.load.load_raw``).
    year : int, optional
        The children in need year to start from (default: the latest with referrals). Only
        figures up to it (and the workforce census of the September before) are used, so a
        scenario as at an earlier year can be checked against the years after it.
    base_name : str
        The base file's name, for the comments.

    Returns
    -------
    Built
    """
    years = auth.years("referrals")
    if not years:
        _never_given(auth)
        eng = auth.england[auth.england.measure == "referrals"]
        if len(eng):
            # the C1 table was read (England's row is there): "download the C1 table" misled
            raise PublishedError(f"{auth.name}: no referrals (C1 referral_count) for it in "
                                 f"{', '.join(sorted(eng.file.unique()))}, which give England's: "
                                 "is the file a selection of authorities without it? Download "
                                 "the C1 table by local authority")
        raise PublishedError(f"{auth.name}: no referrals (C1 referral_count) in the files: "
                             "download the C1 table")
    if year is not None and not years[0] <= int(year) <= years[-1]:
        raise PublishedError(f"--year {year}: {auth.name}'s referrals (C1 referral_count) in "
                             f"the files cover {_span(years)}: give a year from {years[0]} to "
                             f"{years[-1]}, or leave --year out for the latest")
    given_year = year
    year = years[-1] if year is None else int(year)
    _one_line_name(auth)
    _no_surge_running(base, year, base_name)
    built = Built(auth, year, {}, {}, list(auth.notes), base_name=base_name)
    if given_year is None:
        built.notes.extend(_why_not_later(auth, year))
    src = _Source(auth, year, built.notes, base_name)
    ref = src.la("referrals")
    if ref is None:
        _none_above_zero(auth, year, years)
        raise PublishedError(f"{auth.name}: no referrals (C1 referral_count) above 0 for {year} "
                             f"or the two years before in the files (they cover "
                             f"{_span(years)}); download the C1 table, or give another --year")
    built.set("name", f"{auth.name} (published statistics {year})",
              "labels the scenario in tables and charts")
    built.set("description", f"{auth.name} from the Department for Education's published "
              f"statistics, as at 31 March {year}: demand, pathway rates, stocks and workforce "
              f"from the tables; work content and elapsed times from {base_name}.",
              "written by workbench from-published")
    built.set("authority", auth.name, f"new_la_code {auth.code}" if auth.code else
              "the files give it no new_la_code")
    built.set("start_date", dt.date(year, 3, 31),
              f"31 March {year}: the end of the latest children in need year used")
    built.set("demand.referrals_per_year", int(ref.value), ref.cite())
    _trend(src, built)
    for path, measure in (("demand.rereferral_pct", "rereferral_pct"),
                          ("front_door.nfa_pct", "nfa_pct")):
        f = src.la(measure)
        if f is not None:
            built.set(path, f.value, f.cite())
        else:
            src.not_set(path, f"no {measure} for {year} or the two years before")
    _pathway(src, base, built)
    stocks = _stocks(src, base, built)
    set_workforce(src, base, built, sum(stocks.values()), ref.value)
    return built
