"""Two columns of one extract whose header names were exchanged, found from what they hold.

A case extract and a roster name the same workers (the cases' ``AllocatedWorker``, the roster's
``WorkerID``) and the same teams (both files' ``Team``). When two names in one file's header row
are exchanged (the roster's ``WorkerID`` and ``Team``; the cases' ``LAchildID``,
``AllocatedWorker`` and ``Team``, two of them), each column holds what the other should: the
roster's ``WorkerID`` column holds the cases' team names, repeated row after row, and its
``Team`` column holds one value a row, the cases' worker identifiers. Checked cell by cell, each
file then seemed to hold the other's identifiers as team names, and the file that was right was
refused row by row (5,168 rows of an innocent case extract before the roster's 174).

:func:`find_swaps` says the cause once, first: which file, which two columns, and what each holds
(how many different values, how many of them are the other file's, never a value).
:func:`explain_cross_checks` then folds the problems that follow from it in the files' cross
check (a value of one file that is an identifier of the other) into one line a file and column.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .cells import Problem

#: The columns a swap is looked for among, per layout: what each holds, and its rank in how many
#: different values it has (a child id more than a worker id, a worker id more than a team).
_HOLDS = {"LAchildID": ("child identifiers", 3), "AllocatedWorker": ("worker identifiers", 2),
          "WorkerID": ("worker identifiers", 2), "Team": ("team names", 1)}
#: Each file's column and the other file's column that names the same things.
CASE_PARTNERS = {"LAchildID": None, "AllocatedWorker": "WorkerID", "Team": "Team"}
ROSTER_PARTNERS = {"WorkerID": "AllocatedWorker", "Team": "Team"}
#: A column's different values of which at least this share are found in the other file's
#: column (or that column's in it) hold the same things; at most GIVEN_AT_MOST, not.
SWAPPED_AT_LEAST = 0.5
GIVEN_AT_MOST = 0.2
#: Values in common needed before a column is said to hold the other file's (two files sharing
#: one value by chance say nothing).
MIN_SHARED = 3
#: Both files' columns swapped the same way agree with each other, so the files' cross check
#: sees nothing. A pair is then said to be swapped from the file alone when the column that
#: should have more different values has at most 1 in INVERTED_AT_LEAST of the other's, and the
#: other has at least INVERTED_MIN_VALUES. assumption: no real roster has four times as many
#: teams as workers, and no case extract four times as many workers as children or teams as
#: workers (the sample: 88 workers in 7 teams, 94 before session 21); a small
#: authority's 10 teams with 2 workers named (most children waiting) would be refused wrongly,
#: so the other column must have 20 different values or more.
INVERTED_AT_LEAST = 4
INVERTED_MIN_VALUES = 20


@dataclass(frozen=True)
class Swap:
    """Columns ``a`` and ``b`` of ``file`` hold each other's values; ``cause`` says so."""

    file: str
    a: str
    b: str
    cause: Problem

    def fixed(self, df: pd.DataFrame) -> pd.DataFrame:
        """The (header-matched) table with the two columns named as their contents are."""
        return df.rename(columns={self.a: self.b, self.b: self.a})


def _values(df: pd.DataFrame, col: str | None) -> set[str]:
    if col is None or col not in df.columns:
        return set()
    return set(df[col].astype(str).str.strip()) - {""}


def _shared(mine: set[str], theirs: set[str]) -> tuple[int, float]:
    """Values in common, and their share of the smaller set (0 when either is empty)."""
    if not mine or not theirs:
        return 0, 0.0
    n = len(mine & theirs)
    return n, n / min(len(mine), len(theirs))


def find_swaps(cases: pd.DataFrame, roster: pd.DataFrame, cases_name: str,
               roster_name: str) -> list[Swap]:
    """Each file's pair of columns that hold each other's values (at most one pair a file),
    with the cause said as a problem of that file. Both tables have their headers matched to
    the layouts (:func:`~.cells.match_columns`).

    A pair is swapped when, read the other way round, its columns share most of their
    different values with the other file's columns of those names (at least
    :data:`SWAPPED_AT_LEAST`, and :data:`MIN_SHARED` values) while as given they share few
    (at most :data:`GIVEN_AT_MOST`), and the column that should have more different values (a
    child's id, then a worker's, then a team) has fewer. Without that evidence (both files
    swapped the same way agree), a pair whose counts are far out of order is swapped too
    (:data:`INVERTED_AT_LEAST`)."""
    out = []
    for df, name, partners, other, other_name in (
            (roster, roster_name, ROSTER_PARTNERS, cases, cases_name),
            (cases, cases_name, CASE_PARTNERS, roster, roster_name)):
        best = None
        cols = [c for c in partners if c in df.columns]
        for i, a in enumerate(cols):
            for b in cols[i + 1:]:
                found = _swapped(df, a, b, partners, other)
                if found is not None and (best is None or found[0] > best[0]):
                    best = (found[0], a, b, found[1])
        if best is not None:
            _, a, b, evidence = best
            out.append(Swap(name, a, b, _cause(df, name, a, b, other_name, evidence)))
    return out


def _swapped(df, a, b, partners, other):
    """(score, evidence) when columns ``a`` and ``b`` of ``df`` look swapped, else None;
    evidence: for each column, (values in common with the other file's column whose things
    it holds, that column's name)."""
    values = {a: _values(df, a), b: _values(df, b)}
    # the column that should have more different values has fewer (team names repeated row
    # after row in the WorkerID column); equal counts say nothing
    more, fewer = (a, b) if _HOLDS[a][1] > _HOLDS[b][1] else (b, a)
    if len(values[more]) >= len(values[fewer]):
        return None
    inverted = (len(values[fewer]) >= INVERTED_MIN_VALUES
                and len(values[more]) * INVERTED_AT_LEAST <= len(values[fewer]))
    given, swapped, evidence = [], [], {}
    for col, other_col in ((a, b), (b, a)):
        mine = values[col]
        if partners[col] is not None:
            given.append(_shared(mine, _values(other, partners[col]))[1])
        if partners[other_col] is not None and partners[other_col] in other.columns:
            n, share = _shared(mine, _values(other, partners[other_col]))
            swapped.append(share)
            if n >= MIN_SHARED:
                evidence[col] = (n, partners[other_col])
    if (not swapped or not evidence or min(swapped) < SWAPPED_AT_LEAST
            or (given and max(given) > GIVEN_AT_MOST)):
        # the other file's names do not say so (it may be swapped the same way): the counts
        # of different values alone, when far out of their order
        return (0.0, {}) if inverted else None
    return sum(swapped) / len(swapped), evidence


def _cause(df, name, a, b, other_name, evidence) -> Problem:
    """What the two columns hold, said without a value (how many different ones, how many
    the other file's)."""
    rows = len(df)

    def holds(col: str, other_col: str) -> str:
        n = df[col].astype(str).str.strip()
        n = n[n != ""].nunique()
        said = (f"the {col} column holds what look like {_HOLDS[other_col][0]}: {n:,} different "
                f"value{'s' if n != 1 else ''} in {rows:,} rows")
        if n and n * 2 <= rows:
            said += f", about {rows / n:,.0f} rows each"
        elif n * 10 >= rows * 9:
            said += ", nearly one a row"
        if col in evidence:
            shared, theirs = evidence[col]
            said += f", {shared:,} of them the same as {other_name}'s {theirs} values"
        return said

    message = (f"the columns {a} and {b} look swapped (their names in the header row exchanged): "
               f"{holds(a, b)}; {holds(b, a)}. Exchange the two names in the header row (row 1) "
               "and read the files again (the problems that follow from the swap, in either "
               "file, are counted below, not listed row by row)")
    return Problem(name, message)


def explain_cross_checks(given: list[Problem], fixed: list[Problem],
                         swaps: list[Swap]) -> list[Problem]:
    """The cross check's problems as given, less those that follow from the swaps: ``fixed``
    is the same check with the swapped columns named as their contents are. A problem on a
    swapped column itself, or one the check does not find once the columns are named right,
    follows from the swap; those are said in one line a file and column (how many rows), after
    the problems that stand."""
    swapped_cols = {(s.file, c) for s in swaps for c in (s.a, s.b)}
    stands = {(p.file, p.row, p.column) for p in fixed}
    by_file = {s.file: s for s in swaps}
    kept, folded = [], {}
    for p in given:
        if (p.file, p.column) not in swapped_cols and (p.file, p.row, p.column) in stands:
            kept.append(p)
        else:
            folded[(p.file, p.column)] = folded.get((p.file, p.column), 0) + 1
    for (file, column), count in folded.items():
        own = by_file.get(file)
        others = [s for s in swaps if s.file != file]
        pair = own if own is not None and ((file, column) in swapped_cols or not others) \
            else others[0]
        whose = "this file's" if pair is own else f"{pair.file}'s"
        many = count != 1
        kept.append(Problem(file, f"{count:,} row{'s' if many else ''} hold{'' if many else 's'} "
                                  "a value that is an identifier from the other extract, not a team name: "
                                  f"this follows from {whose} swapped {pair.a} and {pair.b} "
                                  "columns (said above), so the rows are not listed one by one; "
                                  "they go when that header row is put right", column=column))
    return kept


def explain_own(given: list[Problem], fixed: list[Problem], swap: Swap) -> list[Problem]:
    """The problems of the file with swapped columns, as given, less those that follow from
    the swap: ``fixed`` is its validation with the columns named as their contents are. A
    problem in one of the swapped columns, or one its validation does not find once they are
    named right (a child's rows split or merged into episodes by a worker's id, say), follows
    from the swap; those are counted in one line a column, after the problems that stand."""
    stands = {(p.row, p.column, p.message) for p in fixed}
    kept, folded = [], {}
    for p in given:
        if p.column not in (swap.a, swap.b) and (p.row, p.column, p.message) in stands:
            kept.append(p)
        else:
            folded[p.column] = folded.get(p.column, 0) + 1
    for column, count in folded.items():
        many = count != 1
        kept.append(Problem(swap.file, f"{count:,} problem{'s' if many else ''} "
                                       f"{'in this column ' if column else ''}"
                                       f"follow{'' if many else 's'} from this file's swapped "
                                       f"{swap.a} and {swap.b} columns (said above): not listed "
                                       "one by one; they go when the header row is put right",
                            column=column))
    return kept
