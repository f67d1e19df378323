"""Reading the cells of an extract: dates as day numbers, headers matched to a layout, each
column parsed with every problem recorded (file, row, column), and the error that lists them."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import secrets
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import UserError
from .layouts import Column, other_layout

# dates are held as float day numbers (days since 1970-01-01), NaN when missing
EPOCH = np.datetime64("1970-01-01", "D")
MAX_SHOWN = 400   # problems written into an exception message (all are kept in .problems)
MAX_FILES_NAMED = 10   # files named in its first line (a folder of 5,000 bad files named them all)


#: A key drawn afresh in each process: the two extracts' identifiers of a worker (a case's
#: AllocatedWorker, the roster's WorkerID) are linked by keyed digests, which mean nothing
#: outside the run and are never written (see :func:`link_keys`).
_LINK_KEY = secrets.token_bytes(16)


def link_keys(values) -> np.ndarray:
    """A keyed digest of each identifier (stripped, capitals aside) as a positive integer, 0 for
    a blank: the same identifier gives the same key within one run, and a key does not give back
    its identifier (a pseudonymous link between the extracts, not an identifier). A case
    system's 'sw0042' is the roster's 'SW0042 ': before, the two did not link, and the note
    said the roster was of another authority."""
    out = np.zeros(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        v = str(v).strip().casefold()
        if v:
            digest = hashlib.blake2b(v.encode(), key=_LINK_KEY, digest_size=7).digest()
            out[i] = int.from_bytes(digest, "big") + 1
    return out


def day_number(d) -> float:
    """A date (str, date, Timestamp) as days since 1970-01-01."""
    return float((np.datetime64(pd.Timestamp(d).date(), "D") - EPOCH).astype(int))


def to_date(day: float):
    """A day number back to a ``datetime.date``."""
    return pd.Timestamp(EPOCH + np.timedelta64(int(np.floor(day)), "D")).date()


# --------------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One thing wrong with an extract: where (file, row, column) and what."""

    file: str
    message: str
    row: int | None = None       # spreadsheet row (header = 1); None for file- or column-level
    column: str | None = None
    #: the other row a conflict is with (an overlapping role's first row), for readers that say
    #: it in their own terms (the returns name the return that row came from)
    other_row: int | None = field(default=None, kw_only=True)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class ExtractError(UserError):
    """The extracts cannot be used; the message lists every problem found (file, row, column)."""

    def __init__(self, problems: list[Problem]):
        order = {f: i for i, f in enumerate(dict.fromkeys(p.file for p in problems))}
        self.problems = sorted(problems, key=lambda p: (order[p.file], p.row or 0))
        files = list(order)
        named = ", ".join(files[:MAX_FILES_NAMED]) + (
            f" and {len(files) - MAX_FILES_NAMED:,} more" if len(files) > MAX_FILES_NAMED else "")
        lines = [f"{len(self.problems)} problem(s) in the extract(s) {named}; "
                 "nothing was loaded:"]
        for p in self.problems[:MAX_SHOWN]:
            lines.append(f"  - {p}")
        if len(self.problems) > MAX_SHOWN:
            rest = self.problems[MAX_SHOWN:]
            by_col: dict[str, int] = {}
            for p in rest:
                by_col[f"{p.file} {p.column or ''}".strip()] = by_col.get(
                    f"{p.file} {p.column or ''}".strip(), 0) + 1
            groups = sorted(by_col.items())
            summary = ", ".join(f"{k}: {v}" for k, v in groups[:MAX_FILES_NAMED]) + (
                f", and {len(groups) - MAX_FILES_NAMED:,} more files or columns"
                if len(groups) > MAX_FILES_NAMED else "")
            lines.append(f"  ... and {len(rest)} more ({summary})")
        super().__init__("\n".join(lines))



_TRUE = {"1", "true", "t", "y", "yes"}
_FALSE = {"0", "false", "f", "n", "no"}
#: What a database or a spreadsheet writes in a cell that has no value ("NULL" from SQL Server,
#: "N/A", "-"): each was refused as a bad date or number, its value not shown, one line a row.
NO_VALUE_WORDS = frozenset({"null", "n/a", "na", "none", "nan", "nil", "-", "--", "(blank)"})
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M",
                 "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                 # as councils' systems export them: a database's time with fractions of a
                 # second (SQL Server's 2023-04-01 00:00:00.000), a spreadsheet's 01-Apr-2023
                 # or 1 April 2023, and day.month.year; each was refused, row by row, as "not
                 # a date", in a file whose every date was whole and unambiguous
                 "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f", "%d-%b-%Y", "%d %b %Y",
                 "%d-%B-%Y", "%d %B %Y", "%d.%m.%Y",
                 # year first with slashes or dots (2023/04/01): every date of such a column
                 # was refused as 'not a date', though none can be read two ways
                 "%Y/%m/%d", "%Y.%m.%d",
                 # day first with dashes (31-10-2017), times after dots and dashes: refused
                 "%d-%m-%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d.%m.%Y %H:%M",
                 "%d.%m.%Y %H:%M:%S")
#: A time zone after an ISO time (2023-04-01T00:00:00Z, +01:00; after a space, as PostgreSQL's
#: +01 and SQL Server's datetimeoffset): the date is read as written, and the zone dropped
_ZONE = re.compile(r"(?<=[0-9][T ][0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]+)? ?(Z|[+-][0-9]{2}"
                   r"(:?[0-9]{2})?)$")
#: Dates a system writes for no date: the last day it can hold (an end not yet come) and zero.
_NO_DATES = frozenset({"9999-12-31", "31/12/9999", "31.12.9999", "31-12-9999", "9999/12/31",
                       "0000-00-00", "00/00/0000", "00.00.0000", "00-00-0000"})
#: The earliest date an extract may hold: a child's record or a worker's start in post before it
#: is a mistyped year, or a spreadsheet's blank date (which reads as 1899-12-30 or 1900-01-01).
EARLIEST = dt.date(1950, 1, 1)
# a whole number a spreadsheet shows for a date cell formatted as a number (days since 1900):
# 1982 to 2118
# (a fraction is a time of day: 44652.5 is noon; it was said to be 'not a date', not shown)
_SERIAL = re.compile(r"[2-7][0-9]{4}(\.[0-9]+)?")
#: What a spreadsheet shows, and writes into a CSV or a saved workbook, for a formula that failed:
#: Excel's error values (#REF! when a cell it pointed at was deleted, #N/A from a lookup that
#: found nothing, ...). They are not identifiers, so a message may quote them.
SPREADSHEET_ERRORS = frozenset({
    "#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA"})


def spreadsheet_error(value: object) -> str:
    """The spreadsheet error ``value`` is (``"#REF!"``), or "" when it is not one."""
    text = str(value).strip().upper() if isinstance(value, str) else ""
    return text if text in SPREADSHEET_ERRORS else ""


def spreadsheet_error_message(error: str) -> str:
    return (f"the cell holds the spreadsheet error {error} (a formula that failed when the file "
            "was saved): correct the formula, or type the value, and save again")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())



#: Words a header may add after a column's name ("Team Name", "LAchildID number").
_NAME_WORDS = ("name", "number", "no", "id", "code")


def _near_miss(name: str) -> str:
    """The header without a last word of :data:`_NAME_WORDS` (normalised), or "" when it has
    none."""
    n = _norm(name)
    for w in _NAME_WORDS:
        if n.endswith(w) and len(n) > len(w) + 2:
            return n[:-len(w)]
    return ""


def match_columns(df: pd.DataFrame, layout: tuple[Column, ...], file: str,
                   problems: list[Problem]) -> pd.DataFrame:
    """Rename the file's headers to the layout's names (case and punctuation ignored, aliases
    accepted, and a name followed by a word of :data:`_NAME_WORDS` when the name itself is not
    given); report missing required columns and columns given twice."""
    lookup = {}
    for col in layout:
        for n in (col.name,) + col.aliases:
            lookup[_norm(n)] = col.name
    rename, seen = {}, {}
    for h in df.columns:
        target = lookup.get(_norm(h))
        if target is None:
            continue
        if target in seen:
            problems.append(Problem(file, f"given twice (as '{seen[target]}' and '{h}')",
                                    column=target))
            continue
        seen[target] = h
        rename[h] = target
    # a header with a word after the name ("Team Name", "Child ID Number"): that column, when
    # the file has no column of the name itself (it was left out, and the roster then said to
    # have no Team column)
    for col in layout:
        if col.name in seen:
            continue
        for h in df.columns:
            if h not in rename and lookup.get(_near_miss(h)) == col.name:
                seen[col.name] = h
                rename[h] = col.name
                break
    out = df[list(rename)].rename(columns=rename)
    unmatched = [h for h in df.columns if h not in rename]
    other = other_layout({_norm(h) for h in df.columns}, layout, _norm)
    if other and any(c.required and c.name not in out.columns for c in layout):
        # the roster given as the cases (or the other way round, or one file for both): each
        # column of the layout was said to be missing, not the cause
        problems.append(Problem(file, other))
        return out
    for col in layout:
        if col.required and col.name not in out.columns:
            also = f" (also accepted: {', '.join(col.aliases)})" if col.aliases else ""
            problems.append(Problem(file, f"required column is missing{also}"
                                          f"{_did_you_mean(col, unmatched)}", column=col.name))
    return out


def _did_you_mean(col: Column, headers: list) -> str:
    """The file's header spelt nearly as ``col``'s name ("ReferalDate"), as a question; "" when
    none is (a header is quoted only when shaped like a column name, never like a value)."""
    names = {_norm(n) for n in (col.name,) + col.aliases}
    for h in headers:
        shaped = re.fullmatch(r"[A-Za-z][A-Za-z0-9_ ]{0,40}", str(h)) is not None
        if shaped and difflib.get_close_matches(_norm(h), names, n=1, cutoff=0.8):
            return f"; the header has '{str(h).strip()}': is it this column? Rename it {col.name}"
    return ""


def parse_dates(s: pd.Series) -> np.ndarray:
    """Day numbers (NaN where blank or unparseable)."""
    out = np.full(len(s), np.nan)
    text = s.str.strip()
    text = text.str.replace(_ZONE, "", regex=True)
    # an en dash (a spreadsheet's autocorrect) or a minus sign between year, month and day:
    # each date was refused as 'not a date', the dash looking like any other on screen
    text = text.str.replace("[\u2010-\u2015\u2212\ufe63\uff0d]", "-", regex=True)
    todo = np.array(text != "", dtype=bool)
    for fmt in _DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        if ok.any():
            idx = np.flatnonzero(todo)[ok]
            days = (parsed[ok].to_numpy().astype("datetime64[D]") - EPOCH).astype(np.int64)
            out[idx] = days.astype(float)
            todo[idx] = False
    return out


# The shapes a mistyped value of each kind may be quoted in. Anything else (a value that looks
# like an identifier, say, when two headers are swapped) is described by row and column only.
_SHOWABLE = {
    "date": re.compile(r"[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}([ T][0-9:.]+)?"),
    # a yes/no written in words or as a number (Agency, Permanent, 1.0): not an identifier
    "flag": re.compile(r"[A-Za-z][A-Za-z -]{0,11}|[0-9]{1,2}(\.[0-9]{1,2})?"),
    "code": re.compile(r"[A-Za-z0-9_ -]{1,8}"),
    "int": re.compile(r"[-+]?[0-9.,eE]{1,12}"),
    "number": re.compile(r"[-+]?[0-9.,eE]{1,12}"),
}
MAX_QUOTED = 3     # a column with more distinct bad values is not quoted at all (see _Quoter)
#: A value with this many digits or more is never quoted, whatever its column (a date aside):
#: identifiers are numbers or letters and numbers (a case system's child id, a UPN, an NHS
#: number, a SWENo), and no bound of a layout needs five digits (the largest is Cases30's 1000),
#: so such a value is out of range by ten times or more: a column mixed up, not a typing slip.
ID_DIGITS = 5
_DIGITS = re.compile(r"[0-9]")


def may_identify(value: object) -> bool:
    """Whether a value could be someone's identifier by its shape alone: it holds
    :data:`ID_DIGITS` or more digits (``7311365``, ``ZZCHILD999999``, ``SW123456``). Messages
    and notes name such a value by its row and column instead of quoting it."""
    return len(_DIGITS.findall(str(value))) >= ID_DIGITS


class _Quoter:
    """Decides whether a bad cell's value may appear in a message.

    Never for a value that is an identifier in either extract (this file's id columns, or the
    other extract's, or any return read with it), nor one with :data:`ID_DIGITS` digits or more
    (:func:`may_identify`), nor one not shaped like the column's kind, nor any value of a column
    with many distinct bad values: such a column evidently holds something else (identifiers,
    when two headers are swapped)."""

    def __init__(self, ids: set[str], other_ids: frozenset[str] | set[str] = frozenset()):
        self.ids = ids                       # this file's own identifiers (see the text check)
        self.hidden = set(ids) | set(other_ids)

    def show(self, values: pd.Series, kind: str) -> np.ndarray:
        """For each value: may it be quoted?"""
        shape = _SHOWABLE.get(kind)
        if shape is None or values.nunique() > MAX_QUOTED:
            return np.zeros(len(values), dtype=bool)
        # a value shaped like a date is a date (the digit count is a date's)
        return np.array([bool(shape.fullmatch(v)) and (kind == "date" or not may_identify(v))
                         and v not in self.hidden for v in values], dtype=bool)


NOT_SHOWN = "the value (not shown: it may identify someone)"


def _say(value: str, shown: bool, quote: bool = True) -> str:
    if not shown:
        return NOT_SHOWN
    return f"'{value}'" if quote else value


def whole_code(value: str) -> str:
    """A numeric code written as a decimal ("5.0") as the whole number it is ("5")."""
    return str(value).strip().split(".")[0]


def unknown_code(value: str, shown: bool, codes) -> str:
    """The message for a code not in ``codes``, quoting the value only when ``shown``."""
    what = f"'{value}'" if shown else "(the value is not shown: it may identify someone)"
    return f"unknown code {what}; expected one of {', '.join(codes)}"


#: Numbers as a spreadsheet or a person may type them, which a count or an FTE is not.
_NUMBER_SHAPES = (
    (re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?"),
     "it has commas between the thousands: write it without them (1000, not 1,000)"),
    (re.compile(r"-?[0-9]+(\.[0-9]+)?\s*%"),
     "it is a percentage: give it without the % sign (an FTE is a share of full time: 0.5, "
     "not 50%)"),
    (re.compile(r"-?[0-9]+,[0-9]+"), "it has a decimal comma: write a decimal point (0.5, not 0,5)"),
)


def number_hint(s: str) -> str:
    """Why a number-shaped text did not read as a number: thousands with commas, a percentage
    or a decimal comma. It names the shape, not the value, so it is said when the value is not
    shown too."""
    s = str(s).strip()
    for shape, why in _NUMBER_SHAPES:
        if shape.fullmatch(s):
            return f"; {why}"
    return ""


#: A date written with slashes, dots or dashes, day and month first, as a spreadsheet saves it.
_DATE_SHAPE = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2}|[0-9]{4})")
_TWO_DIGIT_YEAR = r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}"


def date_hint(s: str) -> str:
    """Why a date-shaped text did not read: month first (US order), or a two-digit year. It
    names the shape, not the value, so it is said when the value is not shown too (the returns'
    readers say it too)."""
    s = str(s).strip()
    m = _DATE_SHAPE.fullmatch(s)
    if not m:
        return ""
    a, b, y = int(m[1]), int(m[2]), m[3]
    if len(y) == 2:
        return ": a two-digit year; give the year in four digits"
    if a <= 12 < b <= 31:
        return (": month first (US order)? Dates are read day first, and a column "
                "written month first misreads every date up to the 12th: export the dates again, "
                "day first")
    return ""


#: A date with slashes, dots or dashes (04-01-2023 is as ambiguous as 04/01/2023), day or month
#: first, and a four-digit year (a time may follow).
_SLASHED = r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-][0-9]{4}(?:[ T].*)?"


def either_way_dates(df: pd.DataFrame, layout: tuple[Column, ...]) -> int:
    """How many dates with slashes the table's date columns hold, when every one of them (two
    at least) reads either way round: a day and a month both 12 or under, and not all the same
    both ways (01/01/2022). Such a file gives no sign of its order: read day first, as UK dates
    are, it is wrong throughout if it was saved month first (US order). 0 otherwise."""
    found = []
    for col in layout:
        if col.kind == "date" and col.name in df.columns:
            parts = df[col.name].astype(str).str.strip().str.extract(_SLASHED).dropna()
            found.append(parts.astype(int))
    if not found:
        return 0
    both = pd.concat(found, ignore_index=True)
    if len(both) < 2 or (both > 12).any().any() or (both[0] == both[1]).all():
        return 0
    return len(both)


def _flag_hint(column: str) -> str:
    return ("; for AgencyWorker, 1 for an agency worker and 0 for an employee"
            if column == "AgencyWorker" else "")


def _today() -> float:
    return day_number(dt.date.today())


def check_column(df: pd.DataFrame, col: Column, file: str, problems: list[Problem],
                 quoter: _Quoter | None = None) -> np.ndarray | list:
    """Parse one column, reporting blank-where-required, unparseable and out-of-range cells.
    Returns parsed values (floats with NaN for dates and numbers; strings for codes and text).

    A bad value is quoted in its message only when ``quoter`` allows it (never an identifier)."""
    quoter = quoter or _Quoter(set())
    raw = df[col.name].astype(str).str.strip()
    blank = (raw == "").to_numpy()
    rows = np.arange(len(df)) + 2

    # a formula that failed (#REF!, #N/A ...): said as such, once, not also as a bad value
    failed = raw.str.upper().isin(SPREADSHEET_ERRORS).to_numpy()
    for i in np.flatnonzero(failed):
        problems.append(Problem(file, spreadsheet_error_message(raw.iat[i].upper()), int(rows[i]),
                                col.name))
    # a database's NULL (or N/A, -) for no value: said once for the column, naming the word
    # (a word of NO_VALUE_WORDS, never an identifier), not once a row as a value not shown
    nothing = raw.str.lower().isin(NO_VALUE_WORDS).to_numpy() & ~failed
    if col.kind != "text" and nothing.any():
        at = rows[nothing]
        words = ", ".join(f"'{w}'" for w in sorted(set(raw[nothing])))
        todo = ("this column needs a value on every row: give it" if col.values == "all"
                else "leave such cells empty (blank) and save again")
        problems.append(Problem(file, f"{int(nothing.sum()):,} cell(s) (rows {at[0]} to "
                                f"{at[-1]}) hold {words}, a database's or spreadsheet's word for "
                                f"no value, not a {col.type_label}: {todo}", int(at[0]),
                                col.name))
        failed = failed | nothing
    # a system's date for no date (9999-12-31, 0000-00-00): was refused row by row
    never = (raw.str.replace(r"[ T]00:00(:00)?(\.0+)?$", "", regex=True).isin(_NO_DATES)
             .to_numpy() & ~failed) if col.kind == "date" else np.zeros(len(raw), dtype=bool)
    if never.any():
        at = rows[never]
        words = ", ".join(f"'{w}'" for w in sorted(set(raw[never]))[:3])
        problems.append(Problem(file, f"{int(never.sum()):,} cell(s) (rows {at[0]} to {at[-1]}) "
                                f"hold {words}, a system's date for no date (an end not yet "
                                f"come, or none), not a date: "
                                + ("this column needs a date on every row: give it"
                                   if col.values == "all" else "leave such cells empty (blank) "
                                   "and save again"), int(at[0]), col.name))
        failed = failed | never

    def report(mask, message, parsed=False):
        # a value that parsed as the column's kind (a date, a number) is that, not an identifier
        idx = np.flatnonzero(mask & ~failed)
        shown = np.ones(len(idx), dtype=bool) if parsed else quoter.show(raw.iloc[idx], col.kind)
        for i, ok in zip(idx, shown):
            problems.append(Problem(file, message(raw.iat[i], ok), int(rows[i]), col.name))

    if col.values == "all":
        for r in rows[blank]:
            problems.append(Problem(file, "a value is required", int(r), col.name))
    if col.kind == "date":
        vals = parse_dates(raw)
        vals[never] = np.nan    # no date, as the cell says: not a closure in the year 9999
        bad = (~blank) & np.isnan(vals)
        serial = bad & raw.str.fullmatch(_SERIAL.pattern).to_numpy(dtype=bool)
        report(serial, lambda v, ok: "the value (not shown) looks like a spreadsheet's date number, "
               "not a date: format the column as a date (YYYY-MM-DD or DD/MM/YYYY) and save again")
        # a time with AM or PM (an American system's 04/01/2023 12:00 AM, which may give the
        # month first): said once for the column, not once a row as a value not shown
        ampm = bad & raw.str.contains(r"[0-9]\s*[AaPp]\.?[Mm]\.?$", regex=True).to_numpy(dtype=bool)
        if ampm.any():
            at = rows[ampm]
            problems.append(Problem(file, f"{int(ampm.sum()):,} date(s) (rows {at[0]} to "
                                    f"{at[-1]}) have a time with AM or PM, as an American "
                                    "system writes them, which may give the month first: export "
                                    "the dates as YYYY-MM-DD (or DD/MM/YYYY) and save again",
                                    int(at[0]), col.name))
            bad = bad & ~ampm
        # a column saved with two-digit years: said once, not once a row
        two = bad & raw.str.fullmatch(_TWO_DIGIT_YEAR).to_numpy(dtype=bool)
        if two.sum() > 1:
            at = rows[two]
            problems.append(Problem(file, f"{int(two.sum()):,} dates (rows {at[0]} to {at[-1]}) "
                                    "have a two-digit year, which could be of either century: "
                                    "give the years in four digits (YYYY-MM-DD or DD/MM/YYYY) "
                                    "and save again", int(at[0]), col.name))
            bad = bad & ~two
        report(bad & ~serial, lambda v, ok: f"{_say(v, ok)} is not a date (expected "
               f"YYYY-MM-DD or DD/MM/YYYY){date_hint(v)}")
        report(vals < day_number(EARLIEST), lambda v, ok: f"{_say(v, ok)} is before "
               f"{EARLIEST.year}: not a date in a child's or a worker's record (a mistyped year, or "
               "a blank date cell, which a spreadsheet can show as 1899-12-30 or 1900-01-01)",
               parsed=True)
        today = _today()
        report(vals > today, lambda v, ok: f"{_say(v, ok)} is in the future (after today, "
               f"{to_date(today)}): an extract holds what has happened", parsed=True)
        return vals
    if col.kind == "flag":
        low = raw.str.lower()
        vals = np.where(low.isin(_TRUE), 1.0, np.where(low.isin(_FALSE), 0.0, np.nan))
        report((~blank) & np.isnan(vals), lambda v, ok: f"{_say(v, ok)} is not a yes/no flag "
               f"(expected 1 or 0, Y or N, true or false{_flag_hint(col.name)})")
        return vals
    if col.kind in ("int", "number"):
        vals = pd.to_numeric(raw.where(~blank, None), errors="coerce").to_numpy(dtype=float, copy=True)
        vals[~np.isfinite(vals)] = np.nan  # "inf" reads as a number; it is not a count or an FTE
        what = "a whole number" if col.kind == "int" else "a number"
        report((~blank) & np.isnan(vals), lambda v, ok: f"{_say(v, ok)} is not {what}"
               f"{number_hint(v)}")
        ok = ~np.isnan(vals)
        if col.kind == "int":
            report(ok & (vals != np.round(vals)), lambda v, ok: f"{_say(v, ok)} is not a whole number")
        under = np.zeros(len(vals), dtype=bool)
        if col.low is not None:
            under = ok & ((vals < col.low) if col.low_inclusive else (vals <= col.low))
            rel = "at least" if col.low_inclusive else "above"
            report(under, lambda v, ok: f"{_say(v, ok, quote=False)} is out of range (must be "
                   f"{rel} {col.low:g})")
        if col.least is not None:
            floor, why = col.least
            report(ok & ~under & (vals < floor), lambda v, ok: f"{_say(v, ok, quote=False)} is "
                   f"out of range (at least {floor:g}: {why})")
        over = np.zeros(len(vals), dtype=bool)
        if col.high is not None:
            over = ok & (vals > col.high)
            report(over, lambda v, ok: f"{_say(v, ok, quote=False)} is out of "
                   f"range (must be at most {col.high:g})")
        if col.most is not None:
            ceiling, why = col.most
            report(ok & ~over & (vals > ceiling), lambda v, ok: f"{_say(v, ok, quote=False)} is "
                   f"out of range (at most {ceiling:g}: {why})")
        return vals
    if col.kind == "code":
        canon = {c.lower(): c for c in col.codes}
        low = raw.str.lower()
        # RC 1, RC01 (a case system's padding): the code; each was refused as unknown, a row
        low = low.where(low.isin(list(canon)), low.str.replace(
            r"^([a-z]+)[ _-]?0*([1-9])$", r"\1\2", regex=True))
        known = low.isin(list(canon)).to_numpy()
        # a numeric code saved from a spreadsheet or a database as a decimal (OrgRole 5.0): was
        # 'unknown code (the value is not shown: it may identify someone)' on every row
        whole = low.str.replace(r"^([0-9]{1,2})\.0+$", r"\1", regex=True)
        decimal = (~known) & (whole != low).to_numpy() & whole.isin(list(canon)).to_numpy()
        report(decimal, lambda v, ok: f"'{v}' is written as a decimal; the codes are whole "
               f"numbers: write {whole_code(v)} ({', '.join(col.codes)})", parsed=True)
        report((~blank) & (~known) & ~decimal, lambda v, ok: unknown_code(v, ok, col.codes))
        return [canon.get(v, "") for v in low.tolist()]
    if col.kind == "text":
        # a name (a team) that is also an identifier in the file: a column mixed up, whose values
        # would otherwise be echoed in notes as team names
        report((~blank) & raw.isin(quoter.ids).to_numpy(), lambda v, ok: "the value (not shown) "
               "is an identifier from this file's id columns, not a name: is a column mixed up?")
    return raw.tolist()  # id, text


def range_problem(col: Column, x: float) -> str:
    """What is wrong with the number ``x`` in ``col`` (its bounds, and its sensible least and
    most, as :func:`check_column` says them; the value not quoted), or "" when it is fine."""
    if col.kind == "int" and x != round(x):
        return "not a whole number"
    if col.low is not None and ((x < col.low) if col.low_inclusive else (x <= col.low)):
        return f"out of range (must be {'at least' if col.low_inclusive else 'above'} {col.low:g})"
    if col.high is not None and x > col.high:
        return f"out of range (must be at most {col.high:g})"
    if col.least is not None and x < col.least[0]:
        return f"out of range (at least {col.least[0]:g}: {col.least[1]})"
    if col.most is not None and x > col.most[0]:
        return f"out of range (at most {col.most[0]:g}: {col.most[1]})"
    return ""


def id_values(df: pd.DataFrame, layout: tuple[Column, ...]) -> set[str]:
    """Every value of the layout's identifier columns in ``df`` (headers already matched by
    :func:`match_columns`)."""
    ids = set()
    for col in layout:
        if col.kind == "id" and col.name in df.columns:
            ids.update(df[col.name].astype(str).str.strip())
    return ids - {""}


def extra_values(df: pd.DataFrame, layout: tuple[Column, ...]) -> set[str]:
    """Every value of the columns of ``df`` (headers as read) that are none of the layout's: an
    extra column may hold identifiers (a UPN, an NHS or payroll number), which a message never
    quotes, even typed into a column of the layout (a payroll number P3489 in OrgRole was
    quoted: it is shaped like a code, and has under five digits)."""
    names = {_norm(n) for col in layout for n in (col.name,) + col.aliases}
    out: set[str] = set()
    for h in df.columns:
        if _norm(h) not in names and _near_miss(h) not in names:
            out.update(df[h].astype(str).str.strip())
    return out - {""}


def parse_all(df: pd.DataFrame, layout: tuple[Column, ...], file: str,
               problems: list[Problem], other_ids: frozenset[str] | set[str] = frozenset()) -> dict:
    """Every layout column the table has, parsed (see :func:`check_column`). ``other_ids``:
    the identifiers of the files read with this one (the other extract's, the other returns'),
    never quoted in a message either."""
    quoter = _Quoter(id_values(df, layout), other_ids)
    out = {}
    for col in layout:
        if col.name in df.columns:
            out[col.name] = check_column(df, col, file, problems, quoter)
    return out


