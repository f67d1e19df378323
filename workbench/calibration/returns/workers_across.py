"""Checks across the years' workforce censuses: what only shows when one census is read beside
another.

- :func:`sweno_written_differently`: a worker's SWENo written in other capitals or spacing in
  one year's census (``W000004`` in 2021 and 2023, ``w000004`` in 2022) is, joined by its exact
  text, a second worker: her team counted her twice, and her earlier role never ended. Refused,
  with a count and the files (never the SWENo).
- :func:`census_up_to`: the roster as known at a data window's end: a later census's
  ``Cases30`` and ``WorkingDaysLost`` (the combined roster's are the latest census's) are not
  read under an earlier date; the census at or before the end gives them instead.
- :func:`vanished_roles` and :func:`vanished_note`: a worker in an earlier census, in no later
  one and with no ``RoleEndDate``: the roster keeps her in post for ever, so the fit is told.

Nothing here names a worker: counts, years and files only.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np
import pandas as pd

from ..extracts import Roster
from .common import ReturnProblem, WorkerRecord, spelling_key


def sweno_written_differently(records: list[WorkerRecord]) -> list[ReturnProblem]:
    """The censuses in which a worker's SWENo is written otherwise (in capitals or spacing) than
    in the other years' censuses, one problem a file with how many and the files it differs from.

    A SWENo is the join between years (a role is one SWENo and RoleStartDate): written
    ``w000004`` in one year and ``W000004`` in the others, it made a second worker, in post beside
    the first (one lower-cased census doubled every team and halved the turnover). Of the ways a
    worker's SWENo is written, the one in most files is taken as hers, and the files writing it
    otherwise are named. Between spellings in as many files, the files found writing other
    workers' otherwise are taken as the odd ones (a census whose every SWENo was lower-cased is
    named alone, also for the workers in it and one other census only), then the latest
    census's spelling is taken as hers. Two spellings within one census are not compared (the
    roster's own business).

    Parameters
    ----------
    records : list of WorkerRecord
        Every workforce census record of every year (``values["WorkerID"]`` is the SWENo).

    Returns
    -------
    list of ReturnProblem
        Empty when every worker's SWENo is written one way in every census.
    """
    # key -> spelling -> the files (and their years) writing it
    seen: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    field_of: dict[str, str] = {}
    year_of: dict[str, int] = {}
    for r in records:
        sweno = str(r.values.get("WorkerID", "") or "").strip()
        if not sweno:
            continue
        seen[spelling_key(sweno)][sweno][r.origin.file] = r.year
        field_of.setdefault(r.origin.file, r.origin.field("WorkerID") or "WorkerID")
        year_of[r.origin.file] = r.year
    conflicts = [sp for sp in seen.values()
                 if len(sp) > 1 and len({f for by_file in sp.values() for f in by_file}) > 1]
    # a spelling in fewer files than another is the odd one out; between spellings in as many
    # files, the one of the files found odd least often (then the latest census's) is hers
    odd: dict[str, int] = defaultdict(int)
    for sp in conflicts:
        most = max(len(by_file) for by_file in sp.values())
        for by_file in sp.values():
            if len(by_file) < most:
                for f in by_file:
                    odd[f] += 1
    wrong: dict[str, int] = defaultdict(int)             # file -> workers written otherwise
    against: dict[str, set[str]] = defaultdict(set)      # file -> the files it differs from
    for sp in conflicts:
        most = max(len(by_file) for by_file in sp.values())
        ref = min((s for s in sp if len(sp[s]) == most),
                  key=lambda s: (sum(odd[f] for f in sp[s]), -max(sp[s].values())))
        for spelling, by_file in sp.items():
            if spelling == ref:
                continue
            for f in by_file:
                if f in sp[ref]:
                    continue       # both ways in one file: not a difference between years
                wrong[f] += 1
                against[f].update(sp[ref])
    out = []
    for f in sorted(wrong, key=lambda f: (year_of.get(f, 0), f)):
        n = wrong[f]
        others = ", ".join(sorted(against[f]))
        out.append(ReturnProblem(
            f, f"{n:,} worker(s)' SWENo (not shown) written differently here (in capitals or "
               f"spaces) from the same worker's in {others}: the SWENo joins a worker's census "
               "records across the years, so each would be counted as a second worker (her team "
               "counted twice, her earlier role never ended); write each SWENo the same way in "
               "every year's census", None, field_of.get(f, "WorkerID")))
    return out


def census_up_to(roster: Roster, last_day: float) -> tuple[Roster, list[int]]:
    """The roster as its censuses stood on ``last_day`` (a day number: a data window's last day).

    The combined roster's ``Cases30`` is the latest census's, and its ``WorkingDaysLost`` each
    role's latest census's. When a census was taken after ``last_day`` (a window ending before
    the latest census), those are replaced by the censuses taken on or before it: ``Cases30`` of
    the latest of them (blank for a role not in it) and ``WorkingDaysLost`` of each role's latest
    among them; the later censuses are left out of ``roster.census`` (as the back-test's cut
    :func:`~workbench.calibration.holdout.known_at` leaves them out). Starts and ends are left as
    they are (the window reads them by date).

    Returns
    -------
    (Roster, list of int)
        The roster (``roster`` itself when no census was after ``last_day``, or it has no
        censuses) and the years of the censuses left out.
    """
    c = roster.census
    if c is None or not len(c):
        return roster, []
    after = c.census.to_numpy(dtype=float) > last_day
    if not after.any():
        return roster, []
    left_out = sorted({int(y) for y in c.year[after]})
    kept = c[~after].reset_index(drop=True)
    w = roster.workers.copy()
    cases30 = np.full(len(w), np.nan)
    days_lost = np.full(len(w), np.nan)
    if len(kept):
        latest = kept.year.max()
        at = kept[kept.year == latest]
        at = at[at.role.between(0, len(w) - 1)]
        cases30[at.role.to_numpy(dtype=int)] = at.cases30.to_numpy(dtype=float)
        lost = kept[kept.days_lost.notna()].sort_values("year", kind="stable")
        lost = lost[lost.role.between(0, len(w) - 1)].groupby("role").days_lost.last()
        days_lost[lost.index.to_numpy(dtype=int)] = lost.to_numpy(dtype=float)
    if "cases30" in w:
        w["cases30"] = cases30
    if "days_lost" in w:
        w["days_lost"] = days_lost
    return dataclasses.replace(roster, workers=w, census=kept), left_out


def vanished_roles(roster: Roster) -> dict[int, int]:
    """Roles in an earlier census, in no later one, with no ``RoleEndDate``: census year (the
    last one they are in) -> how many. Empty without censuses or with one census only."""
    c = roster.census
    if c is None or not len(c) or c.year.nunique() < 2:
        return {}
    w = roster.workers
    last_seen = c.groupby("role").year.max()
    latest = int(c.year.max())
    last_seen = last_seen[(last_seen < latest) & last_seen.index.isin(range(len(w)))]
    open_ = w.end.isna().to_numpy()
    rows = last_seen.index.to_numpy(dtype=int)
    counts = pd.Series(last_seen.to_numpy()[open_[rows]]).value_counts().sort_index()
    return {int(y): int(n) for y, n in counts.items()}


def vanished_note(roster: Roster) -> str:
    """The note on roles that drop out of the censuses without a ``RoleEndDate``
    (:func:`vanished_roles`), saying what the fit assumed; "" when there are none."""
    by_year = vanished_roles(roster)
    if not by_year:
        return ""
    n = sum(by_year.values())
    latest = int(roster.census.year.max())
    years = ", ".join(f"{k:,} last in the census of {y}" for y, k in by_year.items())
    return (f"{roster.source}: {n:,} worker role(s) in an earlier census are in no later one "
            f"(the latest is {latest}) and have no RoleEndDate ({years}): the fit took them as "
            "still in post, to the end of the data window and into the scenario's starting "
            "staff (their FTE counted in their team, no leaver counted). If they left, give "
            "RoleEndDate and ReasonLeave in the census of the year they left")


def posts_at_once(table: pd.DataFrame, placed: list, notes: list) -> None:
    """A social worker who holds two or more posts at once: one census holding records of one
    SWENo with other RoleStartDates, none of them ended. DfE's census has a record for each post
    (its methodology: headcount keeps one post, the more senior, and "duplicates are not removed
    from full-time equivalent (FTE) figures"), and the roster refused the census ('the same
    SWENo ... in post at the same time'). Each post after the first is given a WorkerID of its
    own in ``table`` (the roster's; the SWENo and the post's RoleStartDate, never shown), so it
    is a worker with its own FTE, and ``notes`` says how many, by census. A start date corrected
    in a later census is not this: no one census holds both dates, and it is still refused."""
    if "WorkerID" not in table or "RoleStartDate" not in table:
        return
    rows: dict[tuple, set] = defaultdict(set)      # (census, SWENo) -> open roles' rows
    for rec, row in placed:
        v = rec.values
        sweno = str(v.get("WorkerID", "")).strip()
        if sweno and not str(v.get("RoleEndDate", "")).strip():
            rows[(rec.origin.file, sweno)].add(row)
    renamed: set = set()
    by_file: dict[str, int] = defaultdict(int)
    for (file, sweno), got in sorted(rows.items()):
        if len(got) < 2:
            continue
        by_file[file] += 1
        for row in sorted(got, key=lambda r: str(table.at[r, "RoleStartDate"]))[1:]:
            if row not in renamed:
                renamed.add(row)
                table.at[row, "WorkerID"] = f"{sweno} post {table.at[row, 'RoleStartDate']}"
    for file, n in sorted(by_file.items()):
        notes.append(f"{file}: {n:,} social worker(s) hold two or more posts at once (one SWENo, "
                     "other RoleStartDates, none ended): each post is read as a worker of its "
                     "own with its own FTE, as DfE counts FTE (duplicates are not removed from "
                     "FTE figures); a worker in one post moved between teams is one record, its "
                     "FTE in all")
