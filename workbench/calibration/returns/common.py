"""What the four return readers share: where a value came from, the problems they report, and
the records they produce (episodes and the stages within them) before they are combined.

A return names a child by an identifier; the readers keep it only to join records of the same
child (it never goes into a message: messages name the file, the row or XML element, and the
field). Dates are ISO text (``YYYY-MM-DD``) so that the combined table can go through the same
validation as a hand-made extract (:func:`~workbench.calibration.extracts.validate_cases_frame`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..extracts import Problem
from ..extracts.cells import date_hint, either_way_dates, spreadsheet_error, spreadsheet_error_message
from ..extracts.layouts import Column

# formats seen in returns: the census XML uses ISO dates; SSDA903 and Annex A use DD/MM/YYYY,
# and spreadsheets often carry a time or an Excel date
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S",
                 "%d-%m-%Y", "%d.%m.%Y")
#: The earliest date a return may hold (as for the extracts): before it, a mistyped year or a
#: spreadsheet's blank date (1899-12-30, 1900-01-01).
EARLIEST = dt.date(1950, 1, 1)
# a whole number a spreadsheet shows for a date cell formatted as a number: 1982 to 2118
_SERIAL = re.compile(r"[2-7][0-9]{4}(\.0+)?")
#: An XML Schema date (xs:date) may carry a time zone: 2022-05-01Z, 2022-05-01+01:00 (DfE's
#: schemas type their dates so); the day is the date, the zone said nothing about it
_XS_DATE_ZONE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})"
                           r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))")
_SHOWABLE_DATE = re.compile(r"[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}([ T][0-9:.]+)?")
# a date written with a two-digit year (as the extracts' cells.py reads it)
_TWO_DIGIT_YEAR = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}")


@dataclass(frozen=True)
class Origin:
    """Where a record came from: file, a row (spreadsheet row, header = 1) or an XML element
    with its line, and the return's name for each flattened column."""

    file: str
    row: int | None = None
    element: str | None = None        # e.g. "Child 12 / CINdetails 2 / Assessments 1"
    fields: tuple[tuple[str, str], ...] = ()   # (flattened column, the return's field name)

    def field(self, column: str | None) -> str | None:
        return dict(self.fields).get(column, column) if column else column


@dataclass(frozen=True)
class ReturnProblem(Problem):
    """A problem in a return: a CSV or sheet row, or an XML element (with its line)."""

    element: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.element is not None:
            where.append(f"element {self.element}" + (f" (line {self.row})" if self.row else ""))
        elif self.row is not None:
            # an XML file has lines, not rows
            where.append(f"{'line' if self.file.lower().endswith('.xml') else 'row'} {self.row}")
        if self.column is not None:
            where.append(f"field {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class TwoDigitYear(ReturnProblem):
    """A date with a two-digit year: a column of them is said once
    (:func:`two_digit_years_once`), as the extracts say it."""


def problem_at(origin: Origin, message: str, column: str | None = None) -> ReturnProblem:
    """A problem at a record's origin, naming the return's own field for ``column``."""
    return ReturnProblem(origin.file, message, origin.row, origin.field(column), origin.element)


def two_digit_years_once(problems: list, start: int = 0) -> None:
    """Each field of a file with two dates or more of a two-digit year (a column saved so), said
    in one problem naming how many and their rows (lines of an XML file), at the first: they
    were listed one a row, a few hundred lines for one column. One such date is said as it was.
    ``problems[start:]`` are a file's (or files') problems."""
    groups: dict[tuple, list[int]] = {}
    for i in range(start, len(problems)):
        p = problems[i]
        if isinstance(p, TwoDigitYear):
            groups.setdefault((p.file, p.column), []).append(i)
    drop: set[int] = set()
    for (file, column), at in groups.items():
        if len(at) < 2:
            continue
        rows = sorted(problems[i].row for i in at if problems[i].row)
        unit = "lines" if file.lower().endswith(".xml") else "rows"
        span = f" ({unit} {rows[0]} to {rows[-1]})" if rows else ""
        problems[at[0]] = ReturnProblem(
            file, f"{len(at):,} dates{span} are not read (expected YYYY-MM-DD or DD/MM/YYYY): "
                  "a two-digit year; give the year in four digits (two digits could be of either "
                  "century) and save the file again", rows[0] if rows else None, column)
        drop.update(at[1:])
    if drop:
        problems[start:] = [p for i, p in enumerate(problems[start:], start) if i not in drop]


def either_way_note(name: str, columns: dict) -> str:
    """A note when every date with slashes in a file's date ``columns`` (title -> its values),
    two at least, reads either way round (a day and a month both 12 or under, and not all the
    same both ways), as the extracts' note says (:func:`~..extracts.cells.either_way_dates`):
    read day first, the file gives no sign it was not saved month first. "" otherwise."""
    import pandas as pd
    table = pd.DataFrame({str(k): pd.Series(list(v), dtype=object) for k, v in columns.items()})
    n = either_way_dates(table, tuple(Column(str(k), "date", False, "", "") for k in columns))
    if not n:
        return ""
    return (f"{name}: each of its {n:,} dates written with slashes has a day and a month of 12 "
            "or under, so it reads either way round. They were read day first (DD/MM/YYYY), as "
            "UK dates are: if the file was saved month first (US order, MM/DD/YYYY), every one "
            "of them is wrong. Export the dates again as YYYY-MM-DD to be sure")


def parse_date(text, origin: Origin, field_name: str, problems: list, required: bool = False,
               today: dt.date | None = None, by: tuple[dt.date, str] | None = None,
               quote: bool = True) -> str:
    """``text`` as an ISO date, or "" (blank); a bad or future date is a problem at ``origin``,
    and so is a date after ``by`` (a date, and what it is: a census's reference date).

    The value is quoted only when it is shaped like a date (it cannot then be an identifier),
    and ``quote`` (False: a date of birth, personal data, is never quoted).
    """
    if isinstance(text, (dt.datetime, dt.date)):
        d = text.date() if isinstance(text, dt.datetime) else text
    else:
        s = "" if text is None else str(text).strip()
        if s == "" or s.lower() == "nan" or s.lower() == "nat":
            if required:
                problems.append(problem_at(origin, "a date is required here", field_name))
            return ""
        error = spreadsheet_error(s)
        if error:
            problems.append(problem_at(origin, spreadsheet_error_message(error), field_name))
            return ""
        d = None
        zoned = _XS_DATE_ZONE.fullmatch(s)
        if zoned:
            s = zoned.group(1)
        for fmt in _DATE_FORMATS:
            try:
                d = dt.datetime.strptime(s, fmt).date()
                break
            except ValueError:
                continue
        if d is None:
            if isinstance(text, (int, float)) or _SERIAL.fullmatch(s):
                # a spreadsheet cell formatted as a number shows a date as days since 1900
                problems.append(problem_at(origin, "the value (not shown) looks like a "
                                                   "spreadsheet's date number, not a date: format "
                                                   "the column as a date and save again",
                                           field_name))
                return ""
            shown = f"'{s}'" if _SHOWABLE_DATE.fullmatch(s) and quote else "the value (not shown)"
            message = f"{shown} is not a date (expected YYYY-MM-DD or DD/MM/YYYY){date_hint(s)}"
            if _TWO_DIGIT_YEAR.fullmatch(s):
                problems.append(TwoDigitYear(origin.file, message, origin.row,
                                             origin.field(field_name), origin.element))
            else:
                problems.append(problem_at(origin, message, field_name))
            return ""
    said = d.isoformat() if quote else "the date (not shown)"
    if d < EARLIEST:
        problems.append(problem_at(origin, f"{said} is before {EARLIEST.year}: not a date "
                                           "in a child's or a worker's record (a mistyped year, or a "
                                           "blank date cell read as 1899-12-30 or 1900-01-01)",
                                   field_name))
        return ""
    if d > (today or dt.date.today()):
        problems.append(problem_at(origin, f"{said} is in the future: a return holds "
                                           "what has happened", field_name))
        return ""
    if by is not None and d > by[0]:
        problems.append(problem_at(origin, f"{said} is after {by[1]} ({by[0]}): a "
                                           "return holds what happened by then (is the file of "
                                           "another year?)", field_name))
        return ""
    return d.isoformat()


_YES = {"1", "true", "t", "y", "yes", "a) yes"}
_NO = {"0", "false", "f", "n", "no", "b) no"}


def parse_flag(text, origin: Origin, field_name: str, problems: list,
               required: str = "") -> str:
    """A yes/no value as "1", "0" or "" (blank); anything else is a problem, and so is a blank
    when ``required`` (the reason it is required, said in the message)."""
    s = "" if text is None else str(text).strip().lower()
    if s in ("", "nan"):
        if required:
            problems.append(problem_at(origin, f"a yes/no value is required here ({required}; "
                                               "expected true/false or 1/0)", field_name))
        return ""
    if s in _YES or s.startswith("a)") or s.startswith("yes"):
        return "1"
    if s in _NO or s.startswith("b)") or s.startswith("no"):
        return "0"
    shown = f"'{text}'" if len(s) <= 5 and s.isalpha() else "the value (not shown)"
    problems.append(problem_at(origin, f"{shown} is not a yes/no value (expected true/false, "
                                       "1/0 or Y/N)", field_name))
    return ""


@dataclass
class EpisodeRecord:
    """A referral episode as one return saw it (``child`` is only a join key, never shown)."""

    child: str
    referral: str                  # ISO date
    origin: Origin
    nfa: str = ""                  # "1", "0" or "" (not known from this return)
    closure: str = ""
    reason: str = ""
    team: str = ""
    worker: str = ""
    year: int = 0                  # the return's year (later returns win on disagreements)
    stated: bool = True            # False: made up to hold stages (no referral in any return)
    # where each episode-level value came from when another return gave it ("team", ...)
    field_origins: dict = field(default_factory=dict)


@dataclass
class StageRecord:
    """One stage instance (a census module, an SSDA903 period of care, an Annex A list row).

    ``referral`` is the episode's referral date when the return says it (the census nests its
    modules in CINdetails); otherwise the combiner finds the child's episode by date."""

    child: str
    stage: str                     # assessment, s47, icpc, cin, cp, lac (the flattened stages)
    start: str
    end: str
    origin: Origin
    referral: str = ""
    year: int = 0
    code: str = ""                 # SSDA903 episodes: "RNE|REC" (joined into periods later)


@dataclass
class WorkerRecord:
    """One row of the workforce census (cells as text, in the roster's column names)."""

    values: dict
    origin: Origin
    year: int = 0


@dataclass
class ReturnRecords:
    """Everything one file contributed."""

    kind: str                      # "cin", "ssda903", "ssda903_header", "ssda903_oc3", "annex_a",
                                   # "workforce"
    file: str
    year: int = 0
    episodes: list[EpisodeRecord] = field(default_factory=list)
    stages: list[StageRecord] = field(default_factory=list)
    workers: list[WorkerRecord] = field(default_factory=list)
    care_leavers: list = field(default_factory=list)     # oc3.CareLeaverRecord
    duplicates: int = 0            # records given twice in the file (merged)
    authority: str = ""            # the local authority code in the return's header (CIN: LEA)
    notes: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)   # SSDA903 header: its children (join keys)
    authority_at: str = ""         # where the authority code was read (element or column)
    columns: set = field(default_factory=set)   # workforce census: the roster columns it gives


def authority_code(text) -> str:
    """A local authority code as given (``LEA`` 3 digits: ' 0999 ' and '999' are one)."""
    s = "" if text is None else str(text).strip()
    if s.lower() in ("", "nan"):
        return ""
    if s.endswith(".0") and s[:-2].isdigit():      # a spreadsheet's number
        s = s[:-2]
    return (s.lstrip("0") or s) if s.isdigit() else s.upper()


def collection_year(day: str, month_start: int = 4) -> int:
    """The year a date's statutory collection ends in (years to 31 March by default)."""
    d = dt.date.fromisoformat(day)
    return d.year + (1 if d.month >= month_start else 0)


def rows_of(df) -> list[int]:
    """The spreadsheet row of each of a table's rows (the column titles are row 1), from the
    index the file was read with: right after rows were dropped (a row repeating the titles),
    where counting them again would say every later row one short."""
    return [int(i) + 2 for i in df.index]


def spelling_key(identifier: str) -> str:
    """An identifier as compared between years' returns: letters' case and spaces set aside (a
    system that wrote one year's identifiers in lower case, or with a space, wrote the same
    child's or worker's). Used to find the same identifier written differently, never to join."""
    return "".join(str(identifier).split()).casefold()
