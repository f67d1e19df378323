"""The weekly responses to caseloads above their caps: caseload balancing within a team, and
handing stable cases to non-qualified staff under lasting pressure (Walsall).

Called once a week by :class:`workbench.model.workforce.WorkforceDynamics`, in that order, after
leavers, recruitment and agency cover; both move cases through :class:`Allocation` only.
"""

from __future__ import annotations

from typing import Any

from . import log as R
from .allocation import Allocation, Team


def balance(bal: Any, teams: list[Team], alloc: Allocation, now: float) -> None:
    """Move plan cases from workers above the trigger to colleagues under their cap."""
    trigger, target = bal.trigger_pct / 100, bal.target_pct / 100
    for team in teams:
        if not team.has_room_under_cap():
            continue  # nobody could take a case: nothing to balance
        moves = 0
        givers = sorted((w for w in team.workers if w.available and w.cap > 0
                         and w.load > trigger * w.cap + 1e-9),
                        key=lambda w: -w.load / w.cap)
        for giver in givers:
            # newest cases first; never one whose task is under way or held for another team
            for c in sorted(giver.cases, key=lambda c: -c.stage_start_at):
                if moves >= bal.max_moves_per_week or giver.load <= target * giver.cap + 1e-9:
                    break
                if c.team is not team or c.stage_cfg.kind != "plan" or (
                        c.task is not None and c.task.worker is giver):
                    continue
                taker = team.choose(c, now, exclude=giver)
                if taker is None or taker.load + c.stage_cfg.cap_weight > taker.cap + 1e-9:
                    break  # nobody has room under her cap
                c.change_reason = R.REASON_BALANCING
                giver.remove_case(c, now)
                alloc.allocate(c, taker, now)
                moves += 1


def hand_over_stable(pr: Any, teams: list[Team], alloc: Allocation, level_smoothed: float,
                     now: float) -> None:
    """Under lasting pressure (the service's level smoothed over ``smoothing_weeks``),
    managers hand stable cases of social workers above their cap to non-qualified staff,
    longest in the stage first, while those staff have room (Walsall)."""
    room = pr.unqualified_cases_max - alloc.unqualified_held
    if room <= 0 or level_smoothed < pr.unqualified_from_level:
        return
    stages = set(pr.unqualified_stages)
    stable = float(pr.unqualified_stable_after_days)
    for team in teams:
        over = sorted((w for w in team.workers if w.available and w.cap > 0
                       and w.load > w.cap + 1e-9), key=lambda w: -w.load / w.cap)
        for w in over:
            moved = False
            for c in sorted(w.cases, key=lambda c: c.stage_start_at):
                if room <= 0 or w.load <= w.cap + 1e-9:
                    break
                if (c.stage in stages and c.team is team and c.task is None
                        and c.queued_team is None
                        and now - c.stage_start_at >= stable):
                    alloc.hand_to_unqualified(c, now)
                    room -= 1
                    moved = True
            if moved:
                team.drain(now, w)   # her freed room goes to children waiting
            if room <= 0:
                return
