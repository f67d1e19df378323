"""What the extracts show, read as the model's quantities: children's journeys stage by stage,
the cases open on a day, each worker's time in post by type, and the staff in post by team.

Dates are day numbers (see :func:`~workbench.calibration.extracts.day_number`); a window is the
days ``[w0, w1x)``. Everything returned is keyed by integer codes, never by an identifier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scenario import STAGES, Scenario
from .extracts import CaseData, Roster, to_date

TASK_STAGES = ("assessment", "s47", "icpc")
PLAN_STAGES = ("cin", "cin_disability", "cp", "court", "lac", "care_leaver")
RANK = {s: i for i, s in enumerate(STAGES)}
OUTCOME_LAG_DAYS = 90     # task stages count if they started this long before the window end
MONTH_DAYS = 30.4375      # days in an average month


# --------------------------------------------------------------------------------------------
# The journey: stage instances in order, and what followed each
# --------------------------------------------------------------------------------------------

def stage_sequence(cases: CaseData) -> pd.DataFrame:
    """Stage instances in journey order within each episode, with what came next.

    Columns: episode, stage, start, end (as given), key (order date), next (next stage, 'close'
    or None if unknown), outcome_at (date of the next step or closure), prev, prev_start,
    s_start / s_end (effective start and end used for snapshots).
    """
    st = cases.stages.copy()
    ep = cases.episodes.set_index("episode")
    st["inferred"] = False
    # an s47 enquiry that has ended, with nothing after it in an open episode, awaits its ICPC
    if len(st):
        last_key = st.start.where(st.start.notna(), st.end).groupby(st.episode).transform("max")
        s47_done = (st.stage == "s47") & st.end.notna() & (st.start >= last_key)
        s47_done &= st.episode.map(ep.closure).isna().to_numpy()
        if s47_done.any():
            add = st[s47_done].copy()
            add["stage"] = "icpc"
            add["start"] = np.nan
            add["end"] = np.nan
            add["inferred"] = True
            add["_s"] = st[s47_done].end.to_numpy()
            st = pd.concat([st, add], ignore_index=True)
    if "_s" not in st:
        st["_s"] = np.nan
    st["key"] = st.start.where(st.start.notna(), st.end).fillna(st["_s"])
    st["rank"] = st.stage.map(RANK)
    st["_end"] = st.end.fillna(np.inf)
    st = st.sort_values(["episode", "key", "_end", "rank"], kind="stable").reset_index(drop=True)
    same_next = st.episode.shift(-1) == st.episode
    same_prev = st.episode.shift(1) == st.episode
    st["next"] = np.where(same_next, st.stage.shift(-1), None)
    st["outcome_at"] = np.where(same_next, st.key.shift(-1), np.nan)
    closure = st.episode.map(ep.closure).to_numpy(dtype=float)
    last = ~same_next.to_numpy()
    closed_last = last & ~np.isnan(closure)
    st.loc[closed_last, "next"] = "close"
    st.loc[closed_last, "outcome_at"] = closure[closed_last]
    st["prev"] = np.where(same_prev, st.stage.shift(1), None)
    st["prev_start"] = np.where(same_prev, st.start.shift(1), np.nan)
    st["closure"] = closure
    # effective end: the given end, else (task stages) the next step, else the closure
    s_end = st.end.to_numpy(dtype=float).copy()
    nxt = st.outcome_at.to_numpy(dtype=float)
    task = st.stage.isin(TASK_STAGES).to_numpy()
    fill = np.isnan(s_end) & task & ~np.isnan(nxt)
    s_end[fill] = nxt[fill]
    fill = np.isnan(s_end) & ~np.isnan(closure)
    s_end[fill] = closure[fill]
    st["s_end"] = s_end
    st["s_start"] = st.start.to_numpy(dtype=float)
    # an ICPC's stage starts when the s47 enquiry before it ends; without an s47 end date, after
    # the typical length of enquiries that ended otherwise (not in an ICPC)
    s47 = st[(st.stage == "s47") & st.end.notna()]
    if len(s47):
        typical = float(np.median(s47.end - s47.start))
    else:
        other = st[(st.stage == "s47") & (st.next.notna()) & (st.next != "icpc")]
        typical = float(np.median(other.outcome_at - other.start)) if len(other) else 10.0
    icpc = (st.stage == "icpc").to_numpy()
    prev_is_s47 = (st.prev == "s47").to_numpy()
    prev_end = np.where(same_prev, st.end.shift(1).to_numpy(dtype=float), np.nan)
    start_icpc = np.where(~np.isnan(prev_end), prev_end,
                          np.minimum(st.prev_start.to_numpy(dtype=float) + typical, st.end.to_numpy(dtype=float)))
    s_start = st.s_start.to_numpy().copy()
    m = icpc & prev_is_s47
    s_start[m] = start_icpc[m]
    m2 = icpc & ~prev_is_s47
    s_start[m2] = st.end.to_numpy()[m2]
    inf_ = st.inferred.to_numpy()
    s_start[inf_] = st._s.to_numpy()[inf_]
    st["s_start"] = s_start
    # the s47 ends when its ICPC stage starts
    s_end2 = st.s_end.to_numpy().copy()
    nxt_icpc = np.append((st.stage.to_numpy()[1:] == "icpc") & same_next.to_numpy()[:-1], False)
    m3 = (st.stage == "s47").to_numpy() & nxt_icpc & st.end.isna().to_numpy()
    s_end2[m3] = np.append(s_start[1:], np.nan)[m3]
    st["s_end"] = s_end2
    return st.drop(columns=["_end", "_s"])


def _current_stages(seq: pd.DataFrame, day: float) -> pd.DataFrame:
    """Each episode's latest stage instance open at the start of ``day``."""
    s = seq.s_start.to_numpy(dtype=float)
    e = seq.s_end.to_numpy(dtype=float)
    on = (s < day) & (np.isnan(e) | (e >= day))
    return seq[on].sort_values(["episode", "s_start"]).groupby("episode").tail(1)


def open_cases_episodes(seq: pd.DataFrame, day: float) -> np.ndarray:
    """The episodes open in a stage at the start of ``day`` (those :func:`open_cases_at` counts)."""
    return _current_stages(seq, day).episode.to_numpy()


def open_cases_at(seq: pd.DataFrame, day: float) -> dict[str, int]:
    """Children open in each stage at the start of ``day`` (one stage per episode: the latest)."""
    counts = _current_stages(seq, day).stage.value_counts()
    return {s: int(counts.get(s, 0)) for s in STAGES}


def unallocated_at(seq: pd.DataFrame, cases: CaseData, day: float) -> dict[str, int]:
    """Children open in each stage at the start of ``day`` with no allocated worker named."""
    cur = _current_stages(seq, day)
    alloc = cases.episodes.set_index("episode").allocated
    cur = cur[~cur.episode.map(alloc).astype(bool)]
    counts = cur.stage.value_counts()
    return {st: int(counts.get(st, 0)) for st in STAGES}


def stage_outcomes(seq: pd.DataFrame, w0: float, w1x: float) -> dict[str, dict]:
    """Outcome counts of each stage in the window: {stage: {"n": n, "counts": {outcome: k}}}.

    Task stages count if they started in [w0, w1x - 90 days) so their outcome has had time to be
    recorded; plan stages if they ended in the window (their outcome follows at once).
    """
    out = {}
    known = seq.next.notna()
    for stage in STAGES:
        sel = seq[(seq.stage == stage) & known]
        if stage in TASK_STAGES:
            key = sel.start.where(sel.start.notna(), sel.key)
            sel = sel[(key >= w0) & (key < w1x - OUTCOME_LAG_DAYS)]
        else:
            sel = sel[(sel.outcome_at >= w0) & (sel.outcome_at < w1x)]
        counts = sel.next.value_counts()
        out[stage] = {"n": int(len(sel)), "counts": {k: int(v) for k, v in counts.items()}}
    return out


def plan_durations(seq: pd.DataFrame, stage: str, w0: float, w1x: float):
    """(durations, ended, entry) of a plan stage's instances seen in the window, in days."""
    sel = seq[(seq.stage == stage) & seq.start.notna()]
    start = sel.start.to_numpy(dtype=float)
    end = sel.s_end.to_numpy(dtype=float)
    end = np.where(end >= w1x, np.nan, end)
    seen = (start < w1x) & (np.isnan(end) | (end >= w0))
    start, end = start[seen], end[seen]
    ended = ~np.isnan(end)
    dur = np.where(ended, end - start, w1x - start)
    dur = np.maximum(dur, 0.5)      # dates are whole days: a plan ending the day it starts
    entry = np.maximum(w0 - start, 0.0)
    return dur, ended, entry


# --------------------------------------------------------------------------------------------
# Workforce
# --------------------------------------------------------------------------------------------

def has_workforce(template: Scenario) -> bool:
    """Whether the scenario models a changing workforce (turnover, recruitment, agency)."""
    return "workforce" in type(template).model_fields


def type_change_days(template: Scenario) -> tuple[float, float]:
    """Days after which an NQSW and an academy trainee count as experienced."""
    dyn = has_workforce(template)
    nqsw_days = (template.workforce.asye_months if dyn else 12) * MONTH_DAYS
    academy_days = (template.academy.months if dyn else 12) * MONTH_DAYS
    return nqsw_days, academy_days


#: assumption: a role followed by the same worker's next role (the same WorkerID or SWENo)
#: starting at most this many days after it ends is a move within the authority (another team,
#: another post), not a leaving and an appointment. A move is entered as one role ending and the
#: next starting the next working day, after a weekend or bank holiday, or after the Christmas
#: closure (up to about ten days); leaving and being appointed again takes a recruitment round
#: (the template's time to hire is months), so a gap of two weeks or less is no leaving.
#: DfE's turnover counts the social workers who left the authority.
MOVE_GAP_DAYS = 14


def internal_moves(w: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(moved_on, moved_in) of the roster's rows ``w``: the roles that ended with a move within
    the authority (the same worker's next role starting at most :data:`MOVE_GAP_DAYS` after),
    and the roles that began with one. Neither is a leaving nor an appointment."""
    nxt = next_role_after_move(w)
    moved_in = np.zeros(len(w), dtype=bool)
    moved_in[nxt[nxt >= 0]] = True
    return nxt >= 0, moved_in


def next_role_after_move(w: pd.DataFrame) -> np.ndarray:
    """For each of the roster's rows ``w``, the position of the role it moved on to within the
    authority (:func:`internal_moves`), or -1."""
    n = len(w)
    nxt = np.full(n, -1, dtype=int)
    if n < 2 or "worker" not in w.columns:
        return nxt
    order = np.lexsort((w.start.to_numpy(dtype=float), w.worker.to_numpy()))
    worker = w.worker.to_numpy()[order]
    start = w.start.to_numpy(dtype=float)[order]
    end = w.end.to_numpy(dtype=float)[order]
    gap = start[1:] - end[:-1]
    move = (worker[1:] == worker[:-1]) & (gap >= 0) & (gap <= MOVE_GAP_DAYS)
    nxt[order[:-1][move]] = order[1:][move]
    return nxt


def type_spells(roster: Roster, nqsw_days: float, academy_days: float) -> pd.DataFrame:
    """Each worker's time in post split by type: NQSWs and academy trainees become experienced
    ``nqsw_days`` / ``academy_days`` after they start. Columns: worker, team, type, fte, start,
    end (NaN: in post), left (she left the authority at the end of this spell: not a move within
    it, :func:`internal_moves`), role, agency."""
    w = roster.workers
    moved_on, _ = internal_moves(w)
    rows = []
    for r, moved in zip(w.itertuples(index=False), moved_on):
        end = r.end
        if r.type in ("nqsw", "academy"):
            change = r.start + (nqsw_days if r.type == "nqsw" else academy_days)
            if end != end or end > change:
                rows.append((r.worker, r.team, r.type, r.fte, r.start, change, False, r.role, r.reason))
                rows.append((r.worker, r.team, "experienced", r.fte, change, end,
                             end == end and not moved, r.role, r.reason))
                continue
        rows.append((r.worker, r.team, r.type, r.fte, r.start, end, end == end and not moved,
                     r.role, r.reason))
    return pd.DataFrame(rows, columns=["worker", "team", "type", "fte", "start", "end", "left",
                                       "role", "reason"])


def in_post_at(roster: Roster, day: float) -> pd.DataFrame:
    """The roster's rows of workers in post at the start of ``day``."""
    w = roster.workers
    return w[(w.start <= day) & (w.end.isna() | (w.end > day))]


def cap_for(template: Scenario, team: str, wtype: str) -> float:
    """A worker type's caseload cap (cases per FTE) in a team: the team's own, else the default."""
    t = template.teams.get(team)
    if t is not None and t.caps and wtype in t.caps:
        return t.caps[wtype]
    return template.caseload.caps[wtype]


def type_at(r, day: float, nqsw_days: float, academy_days: float) -> str:
    """A roster row's worker type on ``day`` (NQSWs and trainees become experienced)."""
    if r.type == "nqsw" and day >= r.start + nqsw_days:
        return "experienced"
    if r.type == "academy" and day >= r.start + academy_days:
        return "experienced"
    return r.type


#: said of an establishment read as the FTE in post: the roster lists staff, not vacant posts (a
#: truth's front door of 16 funded posts, one vacant, was fitted as 15 "funded posts" unsaid)
NO_VACANCIES = ("; the roster lists staff, not vacant posts, so a vacant post is not counted "
                "(the funded posts may be more)")


def establishment_note(team: str, est: float, how: str, case_holding: bool) -> str | None:
    """The note for a team whose establishment is its FTE in post (``how`` ends with
    :data:`NO_VACANCIES`), or None."""
    if not how.endswith(NO_VACANCIES):
        return None
    effect = ("the model recruits to the posts vacant (establishment less permanent FTE in "
              "post), so none of its posts is recruited to until somebody leaves" if case_holding
              else "the model keeps this team's staffing fixed, so only the funded posts the "
              "report lists change")
    return (f"team {team}: its establishment (funded posts) is written as its FTE in post, "
            f"{est:.1f} FTE: the roster lists staff, not vacant posts"
            + ("" if not case_holding else ", and without agency cover in the template "
               "vacancies cannot be read from agency staff")
            + f". Set teams.{team}.establishment_fte to its funded posts if any is vacant: "
            + effect)


def staff_groups(roster: Roster, template: Scenario, day: float,
                 since: float | None = None) -> dict[str, tuple]:
    """Staff in post at the start of ``day`` by template team: {team: (staff groups,
    establishment FTE, how the establishment was found)}.

    The establishment of a case-holding team is inferred from agency cover, which the model
    (and, largely, councils) use for vacancies: permanent FTE + agency FTE / cover share,
    averaged week by week over [since, day] (one day is noisy: cover arrives late).

    A team nobody is in at ``day`` but somebody was in during [since, day) existed: it is given
    with no staff (``[]``), its posts vacant, and its establishment measured over [since, day]
    as above, or, without agency cover or for a team that holds no cases, as the mean FTE in
    post week by week (excluding academy trainees). Teams nobody was in (or, without ``since``,
    nobody is in at ``day``) are left out."""
    has_dyn = has_workforce(template)
    nqsw_days, academy_days = type_change_days(template)
    cover = (template.agency.cover_share_pct / 100) if has_dyn and template.agency.enabled else 0.0
    now = in_post_at(roster, day)
    spells = type_spells(roster, nqsw_days, academy_days)
    start = day if since is None else since
    weeks = np.arange(start, day + 1e-9, 7.0)[:, None]
    span = "" if since is None else f", averaged weekly from {to_date(start)}"
    out = {}
    for tname, tcfg in template.teams.items():
        tw = now[now.team == tname]
        sp = spells[spells.team == tname]
        if tw.empty and (since is None or not in_post_during(sp, since, day).any()):
            continue
        staff = _groups(tw, day, nqsw_days, academy_days)
        if tcfg.case_holding and cover > 0:
            weight = np.where(sp.type.isin(["experienced", "nqsw"]), 1.0,
                              np.where(sp.type == "agency", 1.0 / cover, 0.0))
            # cover asked for and not yet arrived covers a vacancy too: an agency worker counts
            # from the agency's lead time before she starts (the model asks for cover when a
            # post falls vacant, or an assignment ends, and she arrives that much later)
            lead = template.agency.lead_time_weeks.mean_value * 7
            est = _weekly_mean_fte(sp, weeks, weight, np.where(sp.type == "agency", lead, 0.0))
            how = (f"permanent FTE + (agency FTE + cover on its way, arriving within the agency "
                   f"lead time of {lead / 7:g} weeks) / cover share {100 * cover:.0f}%{span} "
                   "(assumes agency staff cover vacancies; the roster has no vacancy data)")
        elif tw.empty:
            est = _weekly_mean_fte(sp, weeks, np.where(sp.type == "academy", 0.0, 1.0))
            how = f"mean FTE in post (excluding academy trainees){span}" + NO_VACANCIES
        else:
            est = sum(g["fte"] * g["count"] for g in staff if g["type"] != "academy")
            how = "FTE in post (excluding academy trainees)" + NO_VACANCIES
        out[tname] = (staff, est, how)
    return out


def _weekly_mean_fte(spells: pd.DataFrame, weeks: np.ndarray, weight: np.ndarray,
                    before: np.ndarray | float = 0.0) -> float:
    """The mean over ``weeks`` (a column of days) of the weighted FTE of ``spells`` in post,
    each counted from ``before`` days ahead of its start (cover on its way)."""
    on = ((spells.start.to_numpy() - before) <= weeks) & \
        (spells.end.fillna(np.inf).to_numpy() > weeks)
    return float((on * (weight * spells.fte.to_numpy())).sum(axis=1).mean())


def in_post_during(rows: pd.DataFrame, w0: float, w1x: float) -> pd.Series:
    """Which roster rows (or spells) were in post at some time in the days [w0, w1x)."""
    return (rows.start < w1x) & (rows.end.isna() | (rows.end > w0))


def _groups(tw: pd.DataFrame, day: float, nqsw_days: float, academy_days: float) -> list[dict]:
    """Staff groups (type, FTE, months qualified) of the roster rows ``tw`` on ``day``."""
    groups: dict[tuple, int] = {}
    for r in tw.itertuples(index=False):
        wtype = type_at(r, day, nqsw_days, academy_days)
        months = (day - r.start) / MONTH_DAYS
        if wtype in ("nqsw", "academy") or (r.type in ("nqsw", "academy") and months < 36):
            mq = float(round(max(months, 0.0)))
        else:
            mq = 36.0
        key = (wtype, round(float(r.fte), 2), mq)
        groups[key] = groups.get(key, 0) + 1
    return [{"type": k[0], "count": n, "fte": k[1], "months_qualified": k[2]}
            for k, n in sorted(groups.items())]


def vacancy_gaps(roster: Roster, w0: float, w1x: float):
    """Gaps (days) from each permanent leaver in the window to the next permanent starter in the
    same team, matched first in, first out; unfilled gaps are censored at the window end. A move
    within the authority (:func:`internal_moves`) is neither a leaver nor a starter.

    Returns (durations, ended) arrays, or None when the roster has no Team column."""
    if "Team" not in roster.columns:
        return None
    w = roster.workers
    moved_on, moved_in = internal_moves(w)
    permanent = w.type.isin(["experienced", "nqsw"]).to_numpy()
    perm = w[permanent].assign(_on=moved_on[permanent], _in=moved_in[permanent])
    con_starts = set(zip(w[w.reason == "CON"].team, w[w.reason == "CON"].end))
    durs, ended = [], []
    for team, g in perm.groupby("team"):
        left = (g.end >= w0) & (g.end < w1x) & (g.reason != "CON") & ~g._on
        leavers = np.sort(g[left].end.to_numpy())
        starters = np.sort([s for s in g[(g.start >= w0) & (g.start < w1x) & ~g._in].start.to_numpy()
                            if (team, s) not in con_starts])
        j = 0
        for t in leavers:
            while j < len(starters) and starters[j] < t:
                j += 1
            if j < len(starters):
                durs.append(starters[j] - t)
                ended.append(True)
                j += 1
            else:
                durs.append(w1x - t)
                ended.append(False)
    if not durs:
        return np.zeros(0), np.zeros(0, dtype=bool)
    return np.asarray(durs, dtype=float), np.asarray(ended, dtype=bool)
