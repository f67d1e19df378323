"""The SSDA903 return (children looked after): the header and episodes CSV files.

Episodes (``CHILD``, ``DECOM``, ``RNE``, ``LS``, ``CIN``, ``PLACE``, ``PLACE_PROVIDER``, ``DEC``,
``REC``, ``REASON_PLACE_CHANGE``, ``HOME_POST``, ``PL_POST``, ``URN``) split a period of care at
every change of placement or legal status; calibration needs the period of care, so episodes
are joined into periods after all years are combined (:func:`periods_of_care`): a period starts
at ``RNE`` = S (or after a gap, or after an episode whose ``REC`` ended care) and ends at the
``DEC`` of its last episode when ``REC`` is not X1 (X1: the episode ends, care continues).
The header file (``CHILD``, ``SEX``, ``DOB``, ``ETHNIC``, ``UPN``, ``MOTHER``, ``MC_DOB``) is
recognised, and its required columns (``CHILD``, ``DOB``) are checked, but its values are not
read: the model has no ages, sexes or ethnicities, so none of them can change a fitted value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .common import (Origin, ReturnProblem, ReturnRecords, StageRecord, either_way_note,
                     parse_date, rows_of)

EPISODE_REQUIRED = ("CHILD", "DECOM", "RNE", "DEC", "REC")
HEADER_REQUIRED = ("CHILD", "DOB")
RNE_CODES = {"S", "P", "L", "T", "U", "B"}
CONTINUES = "X1"   # REC: the episode ends but the period of care continues
#: Legal statuses of an agreed series of short-term breaks (respite): V3 (each break recorded as
#: an episode) and V4 (the agreement recorded). DfE's looked-after figures leave them out (the
#: data guidance of 'Children looked after in England including adoptions', explore education
#: statistics: "numbers and percentage exclude children looked after under an agreed series of
#: short term placements"); read as periods of care, a disabled child's twelve weekend breaks
#: were twelve entries to care, without a word.
SHORT_BREAKS = {"V3", "V4"}
#: The reasons an episode ceased (REC) DfE's validation accepts (its rule 149): X1 (care goes on
#: in a new episode) and the E codes of care ending (adopted, died, another authority, returned
#: home, a residence, child arrangements or special guardianship order, independent living,
#: custody, remand ended, moved abroad, any other reason). Anything else was read as the end of
#: care, whatever it was (a child's identifier in the column included).
#: E43 and E44 (a special guardianship order to former foster carers, or to others) are the
#: codes of the returns before E45 to E48 replaced them (the 2017 schema of Social Finance's
#: liia-tools, SSDA903_schema_2017.yml, against its 2019 one): an analyst's older years hold them,
#: and were refused. Every E code ends the period of care, as they did.
REC_CODES = (CONTINUES, "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41",
             "E43", "E44", "E45", "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8",
             "E9")


def _norm(h: str) -> str:
    return str(h).strip().upper()


#: Fields of the SSDA903 files calibration does not read, each marking its file: UASC (DUC, the
#: date an unaccompanied asylum-seeking child turns 18), missing episodes, reviews, previous
#: permanence, placed for adoption, adoption (AD1), outcomes (OC2) and, from 2023-24, the
#: child's social workers (SW_ID ...: it was called "not a return this reader knows (no SSDA903
#: columns)"). The UASC file's CHILD, SEX, DOB were taken for a second header of the year, and
#: the folder refused.
OTHER_903_FIELDS = {"DUC", "MISSING", "MIS_START", "MIS_END", "REVIEW", "REVIEW_CODE",
                    "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON",
                    "PREV_PERM", "LA_PERM", "DATE_PERM", "DATE_PLACED", "DATE_PLACED_CEASED",
                    "REASON_PLACED_CEASED", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR",
                    "SEX_ADOPTR", "LS_ADOPTR", "SDQ_SCORE", "SDQ_REASON", "CONVICTED",
                    "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
                    "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"}
#: The header's own fields (beside CHILD, SEX, DOB, which the UASC file shares)
_HEADER_OWN = {"ETHNIC", "UPN", "MOTHER", "MC_DOB"}
#: The episodes' required fields beside CHILD (two of them mark an episodes file without CHILD)
_EPISODE_OWN = {"DECOM", "RNE", "DEC", "REC"}
#: The header's fields beside CHILD and DOB (three, or two with DOB, mark a header without CHILD)
_HEADER_FIELDS = {"SEX", "ETHNIC", "UPN", "MOTHER", "MC_DOB"}
#: The OC3 file's own fields (a file with them is no header)
_OC3_OWN = {"IN_TOUCH", "ACTIV", "ACCOM"}


def kind_of_csv(columns) -> str | None:
    """'ssda903' (episodes), 'ssda903_header', 'ssda903_other' (an SSDA903 file calibration
    does not read: UASC, missing, reviews ...), or None, from a CSV file's column names."""
    cols = {_norm(c) for c in columns}
    # any of the episode fields marks an episodes file (a missing DECOM is then reported)
    if "CHILD" in cols and cols & {"DECOM", "RNE", "DEC", "REC", "PLACE"}:
        return "ssda903"
    if "CHILD" in cols and cols & OTHER_903_FIELDS and not cols & _HEADER_OWN:
        return "ssda903_other"
    if {"CHILD", "DOB"} <= cols and ("SEX" in cols or "UPN" in cols):
        return "ssda903_header"
    if "CHILD" not in cols and not cols & OTHER_903_FIELDS:
        # most of a return's own columns without CHILD: that return, its CHILD column lost
        # (the file was left out as 'not a return', and its year's episodes, or care leavers,
        # silently with it); it is then refused for the missing column
        if len(cols & _EPISODE_OWN) >= 2:
            return "ssda903"
        own = len(cols & _HEADER_FIELDS)
        if not cols & _OC3_OWN and (own >= 3 or ("DOB" in cols and own >= 2)):
            return "ssda903_header"
    return None


def columns_twice(columns, name: str, problems: list) -> bool:
    """Two columns of an SSDA903 file (header, episodes, OC3) that are one field written in
    two cases or with a space (``DOB`` and ``dob``): the reader takes fields in capitals, and
    one of the two was read and the other left out unsaid (an OC3 whose blank second DOB column
    was read said every row's date of birth was missing). A problem at the second, naming
    both; True when any was found."""
    seen: dict[str, str] = {}
    found = False
    for c in columns:
        title = str(c).strip()
        if _norm(c) in seen:
            found = True
            problems.append(ReturnProblem(name, f"the columns {seen[_norm(c)]} and {title} are "
                                                "one field (SSDA903 fields are read whatever "
                                                "their case): only one would be read; give one "
                                                "of them (delete the other)", None, title))
        seen.setdefault(_norm(c), title)
    return found


def _missing(df: pd.DataFrame, required, name: str, problems: list) -> bool:
    cols = {_norm(c) for c in df.columns}
    gone = [c for c in required if c not in cols]
    for c in gone:
        problems.append(ReturnProblem(name, "required column is missing", None, c))
    return bool(gone)


def read_ssda903_episodes(df: pd.DataFrame, name: str, problems: list, year: int = 0) -> ReturnRecords:
    """Episodes of care (one stage record each, joined into periods later)."""
    out = ReturnRecords("ssda903", name, year)
    if not year:
        # several years' episodes are combined by it, the latest return winning: a file without
        # one lost to every other (its ends and later episodes silently to older returns')
        problems.append(ReturnProblem(name, no_year(name, "collection year",
                                                    "ssda903_episodes_2023.csv, or "
                                                    "2023/ssda903_episodes.csv, for April 2022 to "
                                                    "March 2023",
                                                    "the years' returns are combined by it")))
    if _missing(df, EPISODE_REQUIRED, name, problems) or not year:
        return out
    df = df.rename(columns={c: _norm(c) for c in df.columns})
    note = either_way_note(name, {"DECOM": df.DECOM, "DEC": df.DEC})
    if note:
        out.notes.append(note)
    seen: dict[tuple, tuple] = {}
    breaks, break_children = 0, set()
    # a collection year ends on 31 March: a later date is another year's return (a file named
    # 2023 holding 2024's episodes would lose its later ends to the true 2023 return's blanks)
    said = year_said(name, year)
    by = (dt.date(year, 3, 31), f"the end of the collection year {year}, {said.said}")
    for i, r in zip(rows_of(df), df.itertuples(index=False)):
        org = Origin(name, i)
        child = str(r.CHILD).strip()
        if not child:
            problems.append(ReturnProblem(name, "a value is required", i, "CHILD"))
            continue
        start = parse_date(r.DECOM, org, "DECOM", problems, required=True, by=by)
        end = parse_date(r.DEC, org, "DEC", problems, by=by)
        rne = str(r.RNE).strip().upper() if _given(r.RNE) else ""
        rec = str(r.REC).strip().upper()
        if not rne:
            problems.append(ReturnProblem(name, "a value is required (how the episode began: "
                                                f"one of {', '.join(sorted(RNE_CODES))})", i, "RNE"))
        elif rne not in RNE_CODES:
            problems.append(ReturnProblem(name, f"unknown code (expected one of "
                                                f"{', '.join(sorted(RNE_CODES))})", i, "RNE"))
        if rec and rec not in REC_CODES:
            # not quoted: a value that is no code may be anything, an identifier included
            problems.append(ReturnProblem(name, "unknown code (the value is not shown: it may "
                                                "identify someone); expected one of "
                                                f"{', '.join(REC_CODES)}, or blank while the "
                                                "episode is open", i, "REC"))
        if end and not rec:
            problems.append(ReturnProblem(name, "DEC is given but REC (why the episode ended) "
                                                "is blank", i, "REC"))
        if rec and not end and not _given(r.DEC):
            problems.append(ReturnProblem(name, "REC is given but DEC (when the episode ended) "
                                                "is blank", i, "DEC"))
        if start and end and end < start:
            problems.append(ReturnProblem(name, "the episode ends before it starts (DECOM)", i, "DEC"))
            continue
        if not start:
            continue
        if (child, start) in seen:
            first, said = seen[(child, start)]
            if said != (end, rec):
                problems.append(ReturnProblem(name, f"the same episode (CHILD and DECOM) as row "
                                                    f"{first} with another DEC or REC: give each "
                                                    "episode once", i, "DEC"))
                continue
            out.duplicates += 1
        seen.setdefault((child, start), (i, (end, rec)))
        if str(getattr(r, "LS", "")).strip().upper() in SHORT_BREAKS:
            breaks += 1
            break_children.add(child)
            continue
        rec_ = Origin(name, i, None, (("PeriodOfCareStartDate", "DECOM"),
                                      ("PeriodOfCareEndDate", "DEC"), ("LAchildID", "CHILD")))
        out.stages.append(StageRecord(child, "lac_episode", start, end, rec_, "", year,
                                      code=f"{rne}|{rec}"))
    if out.duplicates:
        out.notes.append(f"{name}: {out.duplicates} episode(s) given twice (same CHILD and DECOM) "
                         "were merged")
    if breaks:
        out.notes.append(f"{name}: {breaks} episode(s) of {len(break_children)} child(ren) with "
                         "legal status V3 or V4 (an agreed series of short-term breaks) are not "
                         "read as periods of care: DfE's looked-after figures leave short breaks "
                         "out, and each break would count as an entry to care")
    other = other_year(out.stages, year)
    if other:
        under = f"under {year}'s name" if said.from_name else f"as {year}'s"
        problems.append(ReturnProblem(name, f"no episode starts or ends in the collection year "
                                            f"{year}, {said.said} (1 April {year - 1} to "
                                            f"31 March {year}): its latest DECOM or DEC is in the "
                                            f"collection year {other}. Is it the {other} return "
                                            f"saved {under}? (its records would stand "
                                            f"for {year}'s, whose ends and new episodes are then "
                                            "missing)"))
    return out


#: Records a return must hold before a year with none of its dates is called another year's
MIN_RECORDS_FOR_YEAR = 5


def other_year(stages: list[StageRecord], year: int) -> int:
    """The collection year a return of ``year`` seems to be, when it holds at least
    :data:`MIN_RECORDS_FOR_YEAR` records and none of their dates falls in ``year`` (1 April to
    31 March) while the latest falls in an earlier year; else 0. A year's return holds the
    records open during it, so some start or end in it."""
    from .common import collection_year
    days = [d for s in stages for d in (s.start, s.end) if d]
    if len(stages) < MIN_RECORDS_FOR_YEAR or not days or not year:
        return 0
    latest = collection_year(max(days))
    return latest if latest < year else 0


def read_ssda903_header(df: pd.DataFrame, name: str, problems: list, year: int = 0) -> ReturnRecords:
    """The header file: checked for its columns and identifiers only."""
    out = ReturnRecords("ssda903_header", name, year)
    if _missing(df, HEADER_REQUIRED, name, problems):
        return out
    df = df.rename(columns={c: _norm(c) for c in df.columns})
    for i, v in zip(rows_of(df), df.CHILD.astype(str).str.strip()):
        if not v or v.lower() == "nan":
            problems.append(ReturnProblem(name, "a value is required", i, "CHILD"))
        else:
            out.children.append(v)
    return out


def episode_overlaps(episodes: list[StageRecord]) -> list[ReturnProblem]:
    """Episodes of a child (already de-duplicated, any years) that overlap: one starting before
    the child's previous episode ended, or while it has no end (a DEC missing, or the episode
    left out of later returns). Joined into periods of care they would count the child as
    looked after twice. Each is reported at the later episode, naming the earlier's row (its
    dates are not quoted).

    And an episode that ends with ``REC`` X1 (care continues in a new episode) with no episode
    of the child starting on its ``DEC`` (DfE's rules 388 and 433): its period of care was left
    open to the end (the child looked after for ever), and with a later episode after a gap,
    open beside it."""
    by_child: dict[str, list[StageRecord]] = {}
    for e in episodes:
        by_child.setdefault(e.child, []).append(e)
    out = []
    for eps in by_child.values():
        eps.sort(key=lambda e: e.start)
        for a, b in zip(eps, eps[1:] + [None]):
            if a.end and a.code.split("|")[-1] == CONTINUES and (b is None or b.start > a.end):
                o = a.origin
                nxt = ("no later episode of the child starts on it" if b is None else
                       f"the child's next episode ({_row_of(b.origin, o.file)}) starts after it")
                out.append(ReturnProblem(o.file, f"X1 says care continues in a new episode "
                                                 f"starting on this one's DEC, but {nxt} (DfE "
                                                 "validation rules 388 and 433): give the "
                                                 "reason care ended, or the episode that "
                                                 "follows", o.row, "REC"))
            if b is None or (a.end and b.start >= a.end):
                continue
            what = ("has no DEC (it ended before this one started? give its DEC; or is it left "
                    "out of a later return?)" if not a.end else "ends after this one starts")
            o = b.origin
            problems = ReturnProblem(o.file, f"the child's previous episode ({a.origin.file}, row "
                                             f"{a.origin.row}) {what}: episodes of care follow one "
                                             f"another{_corrected(a, b)}", o.row, "DECOM")
            out.append(problems)
    return out


#: Two episodes of two years' returns starting this close are likely one, its DECOM corrected
CORRECTED_WITHIN_DAYS = 31


def _corrected(a: StageRecord, b: StageRecord) -> str:
    """A hint when two overlapping episodes come from different returns and start within
    :data:`CORRECTED_WITHIN_DAYS`: one episode whose DECOM a later return corrected (returns are
    joined by CHILD and DECOM, so the two were taken as two periods of care at once, and the
    message spoke only of an episode left out or a DEC missing)."""
    import datetime as dt
    if a.origin.file == b.origin.file:
        return ""
    try:
        gap = abs((dt.date.fromisoformat(b.start) - dt.date.fromisoformat(a.start)).days)
    except (TypeError, ValueError):
        return ""
    if gap > CORRECTED_WITHIN_DAYS:
        return ""
    return (f". They start {gap} day(s) apart: is it one episode whose DECOM the later return "
            "corrected? Returns are joined by CHILD and DECOM: give the corrected DECOM in each "
            "year's return")


def _given(value) -> bool:
    """A cell holds something (a date refused as bad is said once, not also as blank)."""
    s = "" if value is None else str(value).strip()
    return s != "" and s.lower() not in ("nan", "nat")


def _row_of(o: Origin, here: str) -> str:
    return f"row {o.row}" if o.file == here else f"{o.file}, row {o.row}"


def periods_of_care(episodes: list[StageRecord], notes: list | None = None) -> list[StageRecord]:
    """Join each child's episodes (already de-duplicated, any years) into periods of care.

    A period whose first episode given is not a start of care (``RNE`` P, L, T, U or B: a
    change of placement or legal status) began before it, in an episode of a return not given
    (a year's return holds the episodes open in its year): it is taken to start at that
    episode's ``DECOM``, and ``notes`` (when given) says how many and what that does. Read as
    the start of care in silence, a single year's return made the time in care of every child
    moved before that year short (the periods ending in the bundled 2023 return, its episodes
    that ended before April 2022 left out as a council's return leaves them: 516 days on
    average, read as 451)."""
    by_child: dict[str, list[StageRecord]] = {}
    for e in episodes:
        by_child.setdefault(e.child, []).append(e)
    out = []
    late: dict[str, int] = {}     # return -> its periods begun mid-care
    after = 0                     # episodes saying care went on after one that ended it
    for child, eps in by_child.items():
        eps.sort(key=lambda e: e.start)
        cur = None
        prev_end, prev_rec = None, None
        for e in eps:
            rne, rec = (e.code.split("|") + [""])[:2]
            new = (cur is None or rne == "S" or prev_end is None or prev_end == ""
                   or e.start > prev_end or prev_rec != CONTINUES)
            if new:
                if cur is not None:
                    out.append(cur)
                cur = StageRecord(child, "lac", e.start, "", e.origin, "", e.year)
                if rne and rne != "S" and prev_end is None:
                    late[e.origin.file] = late.get(e.origin.file, 0) + 1
                elif rne and rne != "S":
                    after += 1
            cur.end = e.end if (e.end and rec != CONTINUES) else ""
            prev_end, prev_rec = e.end, rec
        if cur is not None:
            out.append(cur)
    if late and notes is not None:
        n = sum(late.values())
        where = ", ".join(f"{f}: {k:,}" for f, k in sorted(late.items()))
        notes.append(f"{n:,} period(s) of care begin, in the SSDA903 returns given, with an "
                     "episode that is not a start of care (RNE P, L, T, U or B: a change of "
                     f"placement or legal status; {where}): the episodes before it are in "
                     "earlier years' returns (a year's return holds the episodes open in its "
                     "year). Each is taken to start at that episode's DECOM, so these children's "
                     "time in care is understated, and with it the looked-after length fitted: "
                     "give the earlier years' returns too")
    if after and notes is not None:
        notes.append(f"{after:,} SSDA903 episode(s) say care went on (RNE P, L, T, U or B: a "
                     "change of placement or legal status) after an episode of the child that "
                     "ended care (REC not X1) or ended days before: each is read as a new period "
                     "of care, an entry to care. If care went on, give the earlier episode REC "
                     "X1 and a DEC on this one's DECOM; if care began again, give this one RNE S")
    return out


def year_from_name(name: str) -> int:
    """A four-digit year in a file name (``episodes_2023.csv``), else 0. A collection year
    written as a span (``episodes_2022-23.csv``, ``_2022_2023``) is the year it ends in: its
    first year was taken, and every date after its 31 March refused as another year's."""
    return _year_in(Path(name).stem)


def year_from_path(name: str) -> int:
    """The year of a file named by its path below the folder of returns: the year in the file's
    name (:func:`year_from_name`), else the year in the name of the nearest folder that has one
    (``2023/ssda903_episodes.csv``, ``2022-23/cin_census.xml``: a council that keeps each
    year's returns in a folder of its own), else 0 (:func:`year_of_path` says where from)."""
    return year_of_path(name).year


#: The years a name or folder is read as giving (a four-digit 20xx)
YEARS_READ = (2000, 2099)


@dataclass(frozen=True)
class YearOf:
    """A file's year and where it came from, as a message says it (``said``: "the year in the
    file's name", "the year of its folder (2022/)"); ``outside``: when there is none, a year
    found outside :data:`YEARS_READ` and where ("the year 1999 in the name of its folder
    1999/")."""

    year: int
    said: str = ""
    from_name: bool = False
    outside: str = ""


def year_of_path(name: str) -> YearOf:
    """:func:`year_from_path` with where the year came from. A folder named by two digits right
    under a folder named by a year alone is the end of a collection year written as a span
    (``2022/23/``: 2023; the outer 2022 was taken, a year off)."""
    parts = Path(name).parts
    if not parts:
        return YearOf(0)
    y = year_from_name(parts[-1])
    if y:
        return YearOf(y, "the year in the file's name", True)
    for k in range(len(parts) - 2, -1, -1):
        folder = parts[k]
        y = _year_in(folder)
        if y:
            return YearOf(y, f"the year of its folder ({folder}/)")
        outer = parts[k - 1] if k > 0 else ""
        if (re.fullmatch(r"[0-9]{2}", folder) and re.fullmatch(r"20[0-9]{2}", outer)
                and (int(outer) + 1) % 100 == int(folder)):
            return YearOf(int(outer) + 1, f"the year of its folders ({outer}/{folder}/, the "
                                          f"collection year {outer}-{folder})")
    for k in range(len(parts) - 1, -1, -1):
        text = Path(parts[k]).stem if k == len(parts) - 1 else parts[k]
        m = re.findall(r"(?<![0-9])(19[0-9]{2}|21[0-9]{2})(?![0-9])", text)
        if m:
            where = ("in the file's name" if k == len(parts) - 1
                     else f"in the name of its folder {parts[k]}/")
            return YearOf(0, outside=f"the year {m[-1]} {where}")
    return YearOf(0)


def year_said(name: str, year: int) -> YearOf:
    """Where ``name``'s ``year`` came from (:func:`year_of_path`); for a year given otherwise
    (by a caller, or a header), said plainly."""
    found = year_of_path(name)
    return found if found.year == year else YearOf(year, "the year given")


def no_year(name: str, what: str, example: str, why: str) -> str:
    """The message for a return whose ``what`` (collection or census year) is not in its name
    or folder's, or is a year outside :data:`YEARS_READ` (the folder 1999/ was said to hold
    none)."""
    found = year_of_path(name)
    if found.outside:
        return (f"{found.outside} is outside the {what}s read ({YEARS_READ[0]} to "
                f"{YEARS_READ[1]}): give the {what} (e.g. {example}): {why}")
    return f"the {what} is not in the file's name or its folder's (e.g. {example}): {why}"


#: A date in a name (an extract's date stamp: 2024-05-01, 20240501, 01-05-2024, 01.05.2024)
_DATE_IN_NAME = re.compile(r"(?<![0-9])(?:20[0-9]{2}[-_.]?[01][0-9][-_.]?[0-3][0-9]|"
                           r"[0-3][0-9][-_.][01][0-9][-_.]20[0-9]{2})(?![0-9])")


def _year_in(text: str) -> int:
    # a date beside a year is when the file was made, not its year: 'episodes_2023_extracted_
    # 2024-05-01' was read as 2024's return, and refused as 'the 2023 return saved under 2024's
    # name'; a date alone ('census_2023-03-31') still gives its year
    undated = _DATE_IN_NAME.sub(" ", text)
    if re.search(r"(?<![0-9])20[0-9]{2}(?![0-9])", undated):
        text = undated
    span = re.findall(r"(?<![0-9])(20[0-9]{2})[-_ ]?(?:20)?([0-9]{2})(?![0-9])", text)
    span = [int(a) + 1 for a, b in span if (int(a) + 1) % 100 == int(b)]
    if span:
        return span[-1]
    m = re.findall(r"(?<![0-9])(20[0-9]{2})(?![0-9])", text)
    return int(m[-1]) if m else 0
