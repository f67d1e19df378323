"""Routes through the stages: loops a child would go round without time passing, stages a child
can reach but never leave for 'close' (problems), and plans ending before their first visit or
their transfer (notes). Each returns a list naming the field."""

from __future__ import annotations

from typing import Any

from .basics import STAGES


def zero_time_loops(sc: Any) -> list[str]:
    """Routes that bring a child back to a stage through stages that take no time.

    The run would move her round such a loop for ever at one instant, so it is refused here
    rather than found as a hang. One message per loop, naming it from its first stage.
    """
    quick = [n for n in STAGES if n in sc.stages and (sc.stages[n].takes_no_time
                                                       or _brief_plan(sc.stages[n]))]
    problems, seen = [], set()
    for start in quick:
        loop = _loop_back(start, quick, sc.stages)
        if loop and not seen.intersection(loop):
            seen.update(loop)
            problems.append(
                f"stages.{start}.next: a child can go {' -> '.join(loop)} without time passing "
                f"(work_hours fixed at 0 on every task of the way, and plans lasting under "
                f"{BRIEF_PLAN_DAYS:g} day on average), so the run would loop at one instant, or "
                f"so nearly that it runs out of memory; give one of them work_hours above 0 or a "
                f"longer duration_days, or route elsewhere")
    return problems

#: A plan lasting less than this (days, on average) passes almost no time: a route that loops
#: through such plans would go round millions of times in a run (a plan of 1e-6 days looping to
#: itself filled memory).
BRIEF_PLAN_DAYS = 1.0


def _brief_plan(stage: Any) -> bool:
    return (stage.kind == "plan" and stage.duration_days is not None
            and stage.duration_days.mean_value < BRIEF_PLAN_DAYS)


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


def routes_that_never_close(sc: Any) -> list[str]:
    """Stages a child can reach (from a referral, or open at the start) but never leave for
    'close' by any route: such children stayed open to the end of the run, and the open cases
    and caseloads grew without end, with no word (cin -> cp -> cin, each with probability 1)."""
    ends: set[str] = set()
    grew = True
    while grew:
        grew = False
        for name, st in sc.stages.items():
            if name not in ends and any(p > 0 and (out == "close" or out in ends)
                                        for out, p in st.next.items()):
                ends.add(name)
                grew = True
    held = [s for s, n in sc.initial.open_cases.items() if n > 0]
    todo = [s for s in ["assessment", *held] if s in sc.stages]
    seen = set(todo)
    while todo:
        for out, p in sc.stages[todo.pop()].next.items():
            if p > 0 and out in sc.stages and out not in seen:
                seen.add(out)
                todo.append(out)
    trapped = [n for n in sc.stages if n in seen and n not in ends]
    if not trapped:
        return []
    # named by the first stage on a loop (the one a variant most likely changed), not one that
    # only leads into it
    first = next((n for n in trapped if _loop_back(n, trapped, sc.stages)), trapped[0])
    said = ", ".join(trapped[:-1]) + (" or " if len(trapped) > 1 else "") + trapped[-1]
    back = "those stages leads back among them" if len(trapped) > 1 else "it leads back to it"
    return [f"stages.{first}.next: children who reach {said} never close: every route from "
            f"{back}, never to 'close', so they stay open to the end of the run and the open "
            f"cases grow without end; give one of them an outcome 'close' (or a route to it) "
            f"above 0"]


def plans_over_before_their_work(sc: Any) -> list[str]:
    """Notes (not problems) for a plan lasting, on average, less than its visit interval (a CP
    plan of 5 days with visits every 20 working days: no visit was ever due, and the visit
    measures counted none of its children) or less than the days before its transfer (most
    children closed before it). Validate said OK."""
    notes = []
    for name, st in sc.stages.items():
        if st.kind != "plan" or st.duration_days is None:
            continue
        mean = st.duration_days.mean_value
        if st.visits is not None and mean < st.visits.interval_wd * 7 / 5:
            notes.append(f"stages.{name}.duration_days: its plans last {mean:g} days on "
                         f"average, less than the {st.visits.interval_wd} working days (about "
                         f"{st.visits.interval_wd * 7 / 5:g} days) before a first visit is due "
                         f"(visits.interval_wd), so many end unvisited and the visit measures "
                         f"count few of them")
        if st.transfer is not None and mean < st.transfer.after_days:
            notes.append(f"stages.{name}.transfer.after_days: {st.transfer.after_days:g} days, "
                         f"longer than its plans last on average ({mean:g} days), so many of "
                         f"its children close or move on before the transfer")
    return notes
