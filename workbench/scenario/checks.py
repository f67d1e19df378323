"""Checks of a whole scenario, across its blocks: names that must refer to something, routes
that would loop without time passing, and sizes that would not fit in memory.

Each returns a list of problems, each naming its field path; the schema raises them together.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Any

from .basics import MAX_REFERRALS_PER_RUN, MAX_WORKFORCE, MEMORY_NOTE
from .routes import plans_over_before_their_work, routes_that_never_close, zero_time_loops
from .staff_checks import (agency_leaving, front_door_staff, over_establishment,
                           restricted_staff_only, staff_who_cannot_hold)


def whole_scenario_problems(sc: Any) -> list[str]:
    """Every cross-block problem of a validated-field :class:`~workbench.scenario.Scenario`."""
    return (reference_problems(sc) + zero_time_loops(sc) + demand_size(sc) + workforce_size(sc)
            + caps_problems(sc) + idle_teams(sc) + before_the_start(sc) + case_hours(sc)
            + priority_spread(sc) + statutory_clocks(sc) + front_door_staff(sc)
            + routes_that_never_close(sc))


#: The clocks the timeliness measures are named for (Working Together 2023, domain.md): an
#: assessment within 45 working days of the referral, an initial conference within 15 working
#: days of the strategy discussion (the start of the s47 enquiry, the stage before it). The
#: measures (``assessment_within_45wd_pct``, ``icpc_within_15wd_pct``) say so in their names.
STATUTORY_CLOCKS = {"assessment": ("referral", 45, "of the referral"),
                    "icpc": ("previous", 15, "of the strategy discussion (the s47 start, the "
                                             "stage before)")}


def statutory_clocks(sc: Any) -> list[str]:
    """Clocks that would change what a statutory measure measures, and settings that have no
    clock or conference to act on.

    A clock of 20 working days on the assessment was measured, and reported as "within 45
    working days" (83.8% became 20.1%, called a fall in timeliness); a local target is not
    modelled. ``booked`` makes a task wait for a child protection conference's slot, so it is
    for the initial conference only (an assessment booked took conference slots), and
    ``checkpoints_wd`` are days on the stage's clock, which it must have."""
    out = []
    for name, stage in sc.stages.items():
        want = STATUTORY_CLOCKS.get(name)
        clock = stage.clock
        if want is not None and clock is not None and (clock.start, clock.target_wd) != want[:2]:
            out.append(f"stages.{name}.clock: the measure of this stage counts {want[1]} working "
                       f"days {want[2]} (start: {want[0]}, target_wd: {want[1]}), as its name "
                       f"says; got start: {clock.start}, target_wd: {clock.target_wd}. Give "
                       f"those values or leave the clock out (a local target is not modelled)")
        if stage.booked and name != "icpc":
            out.append(f"stages.{name}.booked: only the initial child protection conference "
                       f"(icpc) is booked into the conference chairs' slots (see conferences); "
                       f"remove booked from {name}")
        if stage.checkpoints_wd and clock is None:
            out.append(f"stages.{name}.checkpoints_wd: checkpoints are working days on the "
                       f"stage's clock, and it has none; give it a clock (e.g. clock: {{start: "
                       f"referral, target_wd: 45}}) or remove the checkpoints")
    return out


#: The widest ratio between two tasks' shares of a worker's hours. A task's share is its
#: priority (times checkpoint_priority_factor at each checkpoint passed) over the sum of hers:
#: near 1e15 the smaller share rounds to nothing in floating point and the run spun for ever at
#: one instant (a priority of 1e-15 beside 10; 100 x 10^20 after twenty checkpoints beside
#: 0.01). assumption: 1e9 leaves a margin of a million below that, and is far beyond any
#: difference a manager means (the bundled files spread 3 to 10, 1.5 a checkpoint).
MAX_PRIORITY_SPREAD = 1e9


def priority_spread(sc: Any) -> list[str]:
    """Priorities (with their checkpoints' factors) too far apart to share hours between."""
    top = {n: s.priority * s.checkpoint_priority_factor ** len(s.checkpoints_wd)
           for n, s in sc.stages.items()}
    high = max(top, key=top.get)
    low = min(sc.stages, key=lambda n: sc.stages[n].priority)
    spread = top[high] / sc.stages[low].priority
    if spread <= MAX_PRIORITY_SPREAD:
        return []
    return [f"stages.{high}.priority: with its checkpoints its tasks' priority reaches "
            f"{top[high]:.3g}, {spread:.3g} times stages.{low}.priority ({sc.stages[low].priority:g});"
            f" shares of a worker's hours cannot be computed that far apart (at most "
            f"{MAX_PRIORITY_SPREAD:.0e} times): bring them closer, or use fewer checkpoints or a "
            f"smaller checkpoint_priority_factor"]


#: The fewest hours a week for cases a full-time post can have (hours x case time x time not
#: absent). Below it a post cannot hold a case: pressure drives every worker out within weeks and
#: the run measures nothing but that. assumption: a quarter of the baseline's 25 hours is already
#: far outside any council's; each field's own bound allows much less when all are at it.
MIN_CASE_HOURS = 5.0


def case_hours(sc: Any) -> list[str]:
    """A full-time post's hours for cases, from the three working-time fields together."""
    w = sc.working_time
    hours = w.hours_per_fte_week * w.case_time_pct / 100 * (1 - w.absence_pct / 100)
    if hours >= MIN_CASE_HOURS:
        return []
    return [f"working_time: a full-time post would have {hours:.2g} hours a week for cases "
            f"(hours_per_fte_week {w.hours_per_fte_week:g} x case_time_pct "
            f"{w.case_time_pct:g}% x (100 - absence_pct {w.absence_pct:g})%), under "
            f"{MIN_CASE_HOURS:g}: no post that short can hold a case (the baseline's has about 25)"]


def idle_teams(sc: Any) -> list[str]:
    """Case-holding teams with staff or funded posts that no stage gives work to: no stage is
    held by them and no transfer moves cases to them. Their staff would hold no cases, yet count
    in the caseload, vacancy, agency and cost measures. Usually a misspelt team name in a variant
    (a Cyrillic 'с' for a Latin 'c' makes a new team instead of changing the base's)."""
    used = {s.team for s in sc.stages.values()}
    used |= {s.transfer.to_team for s in sc.stages.values() if s.transfer}
    problems = []
    for name, team in sc.teams.items():
        staff = sum(g.count for g in team.staff)
        if not team.case_holding or name in used or (staff == 0 and team.establishment_fte == 0):
            continue
        odd = sorted({ch for ch in name if not ch.isascii()})
        lookalike = (f"; its name holds characters that are not plain ASCII "
                     f"({', '.join(f'U+{ord(ch):04X}' for ch in odd)}): is it a look-alike of "
                     f"one of {sorted(used)}?" if odd else _team_hint(name, used))
        problems.append(
            f"teams.{name}: no stage is held by this team (stages.*.team) and no transfer moves "
            f"cases to it, so its {staff:,} staff and {team.establishment_fte:g} funded posts "
            f"would hold no cases while counting in the caseload, vacancy and cost measures; "
            f"give it a stage, remove it, or check its name{lookalike}")
    return problems


def before_the_start(sc: Any) -> list[str]:
    """Policy dates before the scenario's start date that the run would not read as meant:
    a campaign's hires due before the start all arrive on the first day (and those before the
    snapshot are already in the staff in post), a campaign that ended before the start is
    silently skipped, and academy cohorts due before the start all join on the first day."""
    start = sc.start_date
    problems = []
    for i, c in enumerate(sc.recruitment.campaigns):
        if c.start_date < start:
            problems.append(
                f"recruitment.campaigns.{i}.start_date: {c.start_date} is before the scenario's "
                f"start_date ({start}); staff hired before the start are in the staff in post "
                f"(teams.*.staff), and the run would bring every hire due before the start in on "
                f"its first day (or skip a campaign that has ended); give the part of the "
                f"campaign from {start} on, with its hires and cost")
    first = sc.academy.first_intake_date
    if sc.academy.intake_per_year and first is not None and first < start:
        problems.append(
            f"academy.first_intake_date: {first} is before the scenario's start_date ({start}); "
            f"the run would bring in every yearly cohort due since then on its first day; "
            f"trainees already in post are in teams.*.staff (type academy): give the first "
            f"intake on or after {start}, or leave it out (the first start_month after the start)")
    return problems


def caps_problems(sc: Any) -> list[str]:
    """Teams holding a stage where every worker type's cap is 0: no one could ever be allocated
    one of its children (managers allocating after a wait go up to a share of the cap, also 0),
    so every child waits for the whole run and the KPIs say nothing."""
    problems = []
    for team in sorted({s.team for s in sc.stages.values()}):
        t = sc.teams.get(team)
        if t is None:
            continue  # reported by reference_problems
        caps = {w: (t.caps or {}).get(w, sc.caseload.caps[w]) for w in sc.caseload.caps}
        if caps and all(c == 0 for c in caps.values()):
            problems.append(f"teams.{team}: every worker type's caseload cap is 0 (caseload.caps, "
                            f"teams.{team}.caps), so no one could hold its cases; give at least "
                            f"one type a cap above 0")
    return problems


def _team_hint(name: str, teams) -> str:
    """A team of ``teams`` that ``name`` (not one of them) differs from only by letter case,
    spaces or an invisible character, as a question naming what differs ("'first\u200b_contact'
    is not a team" read on screen as the team itself); "" when none."""
    def key(t: str) -> str:
        t = "".join(ch for ch in str(t) if unicodedata.category(ch) not in ("Cf", "Cc"))
        return " ".join(t.split()).casefold()
    near = [t for t in teams if key(t) == key(name)]
    if not near:
        return ""
    hidden = sorted({f"U+{ord(ch):04X}" for ch in str(name)
                     if unicodedata.category(ch) in ("Cf", "Cc") or (ch.isspace() and ch != " ")})
    what = (f"it holds an invisible character ({', '.join(hidden)}); retype it" if hidden
            else "it differs only by letter case or spaces; team names are matched exactly")
    return f"; did you mean '{near[0]}'? ({what})"


def reference_problems(sc: Any) -> list[str]:
    """Names that must refer to something defined elsewhere in the scenario."""
    problems = []
    for name, stage in sc.stages.items():
        if stage.team not in sc.teams:
            problems.append(
                f"stages.{name}.team: '{stage.team}' is not a team (teams: {sorted(sc.teams)})"
                f"{_team_hint(stage.team, sc.teams)}")
        elif not sc.teams[stage.team].case_holding:
            problems.append(f"stages.{name}.team: '{stage.team}' does not hold cases")
        for out in stage.next:
            if out != "close" and out not in sc.stages:
                problems.append(f"stages.{name}.next: outcome '{out}' is not a stage defined here")
        if stage.transfer and stage.transfer.to_team not in sc.teams:
            problems.append(f"stages.{name}.transfer.to_team: '{stage.transfer.to_team}' is not "
                            f"a team{_team_hint(stage.transfer.to_team, sc.teams)}")
        elif stage.transfer and not sc.teams[stage.transfer.to_team].case_holding:
            # the children were held by its staff and left out of every caseload measure
            problems.append(f"stages.{name}.transfer.to_team: '{stage.transfer.to_team}' does "
                            f"not hold cases (case_holding: false): give a case-holding team")
    if sc.front_door.team not in sc.teams:
        problems.append(f"front_door.team: '{sc.front_door.team}' is not a team"
                        f"{_team_hint(sc.front_door.team, sc.teams)}")
    if sc.academy.intake_per_year and sc.academy.team not in sc.teams:
        problems.append(f"academy.team: '{sc.academy.team}' is not a team"
                        f"{_team_hint(sc.academy.team, sc.teams)}")
    elif sc.academy.intake_per_year and not sc.teams[sc.academy.team].case_holding:
        # trainees there were paid and counted as social workers but never held a case
        problems.append(f"academy.team: '{sc.academy.team}' does not hold cases (the academy's "
                        "trainees learn by holding cases: give a case-holding team)")
    for i, c in enumerate(sc.recruitment.campaigns):
        if c.team is not None and c.team not in sc.teams:
            problems.append(f"recruitment.campaigns.{i}.team: '{c.team}' is not a team"
                            f"{_team_hint(c.team, sc.teams)}")
    if sc.pressure.unqualified_cases_max > 0:
        for st in sc.pressure.unqualified_stages:
            if st not in sc.stages:
                problems.append(f"pressure.unqualified_stages: '{st}' is not a stage defined here")
            elif sc.stages[st].kind != "plan":
                problems.append(f"pressure.unqualified_stages: '{st}' is a task stage; only plans "
                                "can be held by non-qualified staff")
    if "assessment" not in sc.stages:
        problems.append("stages: an 'assessment' stage is required (every accepted referral starts one)")
    for where, counts in (("initial.open_cases", sc.initial.open_cases),
                          ("initial.unallocated", sc.initial.unallocated)):
        for st in counts:
            if st not in sc.stages:
                problems.append(f"{where}.{st}: not a stage defined in this scenario")
    for st, n in sc.initial.unallocated.items():
        if n > sc.initial.open_cases.get(st, 0):
            problems.append(
                f"initial.unallocated.{st}: {n} exceeds the {sc.initial.open_cases.get(st, 0)} open cases")
    return problems

def workforce_size(sc: Any) -> list[str]:
    """Staff in post, funded posts and campaign hires over all teams, against one bound."""
    sizes = {
        "staff in post (teams.*.staff counts)":
            sum(g.count for t in sc.teams.values() for g in t.staff),
        "funded posts (teams.*.establishment_fte)":
            sum(t.establishment_fte for t in sc.teams.values()),
        "campaign hires (recruitment.campaigns.*.hires)":
            sum(c.hires for c in sc.recruitment.campaigns),
    }
    return [f"teams: {n:,.0f} {what} in all; at most {MAX_WORKFORCE:,} are supported (more "
            f"than half of England's children's social workers; {MEMORY_NOTE})"
            for what, n in sizes.items() if n > MAX_WORKFORCE]

def demand_size(sc: Any, years: float | None = None) -> list[str]:
    """Referrals over the run, at most: the busiest month's rate, grown by the trend and
    every surge, over the whole horizon (an upper bound, cheap to compute). ``years``: a
    horizon given for the run (``--years``) instead of the scenario's own; a trend of 100% a
    year over a horizon of 1 passes, but run for 30 years asked for 32 TiB of memory."""
    d = sc.demand
    years = sc.horizon_years if years is None else float(years)
    busiest = max(d.seasonality) * len(d.seasonality) / sum(d.seasonality)
    growth = max(1.0, (1 + d.trend_pct_per_year / 100) ** years)
    surges = math.prod(s.multiplier for s in d.surges if s.multiplier > 1)
    peak = d.referrals_per_year * busiest * growth * surges
    total = peak * years
    if total <= MAX_REFERRALS_PER_RUN:
        return []
    return [f"demand: {d.referrals_per_year:,.0f} referrals a year, in the busiest month, with a "
            f"trend of {d.trend_pct_per_year:g}% a year over {years:g} years and any "
            f"surges, could reach {_count(peak)} a year: up to {_count(total)} children over "
            f"the run, "
            f"where at most {MAX_REFERRALS_PER_RUN:,} are supported ({MEMORY_NOTE})"]


def _count(x: float) -> str:
    """A count for a message: 'inf' (20,000 surges of x1.1 stacked) said in words."""
    return f"{x:,.0f}" if math.isfinite(x) else "more than any number (surges multiplied together)"


def inert_dates(sc: Any, horizon_days: float | None = None) -> list[str]:
    """Notes (not problems) on policies whose dates fall outside the run, so have no effect in
    it: a surge, campaign, academy intake or retention payment starting after the run ends (``horizon_days``, default the scenario's own), or a surge over before it starts.
    Not refused: a longer run (``--years``) may reach them."""
    start = sc.start_date
    days = sc.horizon_days if horizon_days is None else horizon_days
    end = start + dt.timedelta(days=days)
    after = f"after the run ends ({end}), so it has no effect in this run"
    notes = []
    for i, s in enumerate(sc.demand.surges):
        if s.start_date >= end:
            notes.append(f"demand.surges.{i}.start_date: {s.start_date} is {after}")
        elif s.end_date is not None and s.end_date <= start:
            notes.append(f"demand.surges.{i}.end_date: {s.end_date} is on or before the start "
                         f"({start}), so it has no effect")
    for i, c in enumerate(sc.recruitment.campaigns):
        if c.start_date >= end:
            notes.append(f"recruitment.campaigns.{i}.start_date: {c.start_date} is {after}")
        elif c.end_date > end:
            # those due after the end are not in the run, nor their share of the cost
            within = sum(1 for day in c.hire_days(start) if day < days)
            if within < c.hires:
                notes.append(f"recruitment.campaigns.{i}.end_date: {c.end_date} is after the run "
                             f"ends ({end}), so {within} of its {c.hires} hires start in this "
                             f"run, and the run counts that share of its cost")
    first = sc.academy.first_intake_date
    # in days as the model (a half-year run, 182.625 days, takes an intake on day 182)
    if sc.academy.intake_per_year and first is not None and (first - start).days >= days:
        notes.append(f"academy.first_intake_date: {first} is {after}")
    elif sc.academy.intake_per_year and first is None and days >= 365.25:
        # a yearly intake a run shorter than a year may well miss (no note: a short baseline
        # run is quiet); one of a year or more misses it only when the run starts on the 1st of
        # start_month (that day's intake is the staff in post) and the next is 366 days on
        first = dt.date(start.year, sc.academy.start_month, 1)
        first = first if first > start else first.replace(year=start.year + 1)
        if (first - start).days >= days:
            notes.append(f"academy.start_month: {sc.academy.start_month} (the first intake, "
                         f"{first}) is {after}")
    r = sc.retention
    if r.enabled and r.start_date is not None and r.start_date >= end:
        notes.append(f"retention.start_date: {r.start_date} is {after}")
    return notes


def late_bookings(sc: Any) -> list[str]:
    """Notes (not problems) when conferences are booked beyond the initial conference's
    timescale, or a conference that has to be rebooked (the enquiry ran past its date) needs more
    notice than the whole timescale: every such conference is then late by design, which may be
    the question asked, but is more often a slip."""
    conf = sc.conferences
    if not conf.enabled or "icpc" not in sc.stages:
        return []
    target = sc.stages["icpc"].timescale_wd(15)
    timescale = f"the initial conference's timescale of {target} working days"
    notes = []
    if conf.book_at_wd > target:
        notes.append(f"conferences.book_at_wd: {conf.book_at_wd} working days is beyond "
                     f"{timescale}, so no conference is held in time")
    if conf.min_notice_wd > target:
        notes.append(f"conferences.min_notice_wd: {conf.min_notice_wd} working days' notice is "
                     f"more than {timescale}, so every conference that has to be rebooked is "
                     f"held late")
    return notes


def checkpoints_past_timescale(sc: Any) -> list[str]:
    """A note for a manager's checkpoint set after the stage's own timescale: it only weighs on
    work already late, which is more often a slip (a checkpoint in days, not working days) than
    meant."""
    notes = []
    for name, stage in sc.stages.items():
        if not stage.checkpoints_wd or stage.clock is None:
            continue
        late = [d for d in stage.checkpoints_wd if d > stage.clock.target_wd]
        if late:
            days = ", ".join(str(d) for d in late)
            notes.append(f"stages.{name}.checkpoints_wd: {days} (working days) "
                         f"{'is' if len(late) == 1 else 'are'} after the stage's timescale of "
                         f"{stage.clock.target_wd} working days, so only work already late "
                         f"meets {'it' if len(late) == 1 else 'them'}")
    return notes


def values_outside_their_ranges(sc: Any) -> list[str]:
    """A note for an input whose own value lies outside the range its ``uncertain:`` entry gives
    (beyond the 0.1% and 99.9% points): every run draws from the range, so the value the file
    shows, and reports and tables quote as the scenario's, is never used."""
    from .uncertain import RANGE_QUANTILES, input_value, quantile

    notes = []
    data = None
    for path, dist in (getattr(sc, "uncertain", None) or {}).items():
        if getattr(dist, "dist", None) == "fixed":
            continue
        data = sc.model_dump(mode="python") if data is None else data
        try:
            own = input_value(data, path)
        except KeyError:
            continue
        if isinstance(own, bool) or not isinstance(own, (int, float)):
            continue
        if dist.dist == "uniform":
            low, high, which = dist.low, dist.high, "its range"
        elif dist.dist == "histogram":
            low, high, which = dist.edges[0], dist.edges[-1], "its range"
        else:   # no end: the points validation checks the draws at
            low, high = (quantile(dist, u) for u in RANGE_QUANTILES)
            which = "its range's 0.1% and 99.9% points"
        if not low <= own <= high:
            notes.append(f"uncertain.{path}: the scenario's own value ({own:,g}) lies outside "
                         f"{which} ({low:,.4g} to {high:,.4g}), so no run uses it: every run "
                         f"draws from the range; give the field a value inside it")
    return notes


def retention_that_does_nothing(sc: Any) -> list[str]:
    """A note for a retention scheme switched on with neither a payment nor a cut in turnover:
    it changes nothing in the run, though a reader of the scenario would think it does."""
    r = sc.retention
    if r.enabled and not r.payment_gbp_per_year and not r.turnover_reduction_pct:
        return ["retention: enabled, but with no payment (payment_gbp_per_year) and no cut in "
                "turnover (turnover_reduction_pct), so it changes nothing in the run"]
    return []


def teams_nobody_can_join(sc: Any) -> list[str]:
    """A note (not a problem) for a team that holds a stage, or takes transferred cases, with
    nobody in post at the start and no way for anyone to arrive: no funded posts (or none that
    recruitment or agency cover fills), no academy intake and no recruitment campaign for it.
    Its children wait unallocated for the whole run, which ran with nothing said."""
    holds: dict[str, list[str]] = {}
    for name, st in sc.stages.items():
        holds.setdefault(st.team, []).append(name)
        if st.transfer:
            holds.setdefault(st.transfer.to_team, []).append(f"{name} after transfer")
    fills = ((sc.recruitment.enabled and sc.recruitment.success_pct > 0)
             or (sc.agency.enabled and sc.agency.cover_share_pct > 0))
    campaigns = {c.team for c in sc.recruitment.campaigns if c.hires > 0}
    notes = []
    for name in sorted(holds):
        t = sc.teams.get(name)
        if t is None or not t.case_holding or any(g.count > 0 for g in t.staff):
            continue
        if (sc.academy.intake_per_year and sc.academy.team == name) or name in campaigns:
            continue
        if t.establishment_fte > 0 and fills:
            continue
        why = ("it has no funded posts (establishment_fte: 0)" if t.establishment_fte == 0
               else "neither recruitment nor agency cover fills its funded posts")
        notes.append(f"teams.{name}: nobody is in post at the start and nobody can join: "
                     f"{why}, and no academy intake or recruitment campaign is for it; so the "
                     f"children of {', '.join(holds[name])} wait unallocated for the whole run")
    return notes


#: Percentages for which a value under 1 is ordinary, not a sign of a fraction written for a
#: percentage: a yearly trend of 0.5% (and a calibrated one), absence fitted at 0.8% of hours
SMALL_PCT_ORDINARY = frozenset({"trend_pct_per_year", "absence_pct"})


def percentages_as_fractions(sc: Any) -> list[str]:
    """A note for a percentage (a ``_pct`` field, 0-100) written as a fraction (0.2 for 20%),
    and for a demand surge's multiplier written as the rise alone (0.35 for +35%): each is a
    valid value that the run reads as something far from what was meant (agency capped at 0.05%
    of the workforce, not 5%; referrals cut to 35%, not up by 35%), with nothing said."""
    notes: list[str] = []

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            if key == "uncertain":
                continue
            if "_pct" not in str(key):
                walk(value, where)
                continue
            if key in SMALL_PCT_ORDINARY:
                continue
            items = value.items() if isinstance(value, dict) else [(None, value)]
            small = [(k, v) for k, v in items if isinstance(v, (int, float))
                     and not isinstance(v, bool) and 0 < v < 1]
            if not small:
                continue
            said = ", ".join(f"{k} {v:g}" if k is not None else f"{v:g}" for k, v in small)
            k, v = small[0]
            notes.append(f"{where}: {said} {'reads' if len(small) == 1 else 'read'} as less "
                         f"than 1% ({v:g}%, not {100 * v:g}%): percentages are written out of "
                         f"100 ({100 * v:g} for {100 * v:g}%); if under 1% is meant, nothing "
                         f"needs changing")

    walk(sc.model_dump(mode="python"), "")
    from .uncertain import RANGE_QUANTILES, quantile

    for path, dist in (getattr(sc, "uncertain", None) or {}).items():
        if ("_pct" not in path or getattr(dist, "dist", None) == "fixed"
                or path.rsplit(".", 1)[-1] in SMALL_PCT_ORDINARY):
            continue
        if dist.dist == "uniform":
            low, high = dist.low, dist.high
        elif dist.dist == "histogram":
            low, high = dist.edges[0], dist.edges[-1]
        else:
            low, high = (quantile(dist, u) for u in RANGE_QUANTILES)
        if 0 <= low and 0 < high < 1:
            notes.append(f"uncertain.{path}: its range ({low:g} to {high:g}) lies under 1%: "
                         f"percentages are written out of 100 ({100 * low:g} to {100 * high:g} "
                         f"for {100 * low:g}% to {100 * high:g}%); if under 1% is meant, "
                         f"nothing needs changing")
    for i, surge in enumerate(sc.demand.surges):
        if surge.multiplier < 0.5:
            m = surge.multiplier
            notes.append(f"demand.surges.{i}.multiplier: {m:g} cuts referrals to {100 * m:g}% "
                         f"of the usual from {surge.start_date}; a rise of {100 * m:g}% is "
                         f"written {1 + m:g}; if a fall is meant, nothing needs changing")
    return notes


def comments_read_as_text(sc: Any) -> list[str]:
    """A note for a name or an authority holding a # with no space before it: YAML starts a
    comment only after a space, so ``name: Plan A# tested`` labels every table 'Plan A# tested'."""
    notes = []
    for field in ("name", "authority"):
        text = getattr(sc, field, None) or ""
        head, hash_, _ = text.partition("#")
        if hash_ and head and not head[-1].isspace():
            notes.append(f"{field}: '{text[:80]}' holds a # with no space before it, which YAML "
                         f"reads as part of the {field}, not as a comment; put a space before "
                         f"the # if it starts a comment")
    return notes


def scenario_notes(sc: Any, horizon_days: float | None = None) -> list[str]:
    """Everything ``validate`` and ``run`` say about a valid scenario that may not do what its
    author meant (notes, not problems)."""
    return (inert_dates(sc, horizon_days) + late_bookings(sc) + checkpoints_past_timescale(sc)
            + retention_that_does_nothing(sc) + values_outside_their_ranges(sc)
            + staff_who_cannot_hold(sc) + restricted_staff_only(sc) + teams_nobody_can_join(sc)
            + percentages_as_fractions(sc) + comments_read_as_text(sc) + over_establishment(sc)
            + agency_leaving(sc)
            + plans_over_before_their_work(sc))
