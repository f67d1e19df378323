"""The SSDA903 care leavers file (OC3): one row per young person a year.

Fields (DfE's technical specification of the children looked after collection): ``CHILD``,
``DOB``, ``IN_TOUCH`` (YES, NO, DIED, REFU refuses contact, NREQ no longer requires services,
RHOM returned home to parents for at least six months), ``ACTIV`` (education, training or
employment: F1, P1, F2, P2, F4, P4, F5, P5, G4, G5, G6, or 0; F3 and P3 in older years) and
``ACCOM`` (accommodation: B1 to Z2, or 0). A row is returned for a care leaver whose 17th to
21st birthday falls in the collection year (1 April to 31 March); the year comes from the
file's name (``ssda903_oc3_2023.csv``).

Several years combine into each young person's time as a care leaver (:func:`care_leaver_stages`):
it starts when her last period of care in the SSDA903 episodes ended (else on her 18th birthday,
when care ends at the latest) and ends on her 21st birthday, or on the birthday of the year a
return says she died, returned home or no longer needs the service; it is open while that date
is after the latest return. The model's ``care_leaver`` stage is this time (the young people's
service supports care leavers to 21, longer on request).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .common import (Origin, ReturnProblem, ReturnRecords, StageRecord, either_way_note,
                     parse_date, rows_of)

OC3_REQUIRED = ("CHILD", "DOB", "IN_TOUCH")
IN_TOUCH_CODES = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
ENDED = {"DIED", "NREQ", "RHOM"}          # no longer a care leaver the service supports
#: F3 and P3 (in training or employment, full or part time) are the codes of the returns
#: before F4, P4, F5 and P5 split them (liia-tools' SSDA903 schema of 2017 against its later
#: one): an analyst's older years hold them, and were refused. ACTIV changes no fitted value.
ACTIV_CODES = ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5", "G4", "G5", "G6",
               "0")
ACCOM_CODES = tuple(f"{c}{k}" for c in "BCDEGHKRSTUVWXYZ" for k in "12"
                    if f"{c}{k}" not in ("S1", "X1")) + ("0",)
#: S1 and X1 are not codes of DfE's: its SSDA903 validation rule 133 (as Data to Insight's 903
#: validator, quality-lac-data-beta, holds it) lists S2 and X2 and not S1 or X1, the same list in
#: each year it holds; no fixed abode and custody are never counted suitable. An analyst who gave
#: S1 was told only "unknown code (expected one of B1, ...)", with S2 lost in the list.
NEVER_SUITABLE = {"S1": ("S", "no fixed abode or homeless"), "X1": ("X", "in custody")}
AGES = range(17, 22)                      # the birthdays OC3 is returned around
SUPPORT_TO_AGE = 21


@dataclass
class CareLeaverRecord:
    """One OC3 row (``child`` is only a join key, never shown)."""

    child: str
    dob: str                      # ISO date
    in_touch: str
    origin: Origin
    year: int                     # the collection year (to 31 March)


def is_oc3_columns(columns) -> bool:
    """An OC3 file's columns: CHILD and one of OC3's own fields, or without CHILD (the column
    lost: the file is then refused for it, where it was left out as 'not a return' and its
    year's care leavers silently with it) two of DOB, IN_TOUCH, ACTIV, ACCOM, one its own."""
    cols = {str(c).strip().upper() for c in columns}
    own = cols & {"IN_TOUCH", "ACTIV", "ACCOM"}
    if "CHILD" in cols:
        return bool(own)
    return bool(own) and len(own | (cols & {"DOB"})) >= 2


def birthday(dob: dt.date, age: int) -> dt.date:
    """The ``age``-th birthday (29 February birthdays fall on 28 February)."""
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        return dob.replace(year=dob.year + age, day=28)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a collection year (1 April to 31 March)."""
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


def read_ssda903_oc3(df: pd.DataFrame, name: str, problems: list, year: int) -> ReturnRecords:
    """Care leavers from an OC3 file (cells as text), checked row by row."""
    out = ReturnRecords("ssda903_oc3", name, year)
    cols = {str(c).strip().upper() for c in df.columns}
    gone = [c for c in OC3_REQUIRED if c not in cols]
    for c in gone:
        problems.append(ReturnProblem(name, "required column is missing", None, c))
    if not year:
        from .ssda903 import no_year
        problems.append(ReturnProblem(name, no_year(name, "collection year",
                                                    "ssda903_oc3_2023.csv, or "
                                                    "2023/ssda903_oc3.csv, for April 2022 to "
                                                    "March 2023",
                                                    "OC3 rows are about that year's birthdays")))
    if gone or not year:
        return out
    df = df.rename(columns={c: str(c).strip().upper() for c in df.columns})
    note = either_way_note(name, {"DOB": df.DOB})
    if note:
        out.notes.append(note)
    first, last = year_bounds(year)
    seen: dict[str, tuple] = {}
    for i, r in zip(rows_of(df), df.to_dict("records")):
        org = Origin(name, i)
        child = str(r.get("CHILD", "") or "").strip()
        if not child or child.lower() == "nan":
            problems.append(ReturnProblem(name, "a value is required", i, "CHILD"))
            continue
        n0 = len(problems)
        dob = parse_date(r.get("DOB"), org, "DOB", problems, required=True, quote=False)
        touch = _code(r.get("IN_TOUCH"), IN_TOUCH_CODES, name, i, "IN_TOUCH", problems, required=True)
        for field, codes in (("ACTIV", ACTIV_CODES), ("ACCOM", ACCOM_CODES)):
            if field in df.columns:
                _code(r.get(field), codes, name, i, field, problems)
        if dob:
            d = dt.date.fromisoformat(dob)
            if not any(first <= birthday(d, a) <= last for a in AGES):
                # the date of birth is not quoted: it is personal data
                problems.append(ReturnProblem(name, f"the young person has no 17th to 21st "
                                                    f"birthday in the collection year {first} to "
                                                    f"{last} (OC3 is returned around those "
                                                    "birthdays)", i, "DOB"))
        if len(problems) > n0:
            continue
        if child in seen:
            row, said = seen[child]
            differ = [f for f, a, b in zip(("DOB", "IN_TOUCH"), said, (dob, touch)) if a != b]
            if differ:
                # the first row was kept unsaid ('given twice were merged'): a young person in
                # touch in one row and not in the other had her support's end taken from one
                problems.append(ReturnProblem(name, f"the same young person (CHILD) as row {row}, "
                                                    f"with another {' and '.join(differ)}: give "
                                                    "each young person once (which of the two is "
                                                    "right cannot be told)", i, differ[0]))
                continue
            out.duplicates += 1
            continue
        seen[child] = (i, (dob, touch))
        out.care_leavers.append(CareLeaverRecord(child, dob, touch, org, year))
    if out.duplicates:
        out.notes.append(f"{name}: {out.duplicates} care leaver(s) given twice (same CHILD) were "
                         "merged")
    return out


def _code(value, codes, name: str, row: int, field: str, problems: list,
          required: bool = False) -> str:
    s = "" if value is None else str(value).strip().upper()
    if s in ("", "NAN"):
        if required:
            problems.append(ReturnProblem(name, "a value is required", row, field))
        return ""
    if s.endswith(".0") and s[:-2].isdigit():      # a spreadsheet's 0 read as a number
        s = s[:-2]
    if field == "ACCOM" and s in NEVER_SUITABLE:
        letter, said = NEVER_SUITABLE[s]
        problems.append(ReturnProblem(name, f"{s} is not one of DfE's codes: {letter} ({said}) is "
                                            "never counted suitable accommodation, so DfE's "
                                            f"SSDA903 validation (rule 133) allows {letter}2 only; "
                                            f"give {letter}2", row, field))
        return ""
    if s not in codes:
        # the value is not quoted: a misplaced column could hold an identifier
        problems.append(ReturnProblem(name, f"unknown code (expected one of {', '.join(codes)})",
                                      row, field))
        return ""
    return s


def care_leaver_stages(records: list[CareLeaverRecord],
                       periods: list[StageRecord]) -> list[StageRecord]:
    """Each young person's time as a care leaver, from her OC3 rows of every year and her
    periods of care (see the module's docstring)."""
    if not records:
        return []
    latest = max(year_bounds(r.year)[1] for r in records)
    care_ends: dict[str, list[str]] = {}
    for p in periods:
        if p.end:
            care_ends.setdefault(p.child, []).append(p.end)
    by_child: dict[str, list[CareLeaverRecord]] = {}
    for r in records:
        by_child.setdefault(r.child, []).append(r)
    out = []
    for child, rows in by_child.items():
        rows.sort(key=lambda r: r.year)
        dob = dt.date.fromisoformat(rows[-1].dob)
        first_seen = year_bounds(rows[0].year)[1].isoformat()
        ended = [e for e in care_ends.get(child, []) if e <= first_seen]
        start = max(ended) if ended else birthday(dob, 18).isoformat()
        start = min(start, first_seen)
        stop = next((r for r in rows if r.in_touch in ENDED), None)
        if stop is not None:
            y0, y1 = year_bounds(stop.year)
            day = next((birthday(dob, a) for a in AGES if y0 <= birthday(dob, a) <= y1), y1)
            end = max(day.isoformat(), start)
        else:
            to = birthday(dob, SUPPORT_TO_AGE)
            end = max(to.isoformat(), start) if to <= latest else ""
        last = rows[-1]
        org = Origin(last.origin.file, last.origin.row, None,
                     (("CareLeaverStartDate", "DOB"), ("CareLeaverEndDate", "DOB"),
                      ("LAchildID", "CHILD")))
        out.append(StageRecord(child, "care_leaver", start, end, org, "", last.year))
    return out
