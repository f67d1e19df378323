"""The children's social work workforce census: one record per worker, as CSV or DfE's XML.

Fields (DfE's names): ``SWENo`` (or a local ``WorkerID``/``StaffID``), ``AgencyWorker``, ``FTE``
(or ``FTE30``), ``OrgRole`` (5 = case holder), ``RoleStartDate``, ``RoleEndDate``,
``ReasonLeave`` (DfE's codes 1 to 10, read as the roster's RES, RED ...: :data:`REASON_CODES`),
``Cases30``, ``WorkingDaysLost``; and two local fields the census lacks but the
model uses when given: ``Team`` and ``WorkerType``. In XML each worker is a ``CSWWWorker``
element. The census is taken at 30 September; several years combine into one roster (a worker
is one role: ``SWENo`` + ``RoleStartDate``; the latest census wins, and ``Cases30`` is kept from
the latest census only: earlier ones counted cases at other dates). Each census's own ``Cases30``
and ``WorkingDaysLost`` are kept as well, one row a worker a census (:func:`census_panel`): the
pressure responses are fitted from them (:mod:`~workbench.calibration.derive_pressure`).
"""

from __future__ import annotations

import math

import pandas as pd

from ..extracts.cells import range_problem
from ..extracts.layouts import WORKFORCE_COLUMNS
from .common import (Origin, ReturnProblem, ReturnRecords, WorkerRecord, authority_code,
                     either_way_note, parse_date, problem_at, rows_of)
from .ssda903 import no_year, year_said

# the census's names (and common variants) -> the roster's column
ALIASES = {"swe no": "WorkerID", "sweno": "WorkerID", "workerid": "WorkerID", "staffid": "WorkerID",
           "fte30": "FTE"}
for _c in WORKFORCE_COLUMNS:
    ALIASES.setdefault(_c.name.lower(), _c.name)
# census ReasonLeave values written out in words by some systems -> the roster's codes
REASON_WORDS = {"resignation": "RES", "resigned": "RES", "retirement": "RET", "retired": "RET",
                "dismissal": "DIS", "dismissed": "DIS", "redundancy": "RED",
                "end of contract": "END", "end of assignment": "END", "other": "OTH",
                "unknown": "UNK", "not known": "UNK"}
#: DfE's own ReasonLeave codes (the census's XML schema, social_work_workforce_2022.xsd, type
#: reasontype, as Social Finance's liia-tools holds it) -> the roster's: a census as DfE's
#: specification writes it was refused ("unknown code '1'; expected one of RES, ..."). 6
#: (deceased) is other; 7 (moved to a non-child-and-family social work role in the council) is
#: TRN; 10 (not yet collected) is not known.
REASON_CODES = {"1": "RES", "2": "RED", "3": "RED", "4": "DIS", "5": "RET", "6": "OTH",
                "7": "TRN", "8": "OTH", "9": "UNK", "10": "UNK"}
#: DfE's census has two FTE items (its schema, social_work_workforce_2022.xsd, has both ``FTE``
#: and ``FTE30``); its guide ("Children's social work workforce census, year ending 30 September
#: 2024", section 3) gives FTE30 as the FTE "as at 30 September", the census date, as Cases30 is
#: the cases held then. Where the two differ the FTE30 is read (before: the census was refused).
FTE_SAID = ("FTE30 was read, DfE's FTE as at 30 September (the census date: its guide, section "
            "3), not FTE")


def fte_note(name: str, rows) -> str:
    """A note naming which FTE was read when a census gives FTE and FTE30 that differ for some
    workers (``rows``: (FTE, FTE30) text pairs); empty when they never differ."""
    differ = sum(1 for a, b in rows if not _alike(a, b) and not _zero(b))
    if not differ:
        return ""
    return (f"{name}: FTE and FTE30 differ for {differ} of {len(rows)} worker(s): {FTE_SAID}; "
            "where FTE30 is blank or 0, FTE was read")


def _zero(text) -> bool:
    """A cell that is the number 0 ("0", "0.000000")."""
    try:
        return float(str(text).strip()) == 0
    except ValueError:
        return False


#: The columns each census must have: the roster's required columns (a census without FTE
#: was said as one bad cell, its other rows quietly taking FTE from an earlier census)
CORE = {c.name for c in WORKFORCE_COLUMNS if c.required}
#: The census's optional fields (Team and WorkerType are local fields, see below)
_LOCAL = {"Team", "WorkerType"}
#: A local authority code column some systems add to the census (its header carries the LEA in
#: DfE's XML): every return of a folder must be of one authority
LA_COLUMNS = {"la", "lea", "lacode", "la code", "leacode", "lea code", "localauthority",
              "localauthoritycode", "local authority", "local authority code", "lanumber"}


def _key(h: str) -> str:
    return str(h).strip().lower().replace("_", "")


def is_workforce_columns(columns) -> bool:
    cols = {ALIASES.get(_key(c)) for c in columns}
    # two of the census's worker fields mark it (a missing one is then reported)
    return len(cols & {"AgencyWorker", "OrgRole", "RoleStartDate", "Cases30"}) >= 2


def _record(values: dict, origin: Origin, year: int) -> WorkerRecord:
    row = {}
    at30 = False           # the FTE read is the FTE30 (the census date's, see FTE_SAID)
    for k, v in values.items():
        col = ALIASES.get(_key(k))
        if col is None:
            continue
        v = "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()
        if not v and row.get(col):
            continue      # FTE30 left blank after a given FTE (DfE's schema has both)
        if col == "FTE" and at30:
            continue      # an FTE after the FTE30: the FTE30 is the census date's
        if col == "FTE" and _key(k) == "fte30" and _zero(v):
            # an FTE30 of 0 (a worker not in post at 30 September, a leaver) beside an FTE:
            # the FTE is read (the 0 was refused as 'FTE out of range', the FTE given lost)
            if not row.get(col):
                row[col] = v
            continue
        if col == "FTE" and v and _key(k) == "fte30":
            at30 = True
        if col == "ReasonLeave" and v.lower() in REASON_WORDS:
            v = REASON_WORDS[v.lower()]
        elif col == "ReasonLeave":
            v = REASON_CODES.get(v[:-2] if v.endswith(".0") else v, v)
        row[col] = v
    fields = tuple((ALIASES.get(_key(k)), k) for k in values if ALIASES.get(_key(k)))
    return WorkerRecord(row, Origin(origin.file, origin.row, origin.element, fields), year)


def read_workforce_frame(df: pd.DataFrame, name: str, problems: list, year: int) -> ReturnRecords:
    """Workers from a CSV (or sheet) of the census, cells as text."""
    out = ReturnRecords("workforce", name, year)
    cols = {ALIASES.get(_key(c)) for c in df.columns}
    out.columns = cols - {None}
    gone = sorted(CORE - cols)
    for c in gone:
        alias = " (SWENo)" if c == "WorkerID" else ""
        problems.append(ReturnProblem(name, f"required column is missing{alias}", None, c))
    if not year:
        # each census's Cases30 and WorkingDaysLost are dated by its year (the pressure fit), and
        # the latest census's caseloads are the caseloads
        problems.append(ReturnProblem(name, no_year(name, "census year",
                                                    "workforce_census_2023.csv, or "
                                                    "2023/workforce_census.csv, for the census "
                                                    "of September 2023",
                                                    "each year's census is dated by it")))
    twice = _read_twice(df.columns, name, problems, df)
    if gone or not year or twice:
        return out
    _authority(out, df, problems)
    note = either_way_note(name, {c: df[c] for c in df.columns
                                  if ALIASES.get(_key(c)) in ("RoleStartDate", "RoleEndDate")})
    if note:
        out.notes.append(note)
    for i, rec in zip(rows_of(df), df.to_dict("records")):
        out.workers.append(_record(rec, Origin(name, i), year))
    both = {_key(c): c for c in df.columns if _key(c) in ("fte", "fte30")}
    if len(both) == 2:
        note = fte_note(name, list(zip(df[both["fte"]], df[both["fte30"]])))
        if note:
            out.notes.append(note)
    _after_the_census(out.workers, year, problems, year_said(name, year).said)
    _earlier_census(out, year_said(name, year).said)
    return out


def _earlier_census(out: ReturnRecords, said: str) -> None:
    """A note when no role of a census of five workers or more starts or ends within the two
    years before its year (its latest RoleStartDate or RoleEndDate in a collection year two or
    more before it): a census lists the year's starters and leavers, so it is likely an earlier
    year's census saved under this year's name. Read as this year's, its staff and caseloads
    stood for the year's, and the starters and leavers since were missing from the fit (its
    turnover too low), without a word."""
    import datetime as dt

    from .common import collection_year
    from .ssda903 import MIN_RECORDS_FOR_YEAR
    if not out.year or len(out.workers) < MIN_RECORDS_FOR_YEAR:
        return
    days = []
    for w in out.workers:
        for col in ("RoleStartDate", "RoleEndDate"):
            quiet: list = []
            iso = parse_date(w.values.get(col, ""), w.origin, col, quiet)
            if iso:
                days.append(iso)
    if not days or collection_year(max(days)) >= out.year - 1:
        return
    latest = dt.date.fromisoformat(max(days))
    out.notes.append(
        f"{out.file}: no role starts or ends after {latest.day} {latest:%B %Y} (RoleStartDate, "
        f"RoleEndDate), two years or more before the census year {out.year} ({said}); a census "
        "lists the year's starters and leavers. Is it an earlier year's census saved as "
        f"{out.year}'s? Read as {out.year}'s, its staff and caseloads stand for that year's, and "
        "the starters and leavers since are missing (the fitted turnover too low)")


def _read_twice(columns, name: str, problems: list, df: pd.DataFrame | None = None) -> bool:
    """Two columns of a census CSV read as one field (FTE and FTE30, SWENo and StaffID, or
    one name in two cases): the last was read and the other's values lost without a word (a
    census with FTE 1 and FTE30 0.5 was read as half its staff). A problem at the second,
    naming both, as the XML reader says of a field given twice; True when any was found."""
    read: dict[str, list[str]] = {}
    given: dict[str, list] = {}
    for c in columns:
        col = ALIASES.get(_key(c))
        if col is not None:
            read.setdefault(col, []).append(str(c).strip())
            given.setdefault(col, []).append(c)
    found = False
    for col, titles in read.items():
        a, b = (given[col] + [None])[:2]
        if len(titles) == 2 and df is not None and _key(a) != _key(b) and (
                {_key(a), _key(b)} == {"fte", "fte30"}
                or all(_alike(x, y) for x, y in zip(df[a], df[b]))):
            continue      # DfE's FTE and FTE30 (its schema has both): the FTE30 is read
        if len(titles) > 1:
            found = True
            problems.append(ReturnProblem(name, f"the columns {' and '.join(titles)} are each "
                                                f"read as {col}: only one would be read and the "
                                                "other's values lost; give one of them (delete "
                                                "the other, or rename it if it is something else)",
                                          None, titles[1]))
    return found


def _authority(out: ReturnRecords, df: pd.DataFrame, problems: list) -> None:
    """The authority code of a census CSV with an LA column; rows of two authorities in one
    file are a problem (another council's staff counted as this one's)."""
    col = next((c for c in df.columns if _key(c) in LA_COLUMNS), None)
    if col is None:
        return
    codes: dict[str, int] = {}
    for i, v in zip(rows_of(df), df[col].tolist()):
        code = authority_code(v)
        if code:
            codes.setdefault(code, i)
    if len(codes) > 1:
        said = ", ".join(f"{shown_code(c)} (first at row {i})" for c, i in codes.items())
        problems.append(ReturnProblem(out.file, f"rows of {len(codes)} authorities ({said}): "
                                                "give one authority's census", None, str(col)))
    elif codes:
        out.authority, out.authority_at = next(iter(codes)), f"column {col}"


def shown_code(code: str) -> str:
    """An authority code as shown in a message: short letters and digits only."""
    return code if len(code) <= 10 and code.isalnum() else "(not shown)"


def _after_the_census(workers: list[WorkerRecord], year: int, problems: list,
                      said: str) -> None:
    """A RoleStartDate or RoleEndDate after the census year's end: a census holds what happened
    by its date (DfE's is 30 September; the workbench's own returns are dated 31 March), so a
    2021 census with a start in 2023 is another year's return or a mistyped date. Dates that do
    not parse are left to the roster's checks."""
    import datetime as dt
    if not year:
        return
    last = dt.date(year, 12, 31)
    for w in workers:
        for col in ("RoleStartDate", "RoleEndDate"):
            text = w.values.get(col, "")
            quiet: list = []
            iso = parse_date(text, w.origin, col, quiet) if text else ""
            if iso and iso > last.isoformat():
                problems.append(problem_at(w.origin, f"{iso} is after the end of the census year "
                                                     f"{year}, {said}: a census holds what "
                                                     "happened by its date (is the file of "
                                                     "another year?)", col))


def read_workforce_xml(root, name: str, problems: list, year: int) -> ReturnRecords:
    """Workers from the census XML (``CSWWWorker`` elements)."""
    out = ReturnRecords("workforce", name, year)
    out.authority = authority_code(root.findtext("Header/Source/LEA"))
    out.authority_at = "Header / Source / LEA"
    ref = (root.findtext("Header/CollectionDetails/ReferenceDate") or "").strip()
    said = year_said(name, year).said
    hdr = Origin(name, root.sourceline, "Header / CollectionDetails")
    if ref:
        iso = parse_date(ref, hdr, "ReferenceDate", problems)
        if iso:
            out.year = year = int(iso[:4])
            said = "the year of its header's ReferenceDate"
    header_year = _header_year(root, ref, out.year if ref else 0, hdr, problems)
    if header_year and not ref:
        out.year = year = header_year
        said = "its header's Year"
    pairs: list = []
    for i, w in enumerate(root.iter("CSWWWorker"), start=1):
        where = f"CSWWWorker {i}"
        values = {c.tag: (c.text or "") for c in w if isinstance(c.tag, str)}
        _given_twice(w, name, where, problems)
        out.workers.append(_record(values, Origin(name, w.sourceline, where), year))
        out.columns.update(out.workers[-1].values)
        if "FTE" in values and "FTE30" in values:
            pairs.append((values["FTE"], values["FTE30"]))
    note = fte_note(name, pairs)
    if note:
        out.notes.append(note)
    note = _vacancies_note(root, name, out.workers)
    if note:
        out.notes.append(note)
    _after_the_census(out.workers, out.year, problems, said)
    _earlier_census(out, said)
    note = either_way_note(name, {c: [w.values.get(c, "") for w in out.workers]
                                  for c in ("RoleStartDate", "RoleEndDate")})
    if note:
        out.notes.append(note)
    if not out.workers:
        problems.append(ReturnProblem(name, "no CSWWWorker elements (not a workforce census?)"))
    elif not out.year and not ref and not _text_of(root, "Header/CollectionDetails/Year"):
        problems.append(ReturnProblem(name, "no census year: neither a Header / CollectionDetails "
                                            "/ ReferenceDate or Year nor a year in the file's "
                                            "name (e.g. workforce_census_2023.xml); each year's "
                                            "census is dated by it"))
    return out


def _text_of(root, path: str) -> str:
    return (root.findtext(path) or "").strip()


def _header_year(root, ref: str, ref_year: int, hdr: Origin, problems: list) -> int:
    """The census's ``Header / CollectionDetails / Year`` (DfE's schema has it beside the
    ReferenceDate, the year of the 30 September census) as a number, 0 when not given. A census
    with a Year and no ReferenceDate, named without a year, was refused as having 'no census
    year' (the Year was never read). A Year that is not a four-digit year, or disagrees with the
    ReferenceDate, is a problem."""
    text = _text_of(root, "Header/CollectionDetails/Year")
    if not text:
        return 0
    if not (len(text) == 4 and text.isdigit() and text >= "2000"):
        problems.append(problem_at(hdr, "not a year (expected the four-digit year of the census's "
                                        "30 September, e.g. 2023)", "Year"))
        return 0
    if ref_year and int(text) != ref_year:
        problems.append(problem_at(hdr, f"{text} disagrees with the ReferenceDate {ref} (the "
                                        f"census's year is its ReferenceDate's: {ref_year})",
                                   "Year"))
    return int(text)


def _vacancies_note(root, name: str, workers: list[WorkerRecord]) -> str:
    """A note on DfE's ``LALevelVacancies`` (the census's authority-level NumberOfVacancies and
    NoAgencyFTE, agency workers covering vacancies at 30 September), which are not read: a
    census listing fewer agency workers one by one than its NoAgencyFTE had its agency staff
    undercounted in the roster without a word (the XML's 75.8 agency FTE, 2 listed). Empty when
    the census has none, or its NoAgencyFTE is the listed agency workers' FTE (within 0.5)."""
    block = root.find("LALevelVacancies")
    if block is None:
        return ""
    given = {}
    for tag in ("NumberOfVacancies", "NoAgencyFTE"):
        try:
            given[tag] = float((block.findtext(tag) or "").strip())
        except ValueError:
            continue
    if not given:
        return ""
    listed = 0.0
    count = 0
    for w in workers:
        v = w.values
        if str(v.get("AgencyWorker", "")).strip().lower() not in ("1", "true", "yes", "y"):
            continue
        if v.get("RoleEndDate", "").strip():
            continue
        try:
            listed += float(v.get("FTE") or 0)
        except ValueError:
            pass
        count += 1
    agency = given.get("NoAgencyFTE")
    if agency is not None and abs(agency - listed) <= 0.5:
        return ""
    said = []
    if agency is not None:
        said.append(f"NoAgencyFTE {agency:g} (agency workers covering vacancies at 30 September)")
    if "NumberOfVacancies" in given:
        said.append(f"NumberOfVacancies {given['NumberOfVacancies']:g}")
    return (f"{name}: its LALevelVacancies gives {' and '.join(said)}; these totals are not read: "
            f"the roster holds the agency workers listed one by one in CSWWWorker records "
            f"({count} in post, {listed:.1f} FTE)"
            + ("; fewer than its NoAgencyFTE: add the agency workers' records for the roster "
               "to hold them" if agency is not None and listed < agency - 0.5 else ""))


def _given_twice(worker, name: str, where: str, problems: list) -> None:
    """A field the reader reads given twice in one ``CSWWWorker`` (a second ``<FTE>`` and
    ``<Team>`` appended to five workers moved their FTE and team silently: only the last was
    read), or given under two of its names (``FTE`` and ``FTE30``): a problem at the second, as
    the CIN census reader says of its own fields."""
    seen: dict[str, str] = {}
    text: dict[str, str] = {}
    for c in worker:
        if not isinstance(c.tag, str):
            continue
        col = ALIASES.get(_key(c.tag))
        if col is None:
            continue
        if col in seen and seen[col] != c.tag and (
                {_key(seen[col]), _key(c.tag)} == {"fte", "fte30"} or _alike(text[col], c.text)):
            continue      # DfE's FTE and FTE30 (its schema has both): the FTE30 is read
        if col in seen:
            also = "" if seen[col] == c.tag else f" (as {seen[col]} and {c.tag})"
            problems.append(ReturnProblem(
                name, f"given twice in one CSWWWorker{also}: only one would be read; give it once",
                c.sourceline, c.tag, where))
        else:
            seen[col], text[col] = c.tag, c.text or ""


def _alike(a, b) -> bool:
    """Two cells of one field under two names (FTE and FTE30) that give one value: the same
    number, or one of them blank."""
    a, b = str(a or "").strip(), str(b or "").strip()
    if not a or not b or a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def is_workforce_xml(root) -> bool:
    return next(root.iter("CSWWWorker"), None) is not None


def combine_workers(records: list[WorkerRecord]):
    """One row per role across census years: ``(table, origins, merged, placed)``: the roster
    table of text, each row's origin, the number of records merged into an earlier one, and
    each census record with its row in the table (for :func:`census_panel`)."""
    latest = max((r.year for r in records), default=0)
    by_key: dict[tuple, tuple[dict, Origin, int]] = {}
    placed: list[tuple[WorkerRecord, tuple]] = []
    merged = 0
    for r in sorted(records, key=lambda r: r.year):
        v = dict(r.values)
        if r.year != latest:
            v["Cases30"] = ""
        key = (v.get("WorkerID", ""), v.get("RoleStartDate", ""))
        if key in by_key and key[0]:
            old, _, _ = by_key[key]
            merged += 1
            for k, x in v.items():
                if x != "" or k == "Cases30":
                    old[k] = x
            by_key[key] = (old, r.origin, r.year)
        else:
            key = key if key[0] else (id(r), "")
            by_key[key] = (v, r.origin, r.year)
        placed.append((r, key))
    cols = [c.name for c in WORKFORCE_COLUMNS]
    rows = [vals for vals, _, _ in by_key.values()]
    table = pd.DataFrame(rows).reindex(columns=[c for c in cols if any(c in x for x in rows)])
    index = {k: i for i, k in enumerate(by_key)}
    return (table.fillna(""), [o for _, o, _ in by_key.values()], merged,
            [(r, index[k]) for r, k in placed])


_COLUMN = {c.name: c for c in WORKFORCE_COLUMNS}


def _number(text: str, origin: Origin, column: str, problems: list, integer: bool) -> float:
    """A census cell as a number (NaN when blank); anything else is a problem at its origin
    (the value is not quoted: it could be an identifier in a shifted row), and so is a number
    outside the roster's bounds for the column (an earlier census's FTE of 5 or Cases30 of 5,000
    went into the pressure fit unchecked: only the latest census's values reach the roster's
    checks)."""
    s = str(text).strip()
    if s == "":
        return float("nan")
    try:
        x = float(s)
    except ValueError:
        x = float("nan")
    if not math.isfinite(x) or x < 0 or (integer and x != int(x)):
        kind = "a whole number" if integer else "a number"
        problems.append(problem_at(origin, f"expected {kind}, 0 or more, or blank", column))
        return float("nan")
    wrong = range_problem(_COLUMN[column], x) if column in _COLUMN else ""
    if wrong:
        problems.append(problem_at(origin, f"the value (not shown) is {wrong}", column))
        return float("nan")
    return x


def census_panel(placed, years: dict[int, float], problems: list) -> pd.DataFrame:
    """One row a worker a census: the census's own ``Cases30``, ``WorkingDaysLost`` and FTE.

    Parameters
    ----------
    placed : list of (WorkerRecord, int)
        From :func:`combine_workers`: each census record and its role's row in the
        combined table (the roster's row; no identifier is kept).
    years : dict
        Census year -> the census date as a day number.
    problems : list
        Bad numbers are added here, by file, row or element and field.

    Returns
    -------
    pandas.DataFrame
        ``role`` (the roster's row), ``year``, ``census`` (day number), ``cases30``,
        ``days_lost``, ``fte`` (NaN where blank).
    """
    rows = []
    for rec, role in placed:
        v = rec.values
        rows.append((role, rec.year, years.get(rec.year, float("nan")),
                     _number(v.get("Cases30", ""), rec.origin, "Cases30", problems, True),
                     _number(v.get("WorkingDaysLost", ""), rec.origin, "WorkingDaysLost",
                             problems, False),
                     _number(v.get("FTE", ""), rec.origin, "FTE", problems, False)))
    return pd.DataFrame(rows, columns=["role", "year", "census", "cases30", "days_lost", "fte"])


def columns_across_years(recs: list[ReturnRecords], notes: list) -> list[ReturnProblem]:
    """An optional column one year's census lacks while another's has it, said once a file: the
    years' records of a role are combined, a value left out standing for nothing, so its workers
    kept another year's value or none (a 2023 census without RoleEndDate read its leavers as in
    post; without Cases30, its caseloads were missing unsaid). A problem, but for the local
    fields (Team, WorkerType) lacking only in censuses older than one that has them: a note (the
    workers found only there have none)."""
    cens = [r for r in recs if r.kind == "workforce" and r.columns]
    out: list[ReturnProblem] = []
    optional = [c.name for c in WORKFORCE_COLUMNS if not c.required]
    for col in optional:
        have = [r for r in cens if col in r.columns]
        if not have:
            continue
        for r in cens:
            if col in r.columns:
                continue
            later = [h for h in have if h.year > r.year]
            said = _files(have)
            if col in _LOCAL and len(later) == len(have):
                notes.append(f"{r.file}: no {col} column, though {said} "
                             f"{'has' if len(have) == 1 else 'have'} it: the workers found only "
                             f"in this census have no {col}")
                continue
            out.append(ReturnProblem(r.file, f"the column is absent, though {said} "
                                             f"{'has' if len(have) == 1 else 'have'} it: a column "
                                             "in one year's census and not another's changes "
                                             f"what is read ({_LOST.get(col, _KEPT).format(col)})."
                                             " Give it in every census (blank where not known)",
                                      None, col))
    return out


_KEPT = "this census's workers would keep another year's {}, or none"
_LOST = {"Cases30": "this census's caseloads would be missing from the fit",
         "WorkingDaysLost": "this census's sickness absence would be missing from the fit"}


def _files(recs: list[ReturnRecords]) -> str:
    names = [r.file for r in recs]
    return (", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else ""))
