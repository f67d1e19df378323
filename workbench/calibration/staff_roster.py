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
from .plausibility import template_team_names, team_names_to_show, with_template_team_names

#: Row numbers named in the refusal of roles with a blank Team (the rest are counted).
ROWS_SHOWN = 5


def _the_template(name: str) -> str:
    """"the template NAME", or "the template" when it has no name of its own (``calibrate``'s
    default is "template": its notes read "the template template does not have")."""
    return "the template" if name in ("", "template") else f"the template {name}"


def staff_roster(d: Draft, roster: Roster, template: Scenario, w0: float, w1x: float,
                 cases=None, seq: pd.DataFrame | None = None) -> Roster:
    """The roster's social workers (managers left out, with a note), their team names those of
    the template where they differ only in capitals, spaces, hyphens or underscores, and the
    staff of a template team that holds no cases counted in the team that holds theirs, or left
    out (:func:`_fold_idle_teams`, which reads ``cases`` and their stage sequence ``seq`` when
    given): the roster :func:`derive_workforce` and :func:`.plausibility.note_extracts` take."""
    flat = roster.census is None
    roster = dataclasses.replace(roster, workers=roster.workers.assign(
        _row=np.arange(len(roster.workers)) + 2 if flat else 0))
    roster = _social_workers(d, roster)
    roster = _impossible_absence(d, roster, w1x)
    roster = with_template_team_names(d.notes, roster, template.teams, w0, w1x)
    roster = _fold_idle_teams(d, roster, template, w0, w1x, cases, seq)
    roster = _unknown_teams(d, roster, template, w0, w1x, cases)
    _route_unstaffed_stages(d, roster, template, w0, w1x, cases, seq)
    return in_stable_order(dataclasses.replace(roster, workers=roster.workers.drop(columns="_row")))


#: The roster's columns that say what a role is, in the order roles are sorted by
#: (:func:`in_stable_order`); never the identifier nor its keyed digest, which changes from run
#: to run.
ORDER_COLUMNS = ("start", "end", "team", "type", "fte", "role", "reason", "cases30", "days_lost",
                 "agency")


def in_stable_order(roster: Roster) -> Roster:
    """The roster's roles sorted by what they are (:data:`ORDER_COLUMNS`: start, end, team...),
    so that the fit does not depend on the order of the file's rows (the bootstrap intervals
    resample the roles in order). Roles alike in every one of these are interchangeable."""
    w = roster.workers
    cols = [c for c in ORDER_COLUMNS if c in w.columns]
    if not len(w) or not cols:
        return roster
    w = w.sort_values(cols, kind="mergesort", na_position="last").reset_index(drop=True)
    return dataclasses.replace(roster, workers=w)


def _unknown_teams(d: Draft, roster: Roster, template: Scenario, w0: float, w1x: float,
                   cases=None) -> Roster:
    """The roster without the roles of teams the template does not have (after
    :func:`with_template_team_names`), with a note counting their workers and FTE; refused
    when a role with a blank Team was in post during the data window, or when a team the
    template does not have holds children's cases of the case extract (its workers are named
    in AllocatedWorker): fitted without them, the workforce would be too small for the demand
    fitted from the same cases. Left as they were, one such team replaced every team's staff
    with the template's (207 workers for a roster of 62)."""
    if "Team" not in roster.columns:
        return roster
    w = roster.workers
    unknown = ~w.team.isin(list(template.teams)).to_numpy()
    if not unknown.any():
        return roster
    during = ((w.start < w1x) & (w.end.isna() | (w.end > w0))).to_numpy()
    now = ((w.start <= w1x) & (w.end.isna() | (w.end > w1x))).to_numpy()
    teams = ", ".join(template.teams)
    blank = unknown & during & (w.team == "").to_numpy()
    if blank.any():
        rows = w._row.to_numpy()[blank]
        where = (f" (row{'s' if len(rows) != 1 else ''} "
                 f"{', '.join(str(int(r)) for r in rows[:ROWS_SHOWN])}"
                 f"{f' and {len(rows) - ROWS_SHOWN} more' if len(rows) > ROWS_SHOWN else ''})"
                 if rows.all() else "")
        raise UserError(
            f"{roster.source}: {int(blank.sum()):,} role(s) in post during the data window "
            f"{to_date(w0)} to {to_date(w1x - 1)} have a blank Team{where}: the staff in post, "
            f"establishment and vacancies are fitted team by team. Write the team in column "
            f"Team, one of the template's ({teams}), or remove the role if its worker holds no "
            "children's cases (a fostering or adoption team)")
    linked = _cases_held_by(w, unknown & during, cases)
    names = sorted(set(w.team[unknown & during]))
    shown = team_names_to_show(names, cases, roster)
    said = []
    for name in names:
        rows = unknown & during & (w.team == name).to_numpy()
        k_now = len(set(w.worker.to_numpy()[rows & now]))
        fte_now = float(w.fte.to_numpy()[rows & now].sum())
        label = f"'{name}'" if name in shown else "a team whose name looks like an identifier"
        said.append(f"{label} ({k_now:,} worker{'s' if k_now != 1 else ''}, {fte_now:.1f} FTE "
                    f"in post at the start of {to_date(w1x)}; {int(rows.sum()):,} role(s) in "
                    "post during the window)")
    if linked:
        raise UserError(
            f"{roster.source}: team(s) {_the_template(d.template_name)} does not have (column "
            f"Team): {'; '.join(said)}. Their workers hold {linked:,} of the case extract's "
            f"referral episodes (AllocatedWorker), so the workforce fitted without them would be "
            f"too small for the demand fitted from those cases. Write in Team the template's "
            f"team that holds their cases (one of {teams}), or use a template that has the team")
    if names:
        k = len(set(w.worker.to_numpy()[unknown & now]))
        fte = float(w.fte.to_numpy()[unknown & now].sum())
        k_all, fte_all = len(set(w.worker.to_numpy()[now])), float(w.fte.to_numpy()[now].sum())
        d.notes.append(
            f"{roster.source}: team(s) {_the_template(d.template_name)} does not have (column "
            f"Team): {'; '.join(said)}. "
            + ("None of their workers holds a case of the case extract (AllocatedWorker), so "
               if linked is not None else "The cases do not name their workers (no "
               "AllocatedWorker), so whether they hold children's cases cannot be told; ")
            + "they are taken for staff who hold no children's cases (a "
            "fostering or adoption team) and left out of staff, turnover, recruitment, agency "
            f"and absence: the fitted workforce is {k:,} worker(s) and {fte:.1f} FTE smaller "
            f"than the roster's {k_all:,} ({fte_all:.1f} FTE) at the start of {to_date(w1x)}. If "
            f"they hold children's cases, write their template team in Team (one of {teams})")
    w = w[~unknown].reset_index(drop=True)
    return dataclasses.replace(roster, workers=w)


#: assumption: a stage of a template team nobody in the roster worked in is routed to the team
#: the case extract's Team gives most of its cases when that team holds more than this share of
#: them (those with a Team): a clear majority says where the council holds the stage; less
#: leaves it as the template has it (its staff scaled, said in a note).
ROUTE_SHARE = 0.5


def _route_unstaffed_stages(d: Draft, roster: Roster, template: Scenario, w0: float, w1x: float,
                            cases=None, seq: pd.DataFrame | None = None) -> None:
    """Each stage (or transfer) the template gives to a case-holding team nobody in the roster
    worked in during the window is given, in the draft's stages, to the template team holding
    most of its cases in the case extract's Team (the team at closure or at the extract date:
    the episodes whose last stage it is, seen in the window), when that team has staff in the
    roster; a note says which. A council without a court team (its court cases in families
    first) was fitted with four invented court workers holding all its court cases.
    :func:`.derive_workforce.derive_staffing` then gives the team no staff."""
    stages = d.data.get("stages")     # none in the back-test's scratch draft: nothing to route
    if not stages or "Team" not in roster.columns or cases is None or seq is None or \
            "team" not in cases.episodes.columns or not len(seq):
        return
    w = roster.workers
    worked = set(w.team[(w.start < w1x) & (w.end.isna() | (w.end > w0))])
    missing = [t for t, c in template.teams.items() if c.case_holding and t not in worked]
    if not missing:
        return
    last = seq.groupby("episode").tail(1)
    s0, s1 = last.s_start.to_numpy(dtype=float), last.s_end.to_numpy(dtype=float)
    last = last[(s0 < w1x) & (np.isnan(s1) | (s1 >= w0))]
    names = cases.episodes.set_index("episode").team.astype(str)
    matched, _ = template_team_names(names.unique(), template.teams)
    team_of = last.episode.map(names.replace(matched))
    for t in missing:
        for sname, stage in template.stages.items():
            held = stage.team == t
            moved = stage.transfer is not None and stage.transfer.to_team == t
            if not (held or moved):
                continue
            mine = (last.stage == sname).to_numpy()
            if moved and not held:     # the cases past the transfer
                end = np.fmin(last.s_end.to_numpy(dtype=float), w1x)
                age = end - last.s_start.to_numpy(dtype=float)
                mine = mine & (age >= stage.transfer.after_days)
            teams = team_of[mine]
            teams = teams[teams.isin(list(template.teams))]
            if not len(teams):
                continue
            counts = teams.value_counts()
            target, k = str(counts.index[0]), int(counts.iloc[0])
            if target == t or target not in worked or k <= ROUTE_SHARE * len(teams):
                continue
            said = (f"{k:,} of the {len(teams):,} cases last in stage {sname} in the data window "
                    f"are in team {target} in the case extract's Team")
            if held:
                stages[sname]["team"] = target
                what = f"stage {sname} held by team {target}"
            elif target == stages[sname]["team"]:
                stages[sname]["transfer"] = None
                what = f"stage {sname}'s cases stay in team {target} (no transfer to {t})"
            else:
                stages[sname]["transfer"]["to_team"] = target
                what = f"stage {sname}'s transfer to team {target}"
            d.assumed(f"stages.{sname}.team", f"{what}: {said}; nobody in the roster worked in "
                      f"the template's team {t}")
            d.notes.append(
                f"{roster.source}: nobody in the roster worked in the template's team {t} between "
                f"{to_date(w0)} and {to_date(w1x - 1)}, and {said}: {what}, and team {t} given "
                "no staff. Write the team in the roster's Team if the council has it")


def _cases_held_by(w: pd.DataFrame, rows: np.ndarray, cases) -> int | None:
    """How many of the case extract's referral episodes name (AllocatedWorker, by keyed digest)
    a worker of the roster's ``rows``; None without the link."""
    if cases is None or "worker_key" not in cases.episodes.columns or "worker_key" not in w \
            or not cases.episodes.worker_key.any():
        return None
    keys = set(int(k) for k in w.worker_key.to_numpy()[rows]) - {0}
    return int(cases.episodes.worker_key.isin(list(keys)).sum()) if keys else 0


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
                 f"during the data window; column Team): {_the_template(d.template_name)} has the "
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


def _impossible_absence(d: Draft, roster: Roster, w1x: float) -> Roster:
    """The roster with the WorkingDaysLost left out (blank) of the roles whose worker lost more
    days than she was in post in the 12 months to the census date (``w1x`` - 1, all the column
    counts), with a note naming their rows: read as they were, one starter of 11 days with 200
    days lost (a previous employer's, or a typing slip) took the fitted absence from 5.1% to
    10.0%. Her days in post are those of all her roles (she moved between teams, or came
    back)."""
    w = roster.workers
    s0 = np.maximum(w.start.to_numpy(dtype=float), w1x - 365)
    s1 = np.minimum(w.end.fillna(np.inf).to_numpy(dtype=float), w1x)
    present = np.clip(s1 - s0, 0, None)
    worker_days = pd.Series(present).groupby(w.worker.to_numpy()).transform("sum").to_numpy()
    lost = w.days_lost.to_numpy(dtype=float)
    bad = (present > 0) & ~np.isnan(lost) & (lost > worker_days)
    if not bad.any():
        return roster
    rows = sorted(int(r) for r in w._row.to_numpy()[bad] if r)
    where = (f"row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows[:ROWS_SHOWN]))}"
             f"{f' and {len(rows) - ROWS_SHOWN:,} more' if len(rows) > ROWS_SHOWN else ''}"
             if rows else f"{int(bad.sum()):,} role(s)")
    d.notes.append(f"{roster.source}, {where}, column WorkingDaysLost: more days lost than the "
                   "worker was in post (calendar days) in the 12 months to the census date "
                   f"({to_date(w1x - 1)}), which is all the column counts (a previous employer's "
                   "days, or a typing slip?): left out of the absence rate")
    return dataclasses.replace(roster, workers=w.assign(days_lost=np.where(bad, np.nan, lost)))


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


#: the chance below which no leaving at all in the window's first part, at the roster's rate of
#: leaving after it, says that the roster holds the leavers from its first leaving on only
NO_LEAVER_CHANCE = 0.01
#: the shortest such first part (days) worth a word: a quiet quarter is no sign
MIN_GAP_DAYS = 91
#: roles ending after the first needed to read a rate of leaving from (one ending late in the
#: window is no sign that earlier ones were left out)
MIN_ENDS = 5


def leavers_from(d: Draft, roster: Roster, w0: float, w1x: float) -> float:
    """The day the workforce is fitted from: ``w0``, or the roster's first leaving (its first
    RoleEndDate) when none is before it and its rate of leaving after it would have given
    leavers before it but for a chance under :data:`NO_LEAVER_CHANCE` (a roster of the staff in
    post and the last year's leavers beside cases of two years); a note says so. Counted from
    the window's start, such a roster's first months had no leavers: a synthetic authority
    (scale 1, two years) with its first year's leavers left out fitted experienced turnover 8.9%
    for the whole roster's 16.1% (16.8% from its first leaving), NQSWs' 18.0% for 26.8%, and
    Families First's establishment 106.5 FTE for 112.1, the leavers' posts missing."""
    w = roster.workers
    start = w.start.to_numpy(dtype=float)
    end = w.end.to_numpy(dtype=float)
    if len(w) and not ((start <= w0) & (np.isnan(end) | (end > w0))).any():
        # nobody in post at the window's start: the roster begins later (its RoleStartDates
        # those of a new system, or a roster of the staff of a later date)
        first = float(np.nanmin(start))
        if first - w0 >= MIN_GAP_DAYS and first < w1x - 1:
            d.notes.append(
                f"{roster.source}: nobody in the roster is in post on the data window's first "
                f"day ({to_date(w0)}); its first role starts on {to_date(first)}, "
                f"{(first - w0) / (365.25 / 12):.0f} months into the window, though the cases "
                "were worked before it. Turnover, agency tenure, recruitment, the academy and "
                f"the establishment are fitted from the day after it, {to_date(first + 1)}, to "
                f"{to_date(w1x - 1)} (a role starting then counts as a start, not an "
                "appointment). Give every role in post during the window, with its own start "
                "date, to fit them over the whole of it")
            return first + 1
    end = end[~np.isnan(end)]
    if not len(end):
        return w0
    first = float(end.min())
    gap = first - w0
    if gap < MIN_GAP_DAYS or first >= w1x:
        return w0
    n_after = int(((end >= first) & (end < w1x)).sum())
    rate = n_after / max(w1x - first, 1.0)
    if n_after < MIN_ENDS or not rate * gap > -np.log(NO_LEAVER_CHANCE):
        return w0
    months = gap / (365.25 / 12)
    d.notes.append(
        f"{roster.source}: the first role to end (RoleEndDate) ends on {to_date(first)}, "
        f"{months:.0f} months into the data window, and none before: at the roster's rate of "
        f"roles ending after it ({n_after:,} in {(w1x - first) / (365.25 / 12):.0f} months) "
        f"about {rate * gap:.0f} would have ended before it. The roster seems to hold the "
        f"leavers from {to_date(first)} only (the staff in post and recent leavers?), so "
        f"turnover, agency tenure, recruitment, the academy and the establishment are fitted "
        f"from {to_date(first)} to {to_date(w1x - 1)}. Give every role in post during the "
        "window to fit them over the whole of it")
    return first
