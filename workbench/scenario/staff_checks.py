"""Checks of a scenario's staff at the start against the work its teams hold: a team whose
staff all have a cap of 0, or may not hold its complex stages, a front door with nobody, and
staff or an academy intake far beyond a team's funded posts."""

from __future__ import annotations

from typing import Any

__all__ = ["agency_leaving", "front_door_staff", "over_establishment", "restricted_staff_only",
           "staff_who_cannot_hold"]


def staff_who_cannot_hold(sc: Any) -> list[str]:
    """A note (not a problem) for a team holding a stage whose staff at the start are all of
    types with a cap of 0: its children wait until a worker of another type arrives (a recruit,
    an academy cohort, agency cover), which may be meant but more often is a cap given to the
    wrong type."""
    notes = []
    for team in sorted({s.team for s in sc.stages.values()}):
        t = sc.teams.get(team)
        if t is None or not t.case_holding:
            continue
        present = sorted({g.type for g in t.staff if g.count > 0})
        caps = {w: (t.caps or {}).get(w, sc.caseload.caps[w]) for w in sc.caseload.caps}
        if present and all(caps.get(w, 0) == 0 for w in present):
            open_to = sorted(w for w, c in caps.items() if c > 0)
            notes.append(f"teams.{team}: its staff at the start ({', '.join(present)}) all have "
                         f"a caseload cap of 0, so its children wait until a worker of another "
                         f"type ({', '.join(open_to) or 'none'}) arrives")
    return notes


def front_door_staff(sc: Any) -> list[str]:
    """A problem when the front door has nobody in post: no referral would ever be decided.
    (The model decided them as if one worker were there, with a note; it now gives the front
    door the hours of its staff's FTE, a fraction of a post included, and refuses none.)"""
    team = sc.teams.get(sc.front_door.team)
    if team is None:
        return []
    fte = sum(g.count * g.fte for g in team.staff)
    if fte > 0:
        return []
    return [f"teams.{sc.front_door.team}.staff: the front door's team has no staff at the start "
            f"(0 FTE), so no referral would be decided (its staffing does not change in a run); "
            f"expected at least one worker"]


def restricted_staff_only(sc: Any) -> list[str]:
    """A note (not a problem) for a team holding stages newly qualified workers may not hold
    (``nqsw_allowed: false``) whose staff at the start are all academy trainees or NQSWs in their
    ASYE year: those children wait with their worker (or unallocated) until someone who may hold
    them arrives. In a run with recruitment off, child protection cases waited with NQSWs a
    median 55 days (H81, session 19); ``validate`` said OK."""
    notes = []
    asye = sc.workforce.asye_months
    for team in sorted({s.team for s in sc.stages.values()}):
        t = sc.teams.get(team)
        held = sorted(n for n, st in sc.stages.items() if st.team == team and not st.nqsw_allowed)
        staff = [g for g in (t.staff if t is not None else ()) if g.count > 0]
        if not held or not staff or not t.case_holding:
            continue
        if all(g.type == "academy" or (g.type == "nqsw" and g.months_qualified < asye)
               for g in staff):
            notes.append(f"teams.{team}: its staff at the start are all academy trainees or newly "
                         f"qualified workers in their ASYE year, who may not hold "
                         f"{', '.join(held)}: those children wait until a worker who may hold "
                         f"them arrives (a recruit, agency cover, or one of them completing her "
                         f"year)")
    return notes


def over_establishment(sc: Any) -> list[str]:
    """Notes (not problems) for a case-holding team whose employed staff at the start are more
    than twice its funded posts (and 5 FTE more), and for an academy whose yearly intake is more
    than its team's funded posts: a count typed 110 for 11, or an authority's intake given to a
    small team. Validate said OK; the team had no vacancy, so no recruitment or agency cover,
    and its caseloads and the costs were of a workforce nobody meant."""
    notes = []
    for name, t in sc.teams.items():
        fte = sum(g.count * g.fte for g in t.staff if g.type != "agency")
        if t.case_holding and fte > max(2 * t.establishment_fte, t.establishment_fte + 5):
            notes.append(f"teams.{name}: its employed staff at the start ({fte:g} FTE) are more "
                         f"than twice its funded posts (establishment_fte: "
                         f"{t.establishment_fte:g}), so it has no vacancy for recruitment or "
                         f"agency cover; is a staff count or the establishment mistyped?")
    ac = sc.academy
    team = sc.teams.get(ac.team)
    if ac.intake_per_year and team is not None and ac.intake_per_year > team.establishment_fte:
        notes.append(f"academy.intake_per_year: {ac.intake_per_year:g} trainees a year join "
                     f"{ac.team}, more than its {team.establishment_fte:g} funded posts "
                     f"(teams.{ac.team}.establishment_fte), each over establishment; is the "
                     f"intake or the team mistyped?")
    return notes


def agency_leaving(sc: Any) -> list[str]:
    """Notes (not problems) on how agency workers leave, which depends on whether agency cover is
    on (H83, round 16): with it off, those in post at the start leave at the agency turnover
    rate, and a rate of 0 kept them all for the whole run (23 FTE for three years of the
    baseline, GBP 6.5m, no word); with it on, they leave as their assignments end and an agency
    turnover rate given is not used."""
    rate = sc.workforce.turnover_pct_per_year.get("agency", 0)
    if sc.agency.enabled:
        if rate > 0:
            return [f"workforce.turnover_pct_per_year.agency: {rate:g} is not used: with agency "
                    f"cover on (agency.enabled), agency workers leave as their assignments end "
                    f"(agency.tenure_weeks)"]
        return []
    fte = sum(g.count * g.fte for t in sc.teams.values() if t.case_holding
              for g in t.staff if g.type == "agency")
    if fte > 0 and rate <= 0:
        return [f"workforce.turnover_pct_per_year.agency: the agency workers in post at the start "
                f"({fte:g} FTE) stay for the whole run: with agency cover off (agency.enabled: "
                f"false) they leave at this rate, which is 0; give their rate, or switch agency "
                f"cover on (they then leave as their assignments end and none is asked for "
                f"beyond agency.cover_share_pct of the vacancies)"]
    return []
