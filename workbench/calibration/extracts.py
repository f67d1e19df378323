"""The two extracts a council brings to calibration, their layouts, and their validation.

Two CSV files (layouts documented in ``docs/calibration.md``, generated from :data:`CASE_COLUMNS`
and :data:`WORKFORCE_COLUMNS` below, which are the single source of truth):

``cases.csv``
    One row per child per referral (a children in need episode), with the dates of what happened
    to the child in that episode: the children in need census fields (``CINreferralDate``,
    ``ReferralNFA``, ``AssessmentActualStartDate``, ``AssessmentAuthorisationDate``,
    ``S47ActualStartDate``, ``DateOfInitialCPC``, ``CINPlanStartDate``, ``CPPstartDate``...), the
    start and end of a period of care (SSDA903 ``DECOM`` / ``DEC``), and the allocated team and
    worker of the Ofsted Annex A lists. A second CIN plan, CP plan, s47 enquiry or period of care
    in the same episode goes on a continuation row that repeats ``LAchildID`` and
    ``CINreferralDate`` (the census's repeating modules, flattened).

``workforce.csv``
    One row per social worker in post at any time in the window, after the social work
    workforce census (``AgencyWorker``, ``FTE``, ``OrgRole``, ``RoleStartDate``, ``RoleEndDate``,
    ``ReasonLeave``, ``Cases30``, ``WorkingDaysLost``).

Validation lists every problem at once, each with its file, row and column, and loads nothing
unless the files are clean: :func:`read_extracts` either returns both extracts or raises one
:class:`ExtractError`. Row numbers are spreadsheet rows (the header is row 1).

Child identifiers never leave this module: they are replaced by integer codes as the extract is
read, and no message quotes one (messages name rows, never identifiers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..cli import UserError
from ..scenario import WORKER_TYPES

# dates are held as float day numbers (days since 1970-01-01), NaN when missing
EPOCH = np.datetime64("1970-01-01", "D")
MAX_SHOWN = 400   # problems written into an exception message (all are kept in .problems)


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
        lines = [f"{len(self.problems)} problem(s) in the extract(s) {', '.join(files)}; "
                 "nothing was loaded:"]
        for p in self.problems[:MAX_SHOWN]:
            lines.append(f"  - {p}")
        if len(self.problems) > MAX_SHOWN:
            rest = self.problems[MAX_SHOWN:]
            by_col: dict[str, int] = {}
            for p in rest:
                by_col[f"{p.file} {p.column or ''}".strip()] = by_col.get(
                    f"{p.file} {p.column or ''}".strip(), 0) + 1
            summary = ", ".join(f"{k}: {v}" for k, v in sorted(by_col.items()))
            lines.append(f"  ... and {len(rest)} more ({summary}); see ExtractError.problems")
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of an extract layout.

    ``required``: the column must be present; ``values``: every row must give a value ("all"),
    or only some rows ("some"). ``kind``: id, text, date, flag (yes/no), int, number, code.
    """

    name: str
    kind: str
    required: bool
    meaning: str
    standard: str
    values: str = "some"
    codes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True

    @property
    def type_label(self) -> str:
        return {"id": "text (identifier)", "text": "text", "date": "date (YYYY-MM-DD or DD/MM/YYYY)",
                "flag": "flag (1/0, Y/N, true/false)", "int": "whole number",
                "number": "number", "code": "code"}[self.kind]


CLOSURE_REASONS = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9")
LEAVE_REASONS = ("RES", "RET", "DIS", "RED", "END", "CON", "TRN", "OTH", "UNK")
ORG_ROLES = ("1", "2", "3", "4", "5", "6")
CASE_HOLDER_ROLE = 5  # domain.md: OrgRole 5 = case holder

CASE_COLUMNS: tuple[Column, ...] = (
    Column("LAchildID", "id", True, "The child's identifier in the council's system. Never "
           "copied into any output.", "CIN census LAchildID; Annex A child ID", values="all",
           aliases=("ChildID", "child_id", "CHILD")),
    Column("CINreferralDate", "date", True, "Date of the referral that opened this episode. "
           "With LAchildID it identifies the episode.", "CIN census CINreferralDate; Annex A "
           "list 3 date of referral", values="all", aliases=("ReferralDate",)),
    Column("ReferralNFA", "flag", True, "1 if the referral was closed with no further action at "
           "the front door (no assessment). Give it on at least one row of the episode.",
           "CIN census ReferralNFA; Annex A list 3 NFA flag"),
    Column("AssessmentActualStartDate", "date", False, "Start of the single assessment.",
           "CIN census AssessmentActualStartDate; Annex A list 4"),
    Column("AssessmentAuthorisationDate", "date", False, "Date the assessment was completed "
           "(authorised). Blank while the assessment is open.",
           "CIN census AssessmentAuthorisationDate; Annex A list 4"),
    Column("S47ActualStartDate", "date", False, "Start of the section 47 enquiry (strategy "
           "discussion).", "CIN census S47ActualStartDate; Annex A list 5"),
    Column("S47EndDate", "date", False, "Date the s47 enquiry's outcome was decided. Optional: "
           "when missing, the enquiry is taken to end when the next step starts.",
           "local field (no census equivalent)"),
    Column("DateOfInitialCPC", "date", False, "Date of the initial child protection conference.",
           "CIN census DateOfInitialCPC; Annex A list 5"),
    Column("CINPlanStartDate", "date", False, "Start of a child in need plan.",
           "CIN census CINPlanStartDate; Annex A list 6"),
    Column("CINPlanEndDate", "date", False, "End of the child in need plan. Blank while open.",
           "CIN census CINPlanEndDate; Annex A list 6"),
    Column("CINPlanDisability", "flag", False, "1 if the CIN plan on this row is held by a "
           "disability team (the model's cin_disability stage). Blank means 0.",
           "local field (the census records Disabilities codes, not the team)"),
    Column("CPPstartDate", "date", False, "Start of a child protection plan.",
           "CIN census CPPstartDate; Annex A list 7"),
    Column("CPPendDate", "date", False, "End of the child protection plan. Blank while open.",
           "CIN census CPPendDate; Annex A list 7"),
    Column("CourtStartDate", "date", False, "Start of pre-proceedings (PLO letter before "
           "proceedings) or, without them, of care proceedings.",
           "local field (Annex A list 8 records legal status only)"),
    Column("CourtEndDate", "date", False, "End of pre-proceedings and proceedings. Blank while "
           "open.", "local field"),
    Column("PeriodOfCareStartDate", "date", False, "Start of a period of care (the DECOM of its "
           "first SSDA903 episode; do not split a period of care at placement changes).",
           "SSDA903 DECOM; Annex A list 8 date started to be looked after",
           aliases=("DECOM",)),
    Column("PeriodOfCareEndDate", "date", False, "End of the period of care (the DEC of its last "
           "episode). Blank while looked after.", "SSDA903 DEC; Annex A list 8 date ceased",
           aliases=("DEC",)),
    Column("CareLeaverStartDate", "date", False, "Start of support from the young people's "
           "(leaving care) service.", "local field"),
    Column("CareLeaverEndDate", "date", False, "End of leaving-care support. Blank while open.",
           "local field"),
    Column("CINclosureDate", "date", False, "Date the episode closed. Blank while open.",
           "CIN census CINclosureDate; Annex A list 6 closure date"),
    Column("ReasonForClosure", "code", False, "Why the episode closed (RC1-RC9 as in the CIN "
           "census; e.g. RC8 closed after assessment, no further action).",
           "CIN census ReasonForClosure", codes=CLOSURE_REASONS),
    Column("Team", "text", False, "Team holding the case at closure or at the extract date "
           "(ideally the scenario's team names).", "Annex A allocated team"),
    Column("AllocatedWorker", "id", False, "Worker holding the case at closure or at the "
           "extract date (the roster's WorkerID); blank if unallocated.",
           "Annex A allocated worker"),
)

WORKFORCE_COLUMNS: tuple[Column, ...] = (
    Column("WorkerID", "id", True, "The worker's identifier (unique per row).",
           "workforce census SWENo (Social Work England number) or staff ID", values="all",
           aliases=("SWENo", "StaffID")),
    Column("AgencyWorker", "flag", True, "1 for an agency worker, 0 for an employee.",
           "workforce census AgencyWorker", values="all"),
    Column("FTE", "number", True, "Full-time equivalent (above 0, at most 1).",
           "workforce census FTE (FTE30)", values="all", low=0.0, high=1.0,
           low_inclusive=False, aliases=("FTE30",)),
    Column("OrgRole", "code", True, "Organisational role, 1-6 as in the census; 5 = case "
           "holder. Caseload figures use case holders only.", "workforce census OrgRole",
           values="all", codes=ORG_ROLES),
    Column("RoleStartDate", "date", True, "First day in this role.",
           "workforce census RoleStartDate", values="all"),
    Column("RoleEndDate", "date", False, "Leaving date. Blank while in post.",
           "workforce census RoleEndDate"),
    Column("ReasonLeave", "code", False, "Why the worker left: RES resigned, RET retired, DIS "
           "dismissed, RED redundancy, END end of agency assignment or contract, CON agency worker "
           "took a permanent post here (she starts a new row), TRN moved to a "
           "non-social-work role in the council, OTH other, UNK not known. Recode the census "
           "ReasonLeave values to these.", "workforce census ReasonLeave (recoded)",
           codes=LEAVE_REASONS),
    Column("Cases30", "int", False, "Cases held at the census date (the extract date).",
           "workforce census Cases30", low=0),
    Column("WorkingDaysLost", "number", False, "Working days lost to sickness absence in the "
           "12 months to the census date.", "workforce census WorkingDaysLost", low=0),
    Column("Team", "text", False, "Team (ideally the scenario's team names): needed for staff "
           "in post by team and for the gap between a leaver and the next starter.",
           "local field"),
    Column("WorkerType", "code", False, "How the worker started in this role, in the model's "
           "types: experienced, nqsw (newly qualified, in the ASYE year), academy (academy "
           "trainee) or agency. NQSWs and trainees are taken to become experienced after their "
           "first year. When missing: agency if AgencyWorker is 1, else experienced.",
           "local field (the census has no NQSW/academy flag)", codes=WORKER_TYPES),
)

# stage instances: (stage, start column, end column); icpc is a point event (its date ends it)
STAGE_COLUMNS = (
    ("assessment", "AssessmentActualStartDate", "AssessmentAuthorisationDate"),
    ("s47", "S47ActualStartDate", "S47EndDate"),
    ("icpc", None, "DateOfInitialCPC"),
    ("cin", "CINPlanStartDate", "CINPlanEndDate"),
    ("cp", "CPPstartDate", "CPPendDate"),
    ("court", "CourtStartDate", "CourtEndDate"),
    ("lac", "PeriodOfCareStartDate", "PeriodOfCareEndDate"),
    ("care_leaver", "CareLeaverStartDate", "CareLeaverEndDate"),
)
PLAN_STAGE_COLUMNS = {"cin", "cp", "court", "lac", "care_leaver"}
EPISODE_FIELDS = ("ReferralNFA", "CINclosureDate", "ReasonForClosure", "Team", "AllocatedWorker")

_TRUE = {"1", "true", "t", "y", "yes"}
_FALSE = {"0", "false", "f", "n", "no"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S",
                 "%Y-%m-%dT%H:%M:%S")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


# --------------------------------------------------------------------------------------------
# Loaded extracts (pseudonymised: integer codes only)
# --------------------------------------------------------------------------------------------

@dataclass
class CaseData:
    """The cases extract, validated and pseudonymised.

    ``episodes``: one row per referral episode: ``episode``, ``child`` (integer code), ``referral``,
    ``nfa``, ``closure``, ``reason``, ``team``, ``allocated`` (a worker was named).
    ``stages``: one row per stage instance: ``episode``, ``stage``, ``start``, ``end``.
    Dates are day numbers (see :func:`day_number`); NaN when missing.
    """

    episodes: pd.DataFrame
    stages: pd.DataFrame
    source: str = "cases"
    columns: frozenset = frozenset()

    @property
    def last_date(self) -> float:
        vals = [self.episodes.referral.max(), self.episodes.closure.max(),
                self.stages.start.max(), self.stages.end.max()]
        vals = [v for v in vals if v == v]
        return float(max(vals)) if vals else float("nan")


@dataclass
class Roster:
    """The workforce extract, validated and pseudonymised: one row per worker.

    Columns: ``worker`` (integer code), ``agency``, ``fte``, ``role``, ``start``, ``end``,
    ``reason``, ``cases30``, ``days_lost``, ``team``, ``type``.
    """

    workers: pd.DataFrame
    source: str = "workforce"
    columns: frozenset = frozenset()

    @property
    def last_date(self) -> float:
        vals = [self.workers.start.max(), self.workers.end.max()]
        vals = [v for v in vals if v == v]
        return float(max(vals)) if vals else float("nan")


# --------------------------------------------------------------------------------------------
# Reading and checking cells
# --------------------------------------------------------------------------------------------

def _read_csv(path: str | Path, problems: list[Problem]) -> pd.DataFrame | None:
    p = Path(path)
    name = p.name
    if not p.exists():
        problems.append(Problem(name, f"file not found ({p})"))
        return None
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig",
                         skipinitialspace=True)
    except pd.errors.EmptyDataError:
        problems.append(Problem(name, "the file is empty (expected a header row of column names)"))
        return None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, f"not a readable CSV file: {str(exc).splitlines()[0]}"))
        return None
    if len(df) == 0:
        problems.append(Problem(name, "the file has a header but no rows"))
        return None
    return df


def _match_columns(df: pd.DataFrame, layout: tuple[Column, ...], file: str,
                   problems: list[Problem]) -> pd.DataFrame:
    """Rename the file's headers to the layout's names (case and punctuation ignored, aliases
    accepted); report missing required columns and columns given twice."""
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
    out = df[list(rename)].rename(columns=rename)
    for col in layout:
        if col.required and col.name not in out.columns:
            also = f" (also accepted: {', '.join(col.aliases)})" if col.aliases else ""
            problems.append(Problem(file, f"required column is missing{also}", column=col.name))
    return out


def _parse_dates(s: pd.Series) -> np.ndarray:
    """Day numbers (NaN where blank or unparseable)."""
    out = np.full(len(s), np.nan)
    text = s.str.strip()
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


def _check_column(df: pd.DataFrame, col: Column, file: str, problems: list[Problem]) -> np.ndarray | list:
    """Parse one column, reporting blank-where-required, unparseable and out-of-range cells.
    Returns parsed values (floats with NaN for dates and numbers; strings for codes and text)."""
    raw = df[col.name].astype(str).str.strip()
    blank = (raw == "").to_numpy()
    rows = np.arange(len(df)) + 2
    if col.values == "all":
        for r in rows[blank]:
            problems.append(Problem(file, "a value is required", int(r), col.name))
    if col.kind == "date":
        vals = _parse_dates(raw)
        bad = (~blank) & np.isnan(vals)
        for i in np.flatnonzero(bad):
            problems.append(Problem(file, f"'{raw.iat[i]}' is not a date (expected YYYY-MM-DD or "
                                          "DD/MM/YYYY)", int(rows[i]), col.name))
        return vals
    if col.kind == "flag":
        low = raw.str.lower()
        vals = np.where(low.isin(_TRUE), 1.0, np.where(low.isin(_FALSE), 0.0, np.nan))
        bad = (~blank) & np.isnan(vals)
        for i in np.flatnonzero(bad):
            problems.append(Problem(file, f"'{raw.iat[i]}' is not a yes/no flag (expected 1 or 0, "
                                          "Y or N, true or false)", int(rows[i]), col.name))
        return vals
    if col.kind in ("int", "number"):
        vals = pd.to_numeric(raw.where(~blank, None), errors="coerce").to_numpy(dtype=float)
        for i in np.flatnonzero((~blank) & np.isnan(vals)):
            what = "a whole number" if col.kind == "int" else "a number"
            problems.append(Problem(file, f"'{raw.iat[i]}' is not {what}", int(rows[i]), col.name))
        ok = ~np.isnan(vals)
        if col.kind == "int":
            for i in np.flatnonzero(ok & (vals != np.round(vals))):
                problems.append(Problem(file, f"'{raw.iat[i]}' is not a whole number",
                                        int(rows[i]), col.name))
        if col.low is not None:
            under = ok & ((vals < col.low) if col.low_inclusive else (vals <= col.low))
            for i in np.flatnonzero(under):
                rel = "at least" if col.low_inclusive else "above"
                problems.append(Problem(file, f"{raw.iat[i]} is out of range (must be {rel} "
                                              f"{col.low:g})", int(rows[i]), col.name))
        if col.high is not None:
            for i in np.flatnonzero(ok & (vals > col.high)):
                problems.append(Problem(file, f"{raw.iat[i]} is out of range (must be at most "
                                              f"{col.high:g})", int(rows[i]), col.name))
        return vals
    if col.kind == "code":
        canon = {c.lower(): c for c in col.codes}
        low = raw.str.lower()
        known = low.isin(list(canon)).to_numpy()
        for i in np.flatnonzero((~blank) & (~known)):
            problems.append(Problem(file, f"unknown code '{raw.iat[i]}' (expected one of "
                                          f"{', '.join(col.codes)})", int(rows[i]), col.name))
        return [canon.get(v, "") for v in low.tolist()]
    return raw.tolist()  # id, text


def _parse_all(df: pd.DataFrame, layout: tuple[Column, ...], file: str,
               problems: list[Problem]) -> dict:
    out = {}
    for col in layout:
        if col.name in df.columns:
            out[col.name] = _check_column(df, col, file, problems)
    return out


# --------------------------------------------------------------------------------------------
# cases.csv
# --------------------------------------------------------------------------------------------

def validate_cases_frame(df: pd.DataFrame, file: str = "cases.csv",
                         problems: list[Problem] | None = None) -> CaseData | None:
    """Check a cases table (all cells as text) and build :class:`CaseData`.

    Problems are appended to ``problems`` when given (then None is returned if any were found);
    otherwise :class:`ExtractError` is raised.
    """
    own = problems is None
    problems = [] if own else problems
    n0 = len(problems)
    df = _match_columns(df.astype(str), CASE_COLUMNS, file, problems)
    if "LAchildID" not in df.columns or "CINreferralDate" not in df.columns:
        # without the episode key nothing else can be checked beyond the cells
        _parse_all(df, CASE_COLUMNS, file, problems)
        if own:
            raise ExtractError(problems)
        return None
    v = _parse_all(df, CASE_COLUMNS, file, problems)
    n = len(df)
    rows = np.arange(n) + 2
    nan = np.full(n, np.nan)
    get = lambda name: v.get(name, nan)  # noqa: E731

    ref = get("CINreferralDate")
    closure = get("CINclosureDate")
    nfa = get("ReferralNFA")

    def report(mask, column, message):
        for i in np.flatnonzero(mask):
            msg = message(i) if callable(message) else message
            problems.append(Problem(file, msg, int(rows[i]), column))

    # dates in order within a row
    any_stage = np.zeros(n, dtype=bool)
    for stage, c0, c1 in STAGE_COLUMNS:
        s = get(c0) if c0 else nan
        e = get(c1)
        if c0:
            any_stage |= ~np.isnan(s)
            report(~np.isnan(e) & ~np.isnan(s) & (e < s), c1, f"ends before it starts ({c0})")
            start_blank = ((df[c0].str.strip() == "").to_numpy() if c0 in df.columns
                           else np.ones(n, dtype=bool))
            report(~np.isnan(e) & start_blank, c1,
                   f"an end date without a start date ({c0} is blank or missing)")
            report(~np.isnan(s) & ~np.isnan(ref) & (s < ref), c0,
                   "starts before the referral (CINreferralDate)")
        any_stage |= ~np.isnan(e)
        for c in (c0, c1):
            if c:
                x = get(c)
                report(~np.isnan(x) & ~np.isnan(closure) & (x > closure), c,
                       "after the episode closed (CINclosureDate)")
        if stage in PLAN_STAGE_COLUMNS:
            report(~np.isnan(s) & np.isnan(e) & ~np.isnan(closure), c1,
                   "blank although the episode closed (CINclosureDate): give the plan's end date")
    if "DateOfInitialCPC" in df.columns and "S47ActualStartDate" in df.columns:
        icpc, s47 = get("DateOfInitialCPC"), get("S47ActualStartDate")
        report(~np.isnan(icpc) & ~np.isnan(s47) & (icpc < s47), "DateOfInitialCPC",
               "before the s47 enquiry started (S47ActualStartDate)")
    report(~np.isnan(closure) & ~np.isnan(ref) & (closure < ref), "CINclosureDate",
           "before the referral (CINreferralDate)")
    report((nfa == 1) & any_stage, "ReferralNFA",
           "the referral is marked no further action but the row has assessment or plan dates")
    if "CINPlanDisability" in df.columns:
        report((get("CINPlanDisability") == 1) & np.isnan(get("CINPlanStartDate")),
               "CINPlanDisability", "set on a row without a CIN plan (CINPlanStartDate is blank)")

    # episodes: rows sharing LAchildID and CINreferralDate
    ids = pd.Series(v["LAchildID"], dtype=object)
    keyable = (ids.str.len() > 0).to_numpy() & ~np.isnan(ref)
    key = pd.DataFrame({"id": ids, "ref": ref})
    ep = np.full(n, -1, dtype=np.int64)
    if keyable.any():
        codes, _ = pd.factorize(pd.MultiIndex.from_frame(key[keyable]))
        ep[keyable] = codes
    # exact duplicate rows
    dup = df.duplicated(keep="first").to_numpy()
    if dup.any():
        first = {}
        for i, t in enumerate(map(tuple, df.itertuples(index=False, name=None))):
            if dup[i]:
                problems.append(Problem(file, f"duplicate row (the same as row {first[t]})",
                                        int(rows[i]), "LAchildID"))
            else:
                first.setdefault(t, int(rows[i]))
    # episode-level fields must agree across an episode's rows
    ep_vals: dict[str, np.ndarray | list] = {}
    for fname in EPISODE_FIELDS:
        if fname not in v:
            continue
        vals = v[fname]
        arr = np.asarray(vals, dtype=object if not isinstance(vals, np.ndarray) else float)
        blank = (arr != arr) if arr.dtype == float else (arr == "")
        seen: dict[int, tuple[object, int]] = {}
        for i in np.flatnonzero(~blank & (ep >= 0) & ~dup):
            e = ep[i]
            if e in seen and seen[e][0] != arr[i]:
                problems.append(Problem(file, f"disagrees with row {seen[e][1]} of the same episode "
                                              "(same LAchildID and CINreferralDate)",
                                        int(rows[i]), fname))
            else:
                seen.setdefault(e, (arr[i], int(rows[i])))
        ep_vals[fname] = seen
    n_ep = int(ep.max()) + 1 if (ep >= 0).any() else 0
    if "ReferralNFA" in v:
        have = ep_vals.get("ReferralNFA", {})
        missing_rows = {}
        for i in np.flatnonzero(ep >= 0):
            if ep[i] not in have:
                missing_rows.setdefault(ep[i], int(rows[i]))
        for e, r in missing_rows.items():
            problems.append(Problem(file, "no row of this episode says whether the referral was "
                                          "no further action (1 or 0)", r, "ReferralNFA"))
    # a referral marked NFA must have no stage on any row of the episode
    if "ReferralNFA" in ep_vals:
        nfa_eps = {e for e, (val, _) in ep_vals["ReferralNFA"].items() if val == 1}
        for i in np.flatnonzero(any_stage & (nfa != 1)):
            if ep[i] in nfa_eps:
                problems.append(Problem(file, "this episode's referral is marked no further action "
                                              "(on another row) but this row has stage dates",
                                        int(rows[i]), "ReferralNFA"))

    # stage instances
    inst = []
    for stage, c0, c1 in STAGE_COLUMNS:
        s = get(c0) if c0 else nan
        e = get(c1)
        has = ~np.isnan(e) if c0 is None else ~np.isnan(s)
        st = np.full(n, stage, dtype=object)
        if stage == "cin" and "CINPlanDisability" in v:
            st = np.where(get("CINPlanDisability") == 1, "cin_disability", st)
        for i in np.flatnonzero(has & (ep >= 0) & ~dup):
            inst.append((int(ep[i]), st[i], s[i], e[i], int(rows[i]), c1 if c0 is None else c0, c1))
    stages = pd.DataFrame(inst, columns=["episode", "stage", "start", "end", "row", "c0", "c1"])
    if len(stages):
        # the same instance on several rows is merged; the same start with different ends conflicts
        key_start = stages.start.where(stages.start.notna(), stages.end)
        stages["_k"] = key_start
        stages = stages.drop_duplicates(["episode", "stage", "start", "end"])
        clash = stages.duplicated(["episode", "stage", "_k"], keep=False)
        if clash.any():
            for _, grp in stages[clash].groupby(["episode", "stage", "_k"], sort=False):
                first = grp.iloc[0]
                for _, r in grp.iloc[1:].iterrows():
                    problems.append(Problem(
                        file, f"the same {r.stage} (same start date) as row {first.row} with a "
                              "different end date", int(r.row), r.c1))
        stages = stages.drop(columns=["_k"])

    if len(problems) > n0:
        if own:
            raise ExtractError(problems)
        return None

    # build episodes (first non-blank value of each episode-level field)
    first_row = pd.Series(np.arange(n)).groupby(ep).min()
    epi = pd.DataFrame({"episode": np.arange(n_ep)})
    idx = first_row.reindex(np.arange(n_ep)).to_numpy()
    child_codes, _ = pd.factorize(ids)
    epi["child"] = child_codes[idx]
    epi["referral"] = ref[idx]

    def field_of(fname, default):
        seen = ep_vals.get(fname, {})
        return [seen[e][0] if e in seen else default for e in range(n_ep)]

    epi["nfa"] = np.asarray(field_of("ReferralNFA", 0.0), dtype=float) == 1
    epi["closure"] = np.asarray(field_of("CINclosureDate", np.nan), dtype=float)
    epi["reason"] = field_of("ReasonForClosure", "")
    epi["team"] = field_of("Team", "")
    epi["allocated"] = [bool(x) for x in field_of("AllocatedWorker", "")]
    stages = stages[["episode", "stage", "start", "end"]].reset_index(drop=True)
    return CaseData(episodes=epi, stages=stages, source=file, columns=frozenset(df.columns))


# --------------------------------------------------------------------------------------------
# workforce.csv
# --------------------------------------------------------------------------------------------

def validate_workforce_frame(df: pd.DataFrame, file: str = "workforce.csv",
                             problems: list[Problem] | None = None) -> Roster | None:
    """Check a workforce table (all cells as text) and build :class:`Roster` (see
    :func:`validate_cases_frame` for how problems are returned)."""
    own = problems is None
    problems = [] if own else problems
    n0 = len(problems)
    df = _match_columns(df.astype(str), WORKFORCE_COLUMNS, file, problems)
    v = _parse_all(df, WORKFORCE_COLUMNS, file, problems)
    n = len(df)
    rows = np.arange(n) + 2
    nan = np.full(n, np.nan)
    get = lambda name: v.get(name, nan)  # noqa: E731
    start, end = get("RoleStartDate"), get("RoleEndDate")
    for i in np.flatnonzero(~np.isnan(start) & ~np.isnan(end) & (end < start)):
        problems.append(Problem(file, "ends before it starts (RoleStartDate)", int(rows[i]), "RoleEndDate"))
    if "ReasonLeave" in v:
        reason = np.asarray(v["ReasonLeave"], dtype=object)
        for i in np.flatnonzero((reason != "") & np.isnan(end)):
            problems.append(Problem(file, "a reason for leaving without a leaving date (RoleEndDate "
                                          "is blank)", int(rows[i]), "ReasonLeave"))
    if "WorkerID" in v:
        ids = pd.Series(v["WorkerID"], dtype=object)
        dup = ids.duplicated(keep="first") & (ids != "")
        first = {}
        for i, x in enumerate(ids.tolist()):
            if dup.iat[i]:
                problems.append(Problem(file, f"duplicate WorkerID (the same as row {first[x]})",
                                        int(rows[i]), "WorkerID"))
            else:
                first.setdefault(x, int(rows[i]))
    agency = get("AgencyWorker")
    if "WorkerType" in v:
        wt = np.asarray(v["WorkerType"], dtype=object)
        for i in np.flatnonzero(((wt == "agency") & (agency == 0)) | ((wt != "agency") & (wt != "") & (agency == 1))):
            problems.append(Problem(file, f"'{wt[i]}' disagrees with AgencyWorker "
                                          f"({int(agency[i])})", int(rows[i]), "WorkerType"))
    if len(problems) > n0:
        if own:
            raise ExtractError(problems)
        return None
    codes, _ = pd.factorize(pd.Series(v["WorkerID"], dtype=object))
    wtype = np.where(agency == 1, "agency", "experienced").astype(object)
    if "WorkerType" in v:
        given = np.asarray(v["WorkerType"], dtype=object)
        wtype = np.where(given != "", given, wtype)
    workers = pd.DataFrame({
        "worker": codes,
        "agency": agency == 1,
        "fte": get("FTE"),
        "role": np.asarray([int(x) for x in v["OrgRole"]], dtype=int),
        "start": start,
        "end": end,
        "reason": v.get("ReasonLeave", [""] * n),
        "cases30": get("Cases30"),
        "days_lost": get("WorkingDaysLost"),
        "team": v.get("Team", [""] * n),
        "type": wtype,
    })
    return Roster(workers=workers, source=file, columns=frozenset(df.columns))


def read_extracts(cases: str | Path, workforce: str | Path) -> tuple[CaseData, Roster]:
    """Read and validate both extracts; all problems in both files in one :class:`ExtractError`."""
    problems: list[Problem] = []
    cdf = _read_csv(cases, problems)
    wdf = _read_csv(workforce, problems)
    cd = validate_cases_frame(cdf, Path(cases).name, problems) if cdf is not None else None
    ro = validate_workforce_frame(wdf, Path(workforce).name, problems) if wdf is not None else None
    if problems:
        raise ExtractError(problems)
    return cd, ro


def read_cases(path: str | Path) -> CaseData:
    problems: list[Problem] = []
    df = _read_csv(path, problems)
    cd = validate_cases_frame(df, Path(path).name, problems) if df is not None else None
    if problems:
        raise ExtractError(problems)
    return cd


def read_workforce(path: str | Path) -> Roster:
    problems: list[Problem] = []
    df = _read_csv(path, problems)
    ro = validate_workforce_frame(df, Path(path).name, problems) if df is not None else None
    if problems:
        raise ExtractError(problems)
    return ro


# --------------------------------------------------------------------------------------------
# Documentation
# --------------------------------------------------------------------------------------------

def layout_markdown(layout: tuple[Column, ...]) -> str:
    """The layout as a Markdown table (column, type, required, meaning, standard field)."""
    lines = ["| column | type | required | meaning | mirrors |", "|---|---|---|---|---|"]
    for c in layout:
        req = "yes, every row" if c.values == "all" else ("yes (column)" if c.required else "no")
        typ = c.type_label
        if c.codes:
            typ += ": " + ", ".join(c.codes)
        alias = f" Also accepted as: {', '.join(c.aliases)}." if c.aliases else ""
        lines.append(f"| `{c.name}` | {typ} | {req} | {c.meaning}{alias} | {c.standard} |")
    return "\n".join(lines)
