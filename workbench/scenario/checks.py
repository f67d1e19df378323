"""Checks of a whole scenario, across its blocks: names that must refer to something, routes
that would loop without time passing, and sizes that would not fit in memory.

Each returns a list of problems, each naming its field path; the schema raises them together.
"""

from __future__ import annotations

import math
from typing import Any

from .basics import MAX_REFERRALS_PER_RUN, MAX_WORKFORCE, STAGES, MEMORY_NOTE


def whole_scenario_problems(sc: Any) -> list[str]:
    """Every cross-block problem of a validated-field :class:`~workbench.scenario.Scenario`."""
    return (reference_problems(sc) + zero_time_loops(sc) + demand_size(sc) + workforce_size(sc)
            + caps_problems(sc))


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


def reference_problems(sc: Any) -> list[str]:
    """Names that must refer to something defined elsewhere in the scenario."""
    problems = []
    for name, stage in sc.stages.items():
        if stage.team not in sc.teams:
            problems.append(
                f"stages.{name}.team: '{stage.team}' is not a team (teams: {sorted(sc.teams)})")
        elif not sc.teams[stage.team].case_holding:
            problems.append(f"stages.{name}.team: '{stage.team}' does not hold cases")
        for out in stage.next:
            if out != "close" and out not in sc.stages:
                problems.append(f"stages.{name}.next: outcome '{out}' is not a stage defined here")
        if stage.transfer and stage.transfer.to_team not in sc.teams:
            problems.append(f"stages.{name}.transfer.to_team: '{stage.transfer.to_team}' is not a team")
    if sc.front_door.team not in sc.teams:
        problems.append(f"front_door.team: '{sc.front_door.team}' is not a team")
    if sc.academy.intake_per_year and sc.academy.team not in sc.teams:
        problems.append(f"academy.team: '{sc.academy.team}' is not a team")
    for i, c in enumerate(sc.recruitment.campaigns):
        if c.team is not None and c.team not in sc.teams:
            problems.append(f"recruitment.campaigns.{i}.team: '{c.team}' is not a team")
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

def zero_time_loops(sc: Any) -> list[str]:
    """Routes that bring a child back to a stage through stages that take no time.

    The run would move her round such a loop for ever at one instant, so it is refused here
    rather than found as a hang. One message per loop, naming it from its first stage.
    """
    quick = [n for n in STAGES if n in sc.stages and sc.stages[n].takes_no_time]
    problems, seen = [], set()
    for start in quick:
        loop = _loop_back(start, quick, sc.stages)
        if loop and not seen.intersection(loop):
            seen.update(loop)
            problems.append(
                f"stages.{start}.next: a child can go {' -> '.join(loop)} without time passing "
                f"(work_hours fixed at 0 on every stage of the way), so the run would loop at "
                f"one instant; give one of them work_hours above 0, or route elsewhere")
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

def demand_size(sc: Any) -> list[str]:
    """Referrals over the run, at most: the busiest month's rate, grown by the trend and
    every surge, over the whole horizon (an upper bound, cheap to compute)."""
    d = sc.demand
    busiest = max(d.seasonality) * len(d.seasonality) / sum(d.seasonality)
    growth = max(1.0, (1 + d.trend_pct_per_year / 100) ** sc.horizon_years)
    surges = math.prod(s.multiplier for s in d.surges if s.multiplier > 1)
    peak = d.referrals_per_year * busiest * growth * surges
    total = peak * sc.horizon_years
    if total <= MAX_REFERRALS_PER_RUN:
        return []
    return [f"demand: {d.referrals_per_year:,.0f} referrals a year, in the busiest month, with a "
            f"trend of {d.trend_pct_per_year:g}% a year over {sc.horizon_years:g} years and any "
            f"surges, could reach {peak:,.0f} a year: up to {total:,.0f} children over the run, "
            f"where at most {MAX_REFERRALS_PER_RUN:,} are supported ({MEMORY_NOTE})"]


def _loop_back(start: str, quick: list[str], stages: dict[str, Any]) -> list[str] | None:
    """A route ``start -> ... -> start`` through ``quick`` stages (outcomes of probability > 0),
    or None."""
    came_from: dict[str, str] = {}
    todo = [start]
    while todo:
        node = todo.pop()
        for out, p in stages[node].next.items():
            if p <= 0 or out not in quick:
                continue
            if out == start:
                route = [node]
                while route[-1] != start:
                    route.append(came_from[route[-1]])
                return route[::-1] + [start]
            if out not in came_from:
                came_from[out] = node
                todo.append(out)
    return None
