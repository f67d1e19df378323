"""The roster a fit uses: its social workers (managers left out, or a roster of managers alone
refused), team names those of the template where they differ only in writing, staff of a
template team that holds no stage counted in the team holding their cases, and the checks that
the roster covers the data window and changes within it. :func:`staff_roster` gives the roster
that :func:`.derive_workforce.derive_workforce` and :func:`.plausibility.note_extracts` take.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..errors import UserError
from ..scenario import Scenario
from .derive import Draft
from .extracts import Roster, to_date
from .plausibility import with_template_team_names

def staff_roster(d: Draft, roster: Roster, template: Scenario, w0: float, w1x: float,
                 cases=None, seq: pd.DataFrame | None = None) -> Roster:
    """The roster's social workers (managers left out, with a note), their team names those of
    the template where they differ only in capitals, spaces, hyphens or underscores, and the
    staff of a template team that holds no cases counted in the team that holds theirs, or left
    out (:func:`_fold_idle_teams`, which reads ``cases`` and their stage sequence ``seq`` when
    given): the roster :func:`derive_workforce` and :func:`.plausibility.note_extracts` take."""
    roster = _social_workers(d, roster)
    roster = with_template_team_names(d.notes, roster, template.teams, w0, w1x)
    return _fold_idle_teams(d, roster, template, w0, w1x, cases, seq)


def idle_template_teams(template: Scenario) -> list[str]:
    """The template's case-holding teams that no stage gives work to: no stage is held by them
    and no transfer moves cases to them (``scenarios/england_average.yaml``'s permanence team,
    combined with looked_after). Staff in one would hold no cases, and the scenario's check
    refuses a team with staff that holds none (:func:`workbench.scenario.checks.idle_teams`)."""
    used = {s.team for s in template.stages.values()}
    used |= {s.transfer.to_team for s in template.stages.values() if s.transfer}
    return [t for t, c in template.teams.items() if c.case_holding and t not in used]


def _holding_team(keys: np.ndarray, template: Scenario, cases, seq: pd.DataFrame | None,
                  day: float) -> tuple[str | None, int, int]:
    """The template team holding the stages of most of the cases open at ``day`` whose
    AllocatedWorker is one of the workers of ``keys`` (keyed digests), how many of those cases
    it holds and how many there are; (None, 0, n) without a link or such cases."""
    if cases is None or seq is None or "worker_key" not in cases.episodes.columns:
        return None, 0, 0
    keys = set(int(k) for k in keys if k)
    if not keys:
        return None, 0, 0
    s, e = seq.s_start.to_numpy(dtype=float), seq.s_end.to_numpy(dtype=float)
    cur = seq[(s < day) & (np.isnan(e) | (e >= day))]
    cur = cur.sort_values(["episode", "s_start"]).groupby("episode").tail(1)
    worker = cur.episode.map(cases.episodes.set_index("episode").worker_key)
    theirs = cur[worker.isin(keys).to_numpy()]
    teams = theirs.stage.map({k: v.team for k, v in template.stages.items()}).dropna()
    teams = teams[teams.map(lambda t: template.teams[t].case_holding)]
    if not len(teams):
        return None, 0, len(theirs)
    counts = teams.value_counts()
    return str(counts.index[0]), int(counts.iloc[0]), len(theirs)


def _fold_idle_teams(d: Draft, roster: Roster, template: Scenario, w0: float, w1x: float,
                     cases=None, seq: pd.DataFrame | None = None) -> Roster:
    """The roles in a template team that holds no cases (:func:`idle_template_teams`) counted in
    the template team holding the stages of most of their open cases (matched by AllocatedWorker),
    or, without such cases, left out; a note names the roster's Team, the template and what was
    done. Kept as they are, their staff would hold no cases and the fitted scenario would be
    refused (``england_average.yaml`` combines permanence with looked_after)."""
    if "Team" not in roster.columns:
        return roster
    idle = idle_template_teams(template)
    w = roster.workers
    if not w.team.isin(idle).any():
        return roster
    team = w.team.copy()
    drop = np.zeros(len(w), dtype=bool)
    for t in idle:
        rows = (w.team == t).to_numpy()
        if not rows.any():
            continue
        n, during = int(rows.sum()), int((rows & ((w.start < w1x) & (
            w.end.isna() | (w.end >= w0))).to_numpy()).sum())
        keys = w.worker_key.to_numpy()[rows] if "worker_key" in w.columns else np.zeros(0)
        target, k, of = _holding_team(keys, template, cases, seq, w1x)
        whose = (f"staff in team '{t}' ({n:,} role{'s' if n != 1 else ''}, {during:,} in post "
                 f"during the data window; column Team): the template {d.template_name} has the "
                 "team but gives it no stage and no transfer, so its staff would hold no cases")
        if target is not None:
            team[rows] = target
            d.notes.append(
                f"{roster.source}: {whose}. Counted in team {target}, which holds the stages of "
                f"{k:,} of the {of:,} cases they hold at the extract date (AllocatedWorker); write "
                "the team that holds their cases in the roster's Team, or use a template that "
                "gives the team a stage, to say otherwise")
        else:
            drop |= rows
            d.notes.append(
                f"{roster.source}: {whose}. Left out of staff, turnover, recruitment, agency and "
                "absence (no open case names them in AllocatedWorker to say which team holds "
                "their cases): write the team that holds their cases in the roster's Team, or "
                "use a template that gives the team a stage")
    w = w.assign(team=team)[~drop].reset_index(drop=True)
    return dataclasses.replace(roster, workers=w)


#: The workforce census's OrgRole codes of managers: senior (1), middle (2) and first-line (3).
#: The model's staff are social workers who hold or could hold cases (4 senior practitioner,
#: 5 case holder, 6 qualified without cases, as at the front door).
MANAGER_ROLES = (1, 2, 3)


def _social_workers(d: Draft, roster: Roster) -> Roster:
    """The roster without managers' roles, with a note saying how many were left out. Counted
    in, 14 first-line managers added a worker to every team and took experienced turnover from
    12% to 9% (the caseload and pressure figures already use case holders only)."""
    w = roster.workers
    managers = w.role.isin(MANAGER_ROLES).to_numpy()
    if not managers.any():
        return roster
    if managers.all():
        raise UserError(
            f"{roster.source}: no social workers: all {len(w):,} roles are managers (OrgRole "
            "1-3: senior, middle and first-line managers), and the model's staff are the social "
            "workers who hold or could hold cases (OrgRole 4-6). Is OrgRole the right column, "
            "and the roster complete?")
    d.notes.append(f"{roster.source}: {int(managers.sum()):,} manager role(s) (OrgRole 1-3: "
                   "senior, middle and first-line managers) left out of staff, turnover, "
                   "recruitment, agency and absence: the model's staff are the social workers "
                   "who hold or could hold cases")
    return dataclasses.replace(roster, workers=w[~managers].reset_index(drop=True))


def check_covers_window(roster: Roster, w0: float, w1x: float) -> None:
    w = roster.workers
    in_window = (w.start < w1x) & (w.end.isna() | (w.end >= w0))
    if not in_window.any():
        raise UserError(
            f"{roster.source}: nobody in the roster is in post during the data window "
            f"{to_date(w0)} to {to_date(w1x - 1)} (every RoleEndDate is before it or every "
            "RoleStartDate after it): is it the workforce extract for the same period as the cases?")


def note_a_still_roster(d: Draft, roster: Roster, w0: float, w1x: float) -> None:
    """A note when nobody started or left in the window and the roster's last start or leaving
    is more than a year before it: a roster of another period (its dates shifted, or an old
    extract) would fit no turnover and no recruitment without a word."""
    w = roster.workers
    moves = np.concatenate([w.start.to_numpy(dtype=float), w.end.to_numpy(dtype=float)])
    moves = moves[~np.isnan(moves)]
    if not len(moves) or ((moves >= w0) & (moves < w1x)).any():
        return
    last = moves.max()
    if last >= w0 - 365:
        return
    d.notes.append(f"{roster.source}: nobody started or left during the data window "
                   f"{to_date(w0)} to {to_date(w1x - 1)}; the last RoleStartDate or RoleEndDate "
                   f"is {to_date(last)}, more than a year before it. Is the roster of the same "
                   "period as the cases? Turnover and recruitment fitted from it are those of a "
                   "workforce that did not change")
