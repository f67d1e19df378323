"""Notes on an extract's plausibility: realistic mistakes that pass every check and still fit.

A case extract or roster can be well formed, row by row, and still be the wrong data: a sample
of the cases, the roster of another authority, test records left in, a team name written
another way. Each fits without an error, and quietly wrong. The checks here look at what the
two extracts say about themselves and about each other, and say what they see in a note in
counts, dates and team names (never an identifier: a worker is matched by a keyed digest of her
identifier, see :func:`note_workers_off_roster`). One refuses: a data window too short to fit
anything from (:func:`check_window`). One changes what is read: team names that differ from the
template's only in capitals, spaces, hyphens or underscores are taken as the template's
(:func:`with_template_team_names`), with a note.

The thresholds were chosen on extracts known to be right: the synthetic ones
(``workbench synthesize``: seeds 1 to 6, sizes 0.1 to 1 of the baseline, windows of one to four
years, and ``data/sample``) and the bundled returns (``data/returns``). Each constant says what
those give and why the threshold leaves room for a real service.

Called from :mod:`.derive` (the window, before anything is fitted) and :mod:`.derive_workforce`
(everything that needs the roster: :func:`note_extracts`).
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd

from ..errors import UserError
from .extracts import CaseData, Roster, to_date
from .extracts.cells import link_keys, may_identify
from .observe import OUTCOME_LAG_DAYS

# --------------------------------------------------------------------------------------------
# The data window
# --------------------------------------------------------------------------------------------

#: A window shorter than this (13 weeks) is refused: an assessment's or enquiry's outcome counts
#: only when it started OUTCOME_LAG_DAYS (90) before the window ends, so a shorter window fits
#: no pathway at all, and its referrals are one season's. The audit's sample of 40 episodes had a
#: default window of 11 days (its earliest closure), and fitted a referral rate from it.
MIN_WINDOW_DAYS = OUTCOME_LAG_DAYS + 1

#: A window shorter than a year is fitted, with a note: the referral trend and the seasons need
#: 24 months (under that the template's are kept; see :data:`.derive.MIN_TREND_MONTHS`), and plans (a CP plan lasts about 9
#: months, a period of care years) are seen mostly unfinished, so their lengths rest on few ended
#: plans. The synthetic extracts' and the returns' windows are one to four years.
SHORT_WINDOW_DAYS = 365


def check_window(source: str, w0: float, w1x: float) -> None:
    """Refuse a data window shorter than :data:`MIN_WINDOW_DAYS`, saying why."""
    days = int(round(w1x - w0))
    if days >= MIN_WINDOW_DAYS:
        return
    raise UserError(
        f"{source}: the data window {to_date(w0)} to {to_date(w1x - 1)} is {days} day(s); a "
        f"calibration needs at least {MIN_WINDOW_DAYS} (13 weeks): an assessment's or enquiry's "
        f"outcome is counted only when it started {OUTCOME_LAG_DAYS} days before the window "
        "ends, so a shorter window fits no pathway, and its referrals give one season's rate. Is "
        "the extract a sample of the cases, or does it cover more than this window (by default "
        "the window starts on the earliest CINclosureDate)? Give the whole extract, or set "
        "--window-start and --window-end (window_start, window_end) to the period it covers.")


def note_short_window(notes: list[str], source: str, w0: float, w1x: float) -> None:
    """A note for a window shorter than :data:`SHORT_WINDOW_DAYS` (fitted, but thinly)."""
    days = int(round(w1x - w0))
    if days >= SHORT_WINDOW_DAYS:
        return
    notes.append(
        f"{source}: the data window {to_date(w0)} to {to_date(w1x - 1)} is {days} days, under "
        f"a year ({SHORT_WINDOW_DAYS} days): the referral trend and the seasons (24 months "
        "needed for each) are the template's, and plans are seen mostly unfinished, so their "
        "lengths rest on few ended plans. A fit wants a year of data, better two")


# --------------------------------------------------------------------------------------------
# Referrals: a day far above the others
# --------------------------------------------------------------------------------------------

#: A day's referrals are noted when above both SPIKE_FACTOR x the median weekday's and the
#: median weekday's + SPIKE_FLOOR. The synthetic extracts' busiest day is 2.3 to 4.7 times their
#: median weekday (5 a day: at most 20; 18 a day: at most 41), from families referred together;
#: the smallest (1 a day) has a day of 10, which the floor covers, as it covers an authority with
#: almost none on most days. A real Monday after a bank holiday or the first days of a school
#: term bring perhaps two or three times a usual day (weekends far fewer, hence weekdays). The
#: audit's 40 test children on one day were 43 referrals, 43 times its median weekday's 1;
#: records migrated from an old system on one date are hundreds.
SPIKE_FACTOR = 6
SPIKE_FLOOR = 25
SPIKES_SHOWN = 5


def note_referral_spikes(notes: list[str], cases: CaseData, w0: float, w1x: float) -> None:
    """A note naming the days (date and count) whose referrals are far above a usual weekday's
    (:data:`SPIKE_FACTOR`, :data:`SPIKE_FLOOR`): test records, or a batch loaded under one date."""
    ref = cases.episodes.referral.to_numpy(dtype=float)
    ref = ref[(ref >= w0) & (ref < w1x)]
    if not len(ref):
        return
    first = int(np.floor(w0))
    counts = np.bincount((np.floor(ref) - first).astype(int), minlength=int(np.ceil(w1x)) - first)
    days = pd.to_datetime(to_date(first)) + pd.to_timedelta(np.arange(len(counts)), unit="D")
    weekday = np.asarray(days.day_of_week < 5)
    if weekday.sum() < 5:
        return
    median = float(np.median(counts[weekday]))
    limit = max(SPIKE_FACTOR * median, median + SPIKE_FLOOR)
    high = np.flatnonzero(counts > limit)
    if not len(high):
        return
    top = sorted(high, key=lambda i: -counts[i])[:SPIKES_SHOWN]
    said = ", ".join(f"{days[i].date()} ({counts[i]:,})" for i in sorted(top))
    more = f" and {len(high) - len(top)} more day(s)" if len(high) > len(top) else ""
    extra = int(counts[high].sum() - len(high) * median)
    notes.append(
        f"{cases.source}: {len(high)} day(s) with far more referrals (CINreferralDate) than a "
        f"usual weekday's {median:g}: {said}{more} (above {limit:g}: {SPIKE_FACTOR} times the "
        f"median weekday, and at least {SPIKE_FLOOR} more). Test records, or a batch entered "
        f"under one date (records migrated from another system)? Beyond a usual day they add "
        f"{extra:,} referrals, {100 * extra / len(ref):.0f}% of the {len(ref):,} fitted; remove "
        "them from the extract if they are not real referrals")


def note_episodes_overlapping(notes: list[str], cases: CaseData) -> None:
    """A note counting referral episodes that begin while the same child's earlier episode is
    still open (no closure, or a closure after the new referral): each is held as an open case
    of its own, so the child counts twice among open cases (H85, round 16: read in silence).
    Counts only: no child, date or row of a child is named."""
    ep = cases.episodes[["child", "referral", "closure"]].dropna(subset=["referral"])
    if len(ep) < 2:
        return
    ep = ep.sort_values(["child", "referral"], kind="stable")
    child = ep.child.to_numpy()
    ref = ep.referral.to_numpy(dtype=float)
    close = ep.closure.to_numpy(dtype=float)
    # the latest closure of the child's earlier episodes (an open one counts as never closed)
    open_until = np.where(np.isnan(close), np.inf, close)
    prior = pd.Series(open_until).groupby(child).cummax().groupby(child).shift(1).to_numpy()
    inside = ~np.isnan(prior) & (ref < prior)
    n = int(inside.sum())
    if not n:
        return
    kids = len(np.unique(child[inside]))
    notes.append(
        f"{cases.source}: {n:,} referral episode(s) of {kids:,} child(ren) begin while the same "
        f"child's earlier episode is still open (no CINclosureDate, or one after the new "
        f"CINreferralDate): each is counted as an open case of its own, so open cases and "
        f"caseloads may read high by up to {n:,}. A referral while a case is open is usually "
        f"recorded on the open episode: were closures recorded late, or episodes copied?")


# --------------------------------------------------------------------------------------------
# Team names
# --------------------------------------------------------------------------------------------

def fold_team(name: str) -> str:
    """A team name without capitals, spaces, hyphens or underscores: 'Families First',
    'families-first' and 'families_first' all give 'familiesfirst'."""
    return re.sub(r"[\s_-]+", "", str(name)).casefold()


def template_team_names(names, template_teams) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Which of ``names`` (a roster's or the cases' team names) are the template's teams: an
    exact name is itself; another that folds (:func:`fold_team`) to exactly one template team is
    that team. Returns (name -> template team for the names matched by folding only, name ->
    the template teams it folds to, when more than one)."""
    teams = list(template_teams)
    by_fold: dict[str, list[str]] = {}
    for t in teams:
        by_fold.setdefault(fold_team(t), []).append(t)
    matched, ambiguous = {}, {}
    for name in sorted({str(n) for n in names} - set(teams) - {""}):
        found = by_fold.get(fold_team(name), [])
        if len(found) == 1:
            matched[name] = found[0]
        elif len(found) > 1:
            ambiguous[name] = found
    return matched, ambiguous


def _quoted(name: str, width: int = 40) -> str:
    # a line break inside a quoted cell ('first<break>contact' folds to first_contact) broke
    # the note across two lines of the terminal: each is shown as [line break]
    name = re.sub(r"\r\n|\r|\n", " [line break] ", str(name)).replace("\t", " [tab] ")
    return "'" + (name if len(name) <= width else name[: width - 3] + "...") + "'"


def with_template_team_names(notes: list[str], roster: Roster, template_teams, w0: float,
                             w1x: float) -> Roster:
    """The roster with team names that differ from the template's only in capitals, spaces,
    hyphens or underscores written as the template's, and a note saying which were.

    Several roster names folding to one template team ('Families First' and 'families_first')
    are that one team, said in the note with each name's rows. A roster name folding to two or
    more template teams (a template with both 'cp_court' and 'cp-court') is refused when
    somebody of that name was in post during the window (where her staff went would change the
    fit); otherwise it is left as it is (it changes nothing)."""
    if "Team" not in roster.columns:
        return roster
    w = roster.workers
    matched, ambiguous = template_team_names(w.team.unique(), template_teams)
    for name, found in ambiguous.items():
        rows = w[w.team == name]
        if ((rows.start < w1x) & (rows.end.isna() | (rows.end > w0))).any():
            raise UserError(
                f"{roster.source}: team {_quoted(name)} (column Team) matches the template's "
                f"teams {', '.join(found)} alike (capitals, spaces, hyphens and underscores "
                "aside), and its workers were in post during the data window: write it as one "
                "of them in the roster, or give the template's teams names that differ by more")
    if not matched:
        return roster
    counts = w.team.value_counts()
    said = "; ".join(f"{_quoted(n)} as {t} ({counts[n]:,} row{'s' if counts[n] != 1 else ''})"
                     for n, t in sorted(matched.items(), key=lambda x: (x[1], x[0])))
    merged = sorted({t for t in matched.values()
                     if sum(v == t for v in matched.values()) + (t in counts.index) > 1})
    both = (f". Several roster names became one team ({', '.join(merged)}): check they are "
            "the same team" if merged else "")
    notes.append(f"{roster.source}: roster team names matched to the template's ignoring "
                 f"capitals, spaces, hyphens and underscores: {said}{both}")
    return dataclasses.replace(roster, workers=w.assign(team=w.team.replace(matched)))


#: Unknown case teams named in the note (the rest are counted). Any episode in a team neither
#: the template nor the roster has is noted: the synthetic extracts' case teams are all the
#: template's, and the bundled returns give none.
UNKNOWN_TEAM_SHOWN = 5
#: An unknown case team is quoted only when at least this many episodes are in it. assumption: a
#: team holds many children's cases; a "team" of one or two episodes is likelier a cell holding
#: something else (a person's name, a pupil number: audit round 10 found 'Jane Smith'-like
#: values quoted, one episode each), which a shape test cannot always tell; a test team of a
#: few records is still named.
UNKNOWN_TEAM_MIN_EPISODES = 3

#: A team name shaped like an identifier is counted in a note, never quoted: one the extract
#: readers would not quote (:func:`~.extracts.cells.may_identify`: five digits or more), or one
#: word of eight characters or more holding three digits or more. A Team column holding
#: identifiers (columns swapped, or a child's number typed as a team) would otherwise print
#: them. No team of the synthetic extracts, the bundled returns or the templates has that shape.
_WORD_ID_SHAPED = re.compile(r"(?=(?:[^0-9]*[0-9]){3})[^\s_-]{8,}")


def team_names_to_show(names, cases: CaseData | None, roster: Roster | None) -> set[str]:
    """The team names of ``names`` that a note may quote: neither an identifier of either
    extract (a worker's AllocatedWorker or WorkerID, matched by keyed digest, as the extracts
    link them) nor shaped like one (:func:`~.extracts.cells.may_identify`,
    :data:`_WORD_ID_SHAPED`). A Team value that is one of its own file's identifiers is refused
    when the file is read; these are the ones across files."""
    names = [str(n) for n in names]
    keys: set[int] = set()
    if cases is not None and "worker_key" in cases.episodes.columns:
        keys |= set(cases.episodes.worker_key.to_numpy().tolist())
    if roster is not None and "worker_key" in roster.workers.columns:
        keys |= set(roster.workers.worker_key.to_numpy().tolist())
    for data in (cases, roster):
        # values of the extracts' other columns (a UPN, a payroll number typed as a team)
        keys |= set(getattr(data, "hidden_keys", ()))
    keys.discard(0)
    digests = link_keys(names)
    return {n for n, k in zip(names, digests.tolist())
            if k not in keys and not may_identify(n) and not _WORD_ID_SHAPED.search(n)}


def note_unknown_case_teams(notes: list[str], cases: CaseData, roster: Roster | None,
                            template_teams) -> None:
    """A note counting the cases in teams (the cases' Team) that neither the template nor the
    roster has, capitals, spaces, hyphens and underscores aside: test records ('TEST TEAM'), or
    the case system's team names, which the fit cannot place."""
    if "Team" not in cases.columns:
        return
    team = cases.episodes.team.astype(str)
    known = {fold_team(t) for t in template_teams}
    if roster is not None and "Team" in roster.columns:
        known |= {fold_team(t) for t in roster.workers.team.unique()}
    folded = team.map(fold_team)
    unknown = (team != "") & ~folded.isin(known)
    if not unknown.any():
        return
    counts = team[unknown].value_counts()
    showable = team_names_to_show(counts.index, cases, roster)
    hidden = counts[~counts.index.isin(list(showable))]
    counts = counts[counts.index.isin(list(showable))]
    few = counts[counts < UNKNOWN_TEAM_MIN_EPISODES]
    counts = counts[counts >= UNKNOWN_TEAM_MIN_EPISODES]
    shown = counts.iloc[:UNKNOWN_TEAM_SHOWN]
    said = ", ".join(f"{_quoted(n)} ({c:,})" for n, c in shown.items())
    more = f" and {len(counts) - len(shown)} more" if len(counts) > len(shown) else ""
    if len(hidden):
        said = ", ".join(x for x in (said, f"{len(hidden):,} name(s) not shown, as they look "
                                     f"like identifiers ({int(hidden.sum()):,} episodes)") if x)
    if len(few):
        said = ", ".join(x for x in (said, f"{len(few):,} name(s) of fewer than "
                                     f"{UNKNOWN_TEAM_MIN_EPISODES} episodes each, not shown "
                                     f"({int(few.sum()):,} episodes: a cell holding a person's "
                                     "name or a number is never quoted)") if x)
    whose = ("neither the template nor the roster has" if roster is not None
             else "the template does not have")
    notes.append(
        f"{cases.source}: {int(unknown.sum()):,} of the {len(team):,} referral episodes are in "
        f"team(s) (column Team) that {whose}: {said}{more}. Test records, or the "
        "case system's own team names? They are fitted as the authority's cases; remove them "
        "from the extract if they are not")


# --------------------------------------------------------------------------------------------
# The two extracts against each other
# --------------------------------------------------------------------------------------------

def open_episodes_at(seq: pd.DataFrame, day: float) -> np.ndarray:
    """The episodes with a stage open at the start of ``day`` (as the open cases are counted)."""
    s = seq.s_start.to_numpy(dtype=float)
    e = seq.s_end.to_numpy(dtype=float)
    on = (s < day) & (np.isnan(e) | (e >= day))
    return np.unique(seq.episode.to_numpy()[on])


#: The share of the open cases naming a worker (AllocatedWorker) whose worker is not in the
#: roster above which a note is made. In every synthetic extract and data/sample every such
#: worker is in the roster (0%). A real roster is often partial (agency staff kept by another
#: system, students, a manager holding cases), so this is a note and 10% leaves room for that;
#: the audit's cases of two authorities against one roster gave 39%, a roster of another
#: authority 100%. At least OFF_ROSTER_MIN cases, so that a few do not make a share.
OFF_ROSTER_SHARE = 0.10
OFF_ROSTER_MIN = 5


def note_workers_off_roster(notes: list[str], cases: CaseData, seq: pd.DataFrame,
                            roster: Roster, day: float) -> None:
    """A note when many of the cases open at ``day`` (the day after the extract date) name an
    allocated worker who is not in the roster, in counts; a stronger one when none does.

    The cases open at the extract date are the ones whose AllocatedWorker is the worker holding
    them then, who should be in the roster; a closed case's worker may have left before the
    roster begins. The workers are matched on ``worker_key`` (a keyed digest of AllocatedWorker
    and of WorkerID, the same in both extracts within one run, never the identifier): without it
    there is nothing to match and nothing is said."""
    if "worker_key" not in cases.episodes.columns or "worker_key" not in roster.workers.columns:
        return
    ep = cases.episodes.set_index("episode").worker_key
    keys = ep.reindex(open_episodes_at(seq, day)).dropna().to_numpy()
    keys = keys[keys != 0]
    if len(keys) < OFF_ROSTER_MIN:
        return
    on = set(roster.workers.worker_key.to_numpy().tolist())
    off = np.array([k not in on for k in keys.tolist()])
    n_off = int(off.sum())
    if n_off < OFF_ROSTER_MIN or n_off <= OFF_ROSTER_SHARE * len(keys):
        return
    workers = len(set(keys[off].tolist()))
    when = f"open at the extract date ({to_date(day - 1)})"
    if n_off == len(keys):
        notes.append(
            f"{cases.source} and {roster.source}: none of the {len(keys):,} cases {when} with "
            f"an allocated worker names a worker of the roster: no AllocatedWorker "
            f"({cases.source}) is a WorkerID ({roster.source}). Are the two extracts of the same "
            "authority and the same date, and do both columns hold the same identifiers (not a "
            "case system's user names against HR numbers)? A roster of another authority fits "
            "its staff, caseloads and turnover to these cases")
        return
    notes.append(
        f"{cases.source} and {roster.source}: {n_off:,} of the {len(keys):,} cases {when} with "
        f"an allocated worker ({100 * n_off / len(keys):.0f}%) name a worker who is not in the "
        f"roster ({workers:,} workers: their AllocatedWorker is no WorkerID of {roster.source}). "
        "A partial roster (agency staff, students, managers holding cases), or cases of more "
        "than the roster's authority? The staff fitted are the roster's")


#: Open cases at the extract date below this share of the Cases30 the roster's case holders
#: carry at the census date are noted: the extract is a sample, or misses teams. In the
#: synthetic extracts the two agree (open cases 1.00 to 1.06 times the Cases30); the bundled
#: returns give 0.77 (126 open cases, 163 in the census). A census is counted on its own day,
#: and some count a co-worked case twice, so half leaves room; the audit's 40 sampled episodes
#: gave 0.03, 40 random rows 0.02.
OPEN_SHARE_OF_CASELOADS = 0.5
MIN_CASES30 = 20


def note_open_below_caseloads(notes: list[str], cases: CaseData, seq: pd.DataFrame,
                              roster: Roster, day: float) -> None:
    """A note when the cases open at ``day`` are far fewer than the roster's case holders say
    they hold (the sum of Cases30 of the workers in post at the census, ``day - 1``)."""
    held = _in_post_caseloads(roster, day)
    total = float(held.cases30.sum())
    if total < MIN_CASES30:
        return
    n_open = len(open_episodes_at(seq, day))
    if n_open >= OPEN_SHARE_OF_CASELOADS * total:
        return
    notes.append(
        f"{cases.source}: {n_open:,} cases open at the extract date ({to_date(day - 1)}), while "
        f"the {len(held):,} workers in post in {roster.source} hold {total:,.0f} (Cases30): "
        f"{100 * n_open / total:.0f}%, under {100 * OPEN_SHARE_OF_CASELOADS:.0f}%. Is the case "
        "extract a sample, or does it miss teams? The open cases at the start, the referral rate "
        "and everything fitted from the cases would be too few")


#: Open cases naming a worker (AllocatedWorker; all open cases without the column) above this
#: multiple of the roster's Cases30 are noted: the cases are in the extract twice (an episode
#: copied under a new child identifier, two extracts appended) or the census is of another
#: date. The synthetic extracts give 1.00 to 1.06 (all open cases; those naming a worker, 0.94
#: in data/sample); the audit's every episode copied under a new LAchildID gave 2.0.
OPEN_ABOVE_CASELOADS = 1.5


def _workers(n: int) -> str:
    return f"{n:,} worker{'s' if n != 1 else ''}"


def _in_post_caseloads(roster: Roster, day: float) -> pd.DataFrame:
    """The workers in post at the census (``day - 1``) with a Cases30."""
    w = roster.workers
    return w[(w.start <= day - 1) & (w.end.isna() | (w.end > day - 1)) & w.cases30.notna()]


def _allocated_open(cases: CaseData, seq: pd.DataFrame, day: float):
    """(cases open at ``day``, how many of them name a worker); the second None when the
    extract has no AllocatedWorker (or it is blank on every row, taken as absent)."""
    open_eps = open_episodes_at(seq, day)
    if "AllocatedWorker" not in cases.columns or not cases.episodes.allocated.any():
        return len(open_eps), None
    alloc = cases.episodes.set_index("episode").allocated
    return len(open_eps), int(alloc.reindex(open_eps).fillna(False).astype(bool).sum())


def note_open_above_caseloads(notes: list[str], cases: CaseData, seq: pd.DataFrame,
                              roster: Roster, day: float) -> None:
    """A note when the cases open at ``day`` naming a worker are far more than the roster's case
    holders say they hold (:data:`OPEN_ABOVE_CASELOADS` times the Cases30 of the workers in post
    at the census, ``day - 1``): the other way round from :func:`note_open_below_caseloads`."""
    held = _in_post_caseloads(roster, day)
    total = float(held.cases30.sum())
    if total < MIN_CASES30:
        return
    n_open, n_alloc = _allocated_open(cases, seq, day)
    n = n_open if n_alloc is None else n_alloc
    if n <= OPEN_ABOVE_CASELOADS * total:
        return
    which = ("cases open" if n_alloc is None else "cases open with an allocated worker "
             "(AllocatedWorker)")
    notes.append(
        f"{cases.source}: {n:,} {which} at the extract date ({to_date(day - 1)}), while the "
        f"{_workers(len(held))} in post in {roster.source} hold {total:,.0f} (Cases30): "
        f"{n / total:.1f} times as many, above {OPEN_ABOVE_CASELOADS:g}. Is each case in the "
        "extract more than once (an episode copied under another LAchildID, two extracts "
        "appended), the roster missing staff, or its Cases30 of another date? Cases twice "
        "would make the open cases at the start, the referral rate and everything fitted from "
        "the cases too many; staff missing, the staff fitted too few")


#: Cases open at the extract date without an AllocatedWorker above this share are noted when
#: the roster's Cases30 say staff hold cases: each starts the run waiting for a worker. In the
#: synthetic extracts 6% are unallocated (76 of 1,284 in data/sample); Walsall's 141 waiting
#: children were a few percent of its cases. The audit's column blank but for a few rows made
#: every case wait.
UNALLOCATED_SHARE = 0.8
MIN_OPEN = 20


def note_unallocated_against_caseloads(notes: list[str], cases: CaseData, seq: pd.DataFrame,
                                       roster: Roster, day: float) -> None:
    """A note when nearly all cases open at ``day`` (:data:`UNALLOCATED_SHARE`) name no worker
    while the workers in post at the census hold cases (Cases30): the column is filled for a few
    teams or stages only, or from somewhere else, and the run would start with them all
    waiting for a worker."""
    n_open, n_alloc = _allocated_open(cases, seq, day)
    if n_alloc is None or n_open < MIN_OPEN:
        return
    waiting = n_open - n_alloc
    held = _in_post_caseloads(roster, day)
    total = float(held.cases30.sum())
    if waiting < UNALLOCATED_SHARE * n_open or total < MIN_CASES30:
        return
    notes.append(
        f"{cases.source}: {waiting:,} of the {n_open:,} cases open at the extract date "
        f"({to_date(day - 1)}) name no AllocatedWorker ({100 * waiting / n_open:.0f}%), so the "
        f"run starts with them all waiting for a worker (initial.unallocated), while the "
        f"{_workers(len(held))} in post in {roster.source} hold {total:,.0f} cases (Cases30). Is "
        "AllocatedWorker filled for some teams or stages only? Fill it from the case system, or "
        "leave the column out to take no case as waiting")


#: A gap this unlikely, or rarer, since the roster's last start or leaving (or the cases' last
#: date) to the end of the data window is noted, when it is also at least the days below: at
#: the roster's own rate of starts and leavings in the window, as many days without one would
#: happen by chance less than once in a thousand. data/sample's last is 9 days before its
#: window ends (30 starts and leavings a year); a roster a year out of step, a year.
OUT_OF_STEP_CHANCE = 0.001
OUT_OF_STEP_ROSTER_DAYS = 90
OUT_OF_STEP_CASES_DAYS = 14


def note_out_of_step(notes: list[str], cases: CaseData, roster: Roster, w0: float,
                     w1x: float) -> None:
    """A note when the roster's last start or leaving is months before the data window ends
    while it had them all along before then (a roster of an earlier date, or the cases' dates
    running well past it), and one when the cases end well before the window (a roster of a
    later date). Turnover, recruitment and the academy intake fitted from a roster a year out of
    step are another year's, without a word otherwise."""
    end = w1x - 1
    w = roster.workers
    moves = np.concatenate([w.start.to_numpy(dtype=float), w.end.to_numpy(dtype=float)])
    moves = moves[~np.isnan(moves) & (moves < w1x)]
    if len(moves):
        last = float(moves.max())
        k = int((moves >= w0).sum())
        gap = end - last
        if k and gap >= OUT_OF_STEP_ROSTER_DAYS and \
                math.exp(-k / max(last - w0 + 1, 1) * gap) < OUT_OF_STEP_CHANCE:
            notes.append(
                f"{roster.source}: the roster's last start or leaving (RoleStartDate, "
                f"RoleEndDate) is {to_date(last)}, {gap:,.0f} days before the data window ends "
                f"({to_date(end)}), though it has {k:,} in the window before then (one every "
                f"{(last - w0 + 1) / k:.0f} days). Is the roster of the same date as the cases "
                f"({cases.source} runs to {to_date(cases.last_date)})? A roster a year out of "
                "step fits turnover, recruitment and the academy intake of another year, and "
                "misses the starters and leavers since its date")
    ref = cases.episodes.referral.to_numpy(dtype=float)
    k = int(((ref >= w0) & (ref < w1x)).sum())
    c_last = float(cases.last_date)
    gap = end - c_last
    if k and gap >= OUT_OF_STEP_CASES_DAYS and c_last >= w0 and \
            math.exp(-k / max(c_last - w0 + 1, 1) * gap) < OUT_OF_STEP_CHANCE:
        notes.append(
            f"{cases.source}: the cases' last date is {to_date(c_last)}, {gap:,.0f} days before "
            f"the data window ends ({to_date(end)}; {roster.source} runs to "
            f"{to_date(roster.last_date)}), though they hold a referral every "
            f"{(c_last - w0 + 1) / k:.1f} days. Is the case extract of the same date as the "
            "roster? The window's last months would hold no referrals; set --window-end "
            "(window_end) to the cases' extract date")


def note_roles_of_no_day(notes: list[str], roster: Roster, w0: float, w1x: float) -> None:
    """A note counting roles that end the day they start (RoleEndDate = RoleStartDate): in post
    no day, yet a starter and a leaver in the fit (a test or dummy account, or a mistyped date).
    None in the synthetic extracts or the bundled returns."""
    w = roster.workers
    none = w[(w.end == w.start) & (w.start >= w0) & (w.start < w1x)]
    if not len(none):
        return
    notes.append(
        f"{roster.source}: {len(none):,} role(s) in the data window end the day they start "
        "(RoleEndDate = RoleStartDate): in post no day, each counts as an appointment and a "
        "leaver. Test or dummy accounts, or mistyped dates? Remove or correct them")


def note_either_way_dates(notes: list[str], data: CaseData | Roster | None) -> None:
    """An extract whose every date with slashes, dots or dashes (31/10/2017, 31.10.2017,
    31-10-2017) reads either way round (a day and a month both 12 or under): read day first, it
    is wrong throughout if it was saved month first."""
    n = getattr(data, "either_way_dates", 0)
    if n:
        notes.append(f"{data.source}: each of its {n:,} dates written with slashes, dots or "
                     "dashes has a day and a month of 12 or under, so it reads either way round. "
                     "They were read day first (DD/MM/YYYY), as UK dates are: if the file was "
                     "saved month first (US order, MM/DD/YYYY), every one of them is wrong. "
                     "Export the dates again as YYYY-MM-DD to be sure")


def note_extracts(notes: list[str], cases: CaseData | None, seq: pd.DataFrame | None,
                  roster: Roster, template_teams, w0: float, w1x: float) -> None:
    """Every plausibility note (the window, referral spikes, unknown case teams, workers off the
    roster, open cases against caseloads either way, cases waiting for a worker, extracts out
    of step, roles of no day, dates that read either way round) on the extracts of a fit.
    ``cases`` None (a fit without a case side): only the roster's are said."""
    note_either_way_dates(notes, cases)
    note_either_way_dates(notes, roster)
    note_roles_of_no_day(notes, roster, w0, w1x)
    if cases is None or seq is None:
        return
    note_short_window(notes, cases.source, w0, w1x)
    note_referral_spikes(notes, cases, w0, w1x)
    note_episodes_overlapping(notes, cases)
    note_unknown_case_teams(notes, cases, roster, template_teams)
    note_workers_off_roster(notes, cases, seq, roster, w1x)
    note_open_below_caseloads(notes, cases, seq, roster, w1x)
    note_open_above_caseloads(notes, cases, seq, roster, w1x)
    note_unallocated_against_caseloads(notes, cases, seq, roster, w1x)
    note_out_of_step(notes, cases, roster, w0, w1x)

