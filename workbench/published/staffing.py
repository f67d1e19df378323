"""Sharing an authority's case-holding FTE among the base scenario's teams, so that the staff in
the file add up to the FTE its comment states.

Each staff group rounded to whole workers on its own lost whole teams at a small authority (0.7
FTE in post became nobody; 3.9 FTE became 2.0) and moved the agency and vacancy rates far from
the published ones. Here the totals are kept to a tenth of an FTE:

- the employed FTE, the agency FTE and the funded posts are each shared among the teams by the
  largest remainder (in tenths of an FTE), in proportion to the base's teams;
- every team the base staffs keeps at least a tenth of an FTE in post (taken from the team with
  most), and at least as many funded posts as employed staff;
- within a team, a kind's FTE (employed or agency) is shared among the base's groups of that kind
  as whole workers of the group's FTE, and what is left (less than one worker) is one part-time
  worker in the group nearest to another whole one.

A team of less than one FTE is a part-time worker: the notes say so. An authority with fewer
tenths of an FTE than teams to staff is refused: the base's team structure does not fit it.
"""

from __future__ import annotations

import math

from .read import PublishedError

__all__ = ["MIN_TENTHS", "largest_remainder", "share_teams", "team_staff"]

#: The fewest tenths of an FTE a staffed team keeps (assumption: a tenth of an FTE, half a day a
#: week, is the smallest part-time post a file states; a team given no staff holds its cases for
#: ever, and the run measures nothing but that).
MIN_TENTHS = 1


def largest_remainder(total: int, weights: dict) -> dict:
    """``total`` whole units shared in proportion to ``weights`` (the largest remainders get
    the units the floors leave); every unit goes to a key with a positive weight, or to the
    first key when none has one."""
    out = {k: 0 for k in weights}
    if not weights or total <= 0:
        return out
    positive = {k: max(float(w), 0.0) for k, w in weights.items()}
    whole = sum(positive.values())
    if whole <= 0:
        out[next(iter(weights))] = total
        return out
    exact = {k: total * w / whole for k, w in positive.items()}
    out = {k: int(math.floor(v + 1e-9)) for k, v in exact.items()}
    left = total - sum(out.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), list(weights).index(k)))[:left]:
        out[k] += 1
    return out


def group_fte(group: dict) -> float:
    return group["count"] * group.get("fte", 1.0)


def _kind_fte(team: dict, agency: bool) -> float:
    return sum(group_fte(g) for g in team.get("staff", ()) if (g["type"] == "agency") == agency)


def share_teams(teams: dict, emp_t: int, ag_t: int, est_t: int, name: str,
                base_name: str) -> tuple[dict, list[str]]:
    """Each team's employed, agency and funded tenths of an FTE.

    Parameters
    ----------
    teams : dict
        The base's case-holding teams (name -> team as plain data).
    emp_t, ag_t, est_t : int
        The authority's employed FTE, agency FTE and funded posts, in tenths.
    name, base_name : str
        The authority and the base file, for the messages.

    Returns
    -------
    (dict, list of str)
        Team -> (employed, agency, funded) tenths; notes.
    """
    staffed = [k for k, t in teams.items() if _kind_fte(t, False) + _kind_fte(t, True) > 0]
    if emp_t + ag_t < MIN_TENTHS * len(staffed):
        raise PublishedError(
            f"{name}: {(emp_t + ag_t) / 10:.1f} case-holding FTE in post (the open cases over "
            f"the published caseload) cannot staff {base_name}'s {len(staffed)} case-holding "
            f"teams ({', '.join(staffed)}) with at least {MIN_TENTHS / 10:g} FTE each: the "
            f"base's team structure does not fit an authority this small; give a --base with "
            f"fewer teams")
    emp = largest_remainder(emp_t, {k: _kind_fte(t, False) for k, t in teams.items()})
    ag = largest_remainder(ag_t, {k: _kind_fte(t, True) for k, t in teams.items()})
    raised = []
    for k in staffed:
        if emp[k] + ag[k] >= MIN_TENTHS:
            continue
        donor = max(teams, key=lambda d: emp[d] + ag[d] - (MIN_TENTHS if d in staffed else 0))
        pool = emp if emp[donor] >= ag[donor] else ag
        pool[donor] -= 1
        pool[k] += 1
        raised.append(k)
    est_t = max(est_t, emp_t)
    est = largest_remainder(est_t, {k: t["establishment_fte"] for k, t in teams.items()})
    for k in teams:   # at least as many funded posts as employed staff
        while est[k] < emp[k]:
            donor = max(est, key=lambda d: est[d] - emp[d])
            est[donor] -= 1
            est[k] += 1
    notes = []
    small = [k for k in staffed if emp[k] + ag[k] < 10]
    if small:
        notes.append(
            f"{name} is small: {(emp_t + ag_t) / 10:.1f} case-holding FTE in post shared among "
            f"{base_name}'s {len(staffed)} case-holding teams; "
            + ", ".join(f"{k} {(emp[k] + ag[k]) / 10:.1f}" for k in small)
            + " FTE (less than one worker: a part-time post)"
            + (f"; {', '.join(raised)} given {MIN_TENTHS / 10:g} FTE (the share in "
               f"proportion rounds below it), taken from the largest team" if raised else "")
            + ". An authority this small may well work as one team: read those teams' "
            "results as rough")
    return {k: (emp[k], ag[k], est[k]) for k in teams}, notes


def team_staff(team: dict, emp_t: int, ag_t: int) -> list[dict]:
    """The team's staff groups holding ``emp_t`` employed and ``ag_t`` agency tenths of an FTE:
    whole workers of each base group's FTE, in proportion to the groups, and one part-time
    worker for what is left of each kind."""
    staff = []
    for agency, total in ((False, emp_t), (True, ag_t)):
        groups = [g for g in team.get("staff", ()) if (g["type"] == "agency") == agency]
        if total <= 0:
            continue
        if not groups:   # the base has none of this kind here: employed full-time workers
            groups = [{"type": "agency" if agency else "experienced", "count": 1, "fte": 1.0}]
        whole = sum(group_fte(g) for g in groups) or 1.0
        want = [total / 10 * group_fte(g) / whole for g in groups]
        n = [int(math.floor(w / g.get("fte", 1.0) + 1e-9)) for w, g in zip(want, groups)]
        left = round(total / 10 - sum(c * g.get("fte", 1.0) for c, g in zip(n, groups)), 3)
        order = sorted(range(len(groups)),
                       key=lambda i: -(want[i] - n[i] * groups[i].get("fte", 1.0)))
        placed = True
        while placed:
            placed = False
            for i in order:
                f = groups[i].get("fte", 1.0)
                if left >= f - 1e-9:
                    n[i] += 1
                    left = round(left - f, 3)
                    placed = True
                    break
        part = order[0] if order else None
        for i, (g, c) in enumerate(zip(groups, n)):
            if c > 0:
                staff.append({**g, "count": c})
        if left > 1e-6 and part is not None:
            staff.append({**groups[part], "count": 1, "fte": round(left, 3)})
    return staff
