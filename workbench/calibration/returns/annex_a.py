"""The Ofsted Annex A workbook (.xlsx): the child-level lists an inspection asks for.

Calibration reads List 3 (referrals), 4 (assessments), 5 (s47 enquiries and ICPCs), 6 (children
in need), 7 (child protection) and 8 (children in care); the others (contacts, early help, care
leavers, adoption) are read past. A sheet is recognised by its name ("List 3", "L3 Referrals",
...) or, failing that, by its columns. Column titles vary between councils and years, so each
field is matched by a pattern over the title (``Date of referral``, ``Referral Date``, ``Date
referral received`` ...); the header may sit below a title block (the first row naming a child
identifier is taken as the header). Problems name the file, the sheet, the spreadsheet row and
the column title: never a child's identifier.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from .common import (EpisodeRecord, Origin, ReturnProblem, ReturnRecords, StageRecord,
                     either_way_note, parse_date, parse_flag)
from .xlsx import SheetTraps, package_problem, sheet_traps

_ID = re.compile(r"(child|person|unique).*(id|identifier|ref)|^id$|lachildid", re.I)
# list -> {our field: pattern over the column title}
FIELDS: dict[int, dict[str, re.Pattern]] = {
    3: {"referral": re.compile(r"date.*referral|referral.*date", re.I),
        "nfa": re.compile(r"nfa|no further action", re.I),
        "team": re.compile(r"allocated.*team|^team", re.I),
        "worker": re.compile(r"allocated.*worker|^worker|social worker", re.I)},
    4: {"start": re.compile(r"assessment.*start|start.*assessment", re.I),
        "end": re.compile(r"authoris|authoriz|assessment.*(complet|end)", re.I)},
    5: {"start": re.compile(r"strategy discussion|(section ?47|s47).*(start|date)", re.I),
        "icpc": re.compile(r"date.*(initial child protection conference|icpc)|icpc.*date", re.I)},
    6: {"referral": re.compile(r"cin.*start|start.*date", re.I),
        "closure": re.compile(r"closure.*date|date.*clos", re.I),
        "reason": re.compile(r"reason.*closure", re.I)},
    7: {"start": re.compile(r"(plan|cpp).*start|start.*(plan|cpp)", re.I),
        "end": re.compile(r"(plan|cpp).*end|end.*(plan|cpp)", re.I)},
    8: {"start": re.compile(r"started to be looked after|(date|period).*(start|entered).*care", re.I),
        "end": re.compile(r"ceased to be looked after|(date|period).*(ceased|left|end).*care", re.I)},
}
REQUIRED = {3: ("referral",), 4: ("start",), 5: ("start",), 6: ("referral",), 7: ("start",),
            8: ("start",)}
STAGE = {4: "assessment", 5: "s47", 7: "cp", 8: "lac"}
LIST_NAME = re.compile(r"^\s*(list|l)\s*([0-9]{1,2})\b", re.I)
_REASON = re.compile(r"\bRC([1-9])\b", re.I)
HEADER_SEARCH_ROWS = 15


#: What each list read holds (in notes saying which sheet was read as which list)
LIST_WHAT = {3: "referrals", 4: "assessments", 5: "section 47 enquiries and ICPCs",
             6: "children in need", 7: "child protection plans", 8: "children in care"}
#: One row of each list read, in a message
ONE = {3: "referral", 4: "assessment", 5: "section 47 enquiry", 6: "child in need episode",
       7: "child protection plan", 8: "period of care"}
#: Early help (List 2, or a sheet of early help assessments) is not the statutory service:
#: a sheet or title naming it is never read as a list
_EARLY_HELP = re.compile(r"early[\s_-]*help", re.I)


def _early_help(sheet: str, raw: pd.DataFrame, h: int, cols: list[str], n: int) -> bool:
    """The sheet is about early help: its name, or a title of a column the list would read says
    so, or (for a sheet whose name gives no list number) a title above its header. A sheet named
    "List 3 ..." is not taken for early help by its title block alone ('excluding early help')."""
    above = ([v for i in range(h) for v in raw.iloc[i].tolist() if isinstance(v, str)]
             if not LIST_NAME.match(sheet) else [])
    read = [c for c in _match(cols, n).values()]
    return any(_EARLY_HELP.search(str(t)) for t in [sheet, *above, *read])


def _no_header(raw: pd.DataFrame, n: int) -> str:
    """Why a list's titles were not found: none in the rows searched, or titles below them."""
    last = int(raw.index[min(HEADER_SEARCH_ROWS, len(raw)) - 1])
    below = next((int(raw.index[i]) for i in range(HEADER_SEARCH_ROWS, min(len(raw), 1000))
                  if any(_ID.search(v) for v in raw.iloc[i].tolist() if isinstance(v, str))),
                 None)
    searched = (f"no child identifier column in the first {HEADER_SEARCH_ROWS} rows (expected "
                f"a title like 'Child Unique ID' or 'LAchildID'; the first {HEADER_SEARCH_ROWS} "
                f"rows with anything in them, to row {last}, are searched, titles further down "
                "are not)")
    if below is not None:
        return (f"{searched}: row {below} seems to hold the titles. List {n} cannot be read; "
                f"delete rows of guidance or titles above row {below}, so that the column titles "
                f"are within the first {HEADER_SEARCH_ROWS} rows")
    return f"{searched}: List {n} cannot be read; title the identifier column so"


def _list_number(sheet: str, columns) -> int | None:
    m = LIST_NAME.match(sheet)
    if m:
        return int(m.group(2))
    titles = " | ".join(str(c) for c in columns)
    for n in (8, 7, 5, 4, 3, 6):   # the most specific titles first
        if all(any(FIELDS[n][f].search(str(c)) for c in columns) for f in REQUIRED[n]):
            if n == 6 and "CIN" not in titles.upper():
                continue
            return n
    return None


#: Columns read from a sheet (an Annex A list has a few dozen; a stray cell far to the right
#: made a sheet 16,384 columns wide, and reading it whole took all the memory there was).
MAX_COLUMNS = 200


def _read_workbook(path: Path, problems: list,
                   name: str) -> list[tuple[str, str, pd.DataFrame, SheetTraps]] | None:
    """Each worksheet's name, state (visible, hidden), its non-blank rows as a table of values
    indexed by spreadsheet row, read with openpyxl (read-only: rows as they are stored, the
    sheet's stated size not trusted), and what its XML hides (formulas without a saved value,
    merged cells; visible sheets only); None with a problem when the file is not a workbook or
    its zip would unpack beyond any authority's (:func:`~.xlsx.package_problem`)."""
    import openpyxl

    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        problems.append(ReturnProblem(name, f"could not be read ({exc.strerror or type(exc).__name__})"))
        return None
    if head.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):
        problems.append(ReturnProblem(name, "a password-protected workbook, or an old Excel file "
                                            "(.xls) renamed .xlsx: save it as an Excel workbook "
                                            "(.xlsx) without a password"))
        return None
    if not head.startswith(b"PK"):
        what = "the file is empty" if not head else "not an Excel workbook (an .xlsx file is a zip archive)"
        problems.append(ReturnProblem(name, f"{what}: save the Annex A lists as an Excel workbook "
                                            "(.xlsx)"))
        return None
    try:
        refused = package_problem(path)
    except OSError as exc:
        refused = f"could not be read ({exc.strerror or type(exc).__name__})"
    if refused:
        problems.append(ReturnProblem(name, refused))
        return None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        problems.append(ReturnProblem(name, _bad_zip(exc)))
        return None
    except (KeyError, OSError, ValueError, TypeError, EOFError) as exc:
        problems.append(ReturnProblem(name, "not a readable Excel workbook (.xlsx): damaged, or a "
                                            f"zip archive of something else ({type(exc).__name__})"))
        return None
    out = []
    try:
        with zipfile.ZipFile(path) as zf:
            for ws in wb.worksheets:
                ws.reset_dimensions()
                rows, index = [], []
                for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
                    row = row[:MAX_COLUMNS]
                    if any(v is not None and str(v).strip() != "" for v in row):
                        rows.append(row)
                        index.append(i)
                width = max((len(r) for r in rows), default=0)
                rows = [tuple(r) + (None,) * (width - len(r)) for r in rows]
                raw = pd.DataFrame(rows, index=index, dtype=object) if rows else pd.DataFrame()
                state = ws.sheet_state or "visible"
                member = getattr(ws, "_worksheet_path", None)
                traps = (sheet_traps(zf, member) if rows and state == "visible" and member
                         else SheetTraps())
                out.append((ws.title, state, raw, traps))
    except zipfile.BadZipFile as exc:
        problems.append(ReturnProblem(name, _bad_zip(exc)))
        return None
    except Exception as exc:   # noqa: BLE001  openpyxl raises many types for a damaged sheet
        problems.append(ReturnProblem(name, "not a readable Excel workbook (.xlsx): a damaged "
                                            f"sheet ({type(exc).__name__})"))
        return None
    finally:
        wb.close()
    return out


def _bad_zip(exc: Exception) -> str:
    """A damaged zip in words: a part whose data does not match the directory's size or
    checksum (zipfile stops a part at its declared size and says 'Bad CRC-32')."""
    if "CRC" in str(exc) or "size" in str(exc).lower():
        return ("not a readable Excel workbook (.xlsx): a part's data does not match the size or "
                "checksum its zip directory gives (damaged, or altered after it was saved): save "
                "the Annex A lists from Excel as a workbook again")
    return ("not a readable Excel workbook (.xlsx): damaged, or a zip archive of something else "
            "(BadZipFile)")


def _titles(values: list) -> list[str]:
    """A header row's titles, blank ones named by their column (they are never matched)."""
    return [str(v).strip() if v is not None and str(v).strip() else f"(column {i + 1})"
            for i, v in enumerate(values)]


def _find_header(raw: pd.DataFrame) -> int | None:
    for i in range(min(HEADER_SEARCH_ROWS, len(raw))):
        if any(_ID.search(str(v)) for v in raw.iloc[i].tolist() if isinstance(v, str)):
            return i
    return None


def _other_return(sheets) -> str:
    """What a workbook with no Annex A list holds when its first visible sheet's first row
    has another return's columns (a workforce census or SSDA903 table saved from Excel as
    .xlsx, whose records would otherwise be missing unsaid), else ""."""
    from .ssda903 import kind_of_csv
    from .workforce_census import is_workforce_columns
    for _, state, raw, _ in sheets:
        if state != "visible" or not len(raw):
            continue
        titles = [str(v).strip() for v in raw.iloc[0].tolist() if v is not None]
        if is_workforce_columns(titles):
            return "a workforce census"
        # an SSDA903 table this reader does not read (UASC, missing, reviews) is said as one too
        return {"ssda903": "an SSDA903 episodes table",
                "ssda903_header": "an SSDA903 header table",
                "ssda903_other": "an SSDA903 table"}.get(kind_of_csv(titles) or "", "")
    return ""


def _complete(columns, n: int | None) -> bool:
    return n in FIELDS and all(f in _match(columns, n) for f in REQUIRED[n])


def _two_row_titles(raw: pd.DataFrame, h: int, n: int | None, sheet: str) -> list[str] | None:
    """The titles of header row ``h`` and the row right below it read together, column by
    column ('Date of' over 'referral': 'Date of referral'), when the header alone lacks a
    list's required column, the row below is the next row of the sheet, holds text only (no
    date, number or child identifier) and the two together name every required column; else
    None."""
    if _complete(_titles(raw.iloc[h].tolist()), n) or h + 1 >= len(raw) \
            or int(raw.index[h + 1]) != int(raw.index[h]) + 1:
        return None
    top, below = raw.iloc[h].tolist(), raw.iloc[h + 1].tolist()
    id_at = next((i for i, v in enumerate(top) if isinstance(v, str) and _ID.search(v)), None)
    if id_at is None or (below[id_at] is not None and str(below[id_at]).strip()):
        return None
    cells = [v for v in below if v is not None and str(v).strip()]
    if not cells or not all(isinstance(v, str) and not any(ch.isdigit() for ch in v)
                            for v in cells):
        return None
    joined = [" ".join(str(v).strip() for v in (a, b) if v is not None and str(v).strip())
              for a, b in zip(top, below)]
    cols = _titles(joined)
    return cols if _complete(cols, _list_number(sheet, cols)) else None


def _match(columns, n: int) -> dict[str, str]:
    """Our field -> the sheet's column title (the first title that matches)."""
    out = {}
    for f, pat in FIELDS[n].items():
        for c in columns:
            if pat.search(str(c)) and c not in out.values():
                out[f] = c
                break
    return out


def read_annex_a(path: str | Path, problems: list, name: str | None = None) -> ReturnRecords:
    """Episodes and stages from an Annex A workbook (``name``: the file as messages name it,
    its path below the folder of returns)."""
    path = Path(path)
    name = name or path.name
    out = ReturnRecords("annex_a", name)
    sheets = _read_workbook(path, problems, name)
    if sheets is None:
        return out
    used = 0
    hidden = [sheet for sheet, state, _, _ in sheets if state != "visible"]
    if hidden:
        out.notes.append(f"{name}: hidden sheet(s) not read: {', '.join(repr(h) for h in hidden)} "
                         "(unhide a sheet for it to be read)")
    given: dict[int, str] = {}
    for sheet, state, raw, traps in sheets:
        if state != "visible":
            continue
        h = _find_header(raw)
        if h is None:
            m = LIST_NAME.match(sheet)
            if m and int(m.group(2)) in FIELDS and len(raw) and not _EARLY_HELP.search(sheet):
                # a list calibration reads, whose identifier column is titled in a way not
                # recognised ('Client Ref'), or whose titles sit below a long block of guidance:
                # the whole list was left out without a word
                problems.append(ReturnProblem(f"{name} [{sheet}]",
                                              _no_header(raw, int(m.group(2)))))
            continue
        cols = _titles(raw.iloc[h].tolist())
        n = _list_number(sheet, cols)
        title_rows = 1
        joined = _two_row_titles(raw, h, n, sheet)
        if joined is not None:
            # a title over two rows ('Date of' above 'referral', or a group title merged above
            # the titles) found no column and refused the list; read as one row of titles
            cols, n, title_rows = joined, _list_number(sheet, joined), 2
            out.notes.append(f"{name} [{sheet}]: the column titles run over rows "
                             f"{int(raw.index[h])} and {int(raw.index[h + 1])}, read together")
        if n not in FIELDS:
            continue
        fname = f"{name} [{sheet}]"
        if _early_help(sheet, raw, h, cols, n):
            # early help is not a statutory list: an 'Early Help Assessments' sheet was read as
            # List 4, its assessments fitted as the service's own
            out.notes.append(f"{fname}: early help (so its name or titles say), not one of the "
                             "lists calibration reads (Lists 3 to 8, the statutory service): "
                             "not read")
            continue
        used += 1
        if n in given:
            # two versions of a list (a copy kept beside the new one) would count children twice
            problems.append(ReturnProblem(fname, f"List {n} is given twice in the workbook (sheets "
                                                 f"'{given[n]}' and '{sheet}'): give each list "
                                                 "once (delete or hide the other)"))
            continue
        if not LIST_NAME.match(sheet):
            out.notes.append(f"{fname}: read as List {n} ({LIST_WHAT[n]}), from its column "
                             "titles (its name gives no list number)")
        given[n] = sheet
        body = raw.iloc[h + title_rows:, :len(cols)]
        body.columns = cols
        id_col = next(c for c in cols if _ID.search(c))
        fmap = _match([c for c in cols if c != id_col], n)
        gone = [f for f in REQUIRED[n] if f not in fmap]
        for f in gone:
            problems.append(ReturnProblem(fname, f"no column for the {f} date (List {n}: "
                                                 f"expected a title like '{_example(n, f)}')",
                                          int(raw.index[h])))
        if gone or _two_dates(cols, id_col, n, fname, int(raw.index[h]), problems):
            continue
        note = either_way_note(fname, {fmap[f]: body.iloc[:, cols.index(fmap[f])].tolist() for f in
                                       ("referral", "closure", "start", "end", "icpc") if f in fmap})
        if note:
            out.notes.append(note)
        skip = _trapped(traps, fname, int(raw.index[h + title_rows - 1]), cols,
                        [id_col, *fmap.values()], problems)
        fields = tuple((k, v) for k, v in {
            "CINreferralDate": fmap.get("referral"), "ReferralNFA": fmap.get("nfa"),
            "CINclosureDate": fmap.get("closure"), "ReasonForClosure": fmap.get("reason"),
            "Team": fmap.get("team"), "AllocatedWorker": fmap.get("worker"),
            "LAchildID": id_col}.items() if v)
        seen: dict[tuple, tuple] = {}
        for row, r in body.iterrows():
            row = int(row)
            if row in skip:
                continue                                    # said at its cell or merged range
            vals = r.to_dict()
            child = "" if pd.isna(vals[id_col]) else str(vals[id_col]).strip()
            if not child and all(pd.isna(v) or str(v).strip() == "" for v in vals.values()):
                continue                                    # a blank line under the list
            if not child:
                problems.append(ReturnProblem(fname, "a child identifier is required", row, id_col))
                continue
            get = lambda f: vals.get(fmap[f]) if f in fmap else None  # noqa: E731
            if n in (3, 6):
                org = Origin(fname, row, None, fields)
                ref = parse_date(get("referral"), org, "CINreferralDate", problems, required=True)
                if not ref:
                    continue
                ep = EpisodeRecord(child, ref, org)
                if n == 3:
                    ep.nfa = parse_flag(get("nfa"), org, "ReferralNFA", problems) if "nfa" in fmap else ""
                    ep.team = "" if pd.isna(get("team")) else str(get("team") or "").strip()
                    ep.worker = "" if pd.isna(get("worker")) else str(get("worker") or "").strip()
                else:
                    ep.closure = parse_date(get("closure"), org, "CINclosureDate", problems)
                    m = _REASON.search(str(get("reason") or ""))
                    ep.reason = f"RC{m.group(1)}" if m else ""
                said = ((("nfa", ep.nfa), ("team", ep.team), ("worker", ep.worker)) if n == 3
                        else (("closure", ep.closure), ("reason", ep.reason)))
                what = f"{ONE[n]} (child and {fmap['referral']})"
                if _once(seen, (child, ref), said, fmap, fname, row, what, problems, out):
                    out.episodes.append(ep)
                continue
            sf = fmap["start"]
            ef = fmap.get("end") or fmap.get("icpc")
            org = Origin(fname, row, None, tuple((c, t) for c, t in _flat_fields(n, sf, fmap)))
            start = parse_date(get("start"), org, sf, problems, required=True)
            end = parse_date(get("end"), org, ef, problems) if "end" in fmap else ""
            if not start:
                continue
            icpc = parse_date(get("icpc"), org, fmap["icpc"], problems) \
                if n == 5 and "icpc" in fmap else ""
            if not _once(seen, (child, start), (("end", end), ("icpc", icpc)), fmap, fname, row,
                         f"{ONE[n]} (child and {sf})", problems, out):
                continue
            out.stages.append(StageRecord(child, STAGE[n], start, end, org))
            if icpc:
                out.stages.append(StageRecord(child, "icpc", "", icpc, org))
    if out.duplicates:
        out.notes.append(f"{name}: {out.duplicates} row(s) given twice in a list (the same child "
                         "and date, every value alike) were merged")
    if not used:
        other = _other_return(sheets)
        problems.append(ReturnProblem(name, f"{other} saved as a workbook: only Annex A is read "
                                            "from .xlsx files; save the sheet as CSV (comma "
                                            "delimited), the year in its name" if other else
                                            "no Annex A list found (expected sheets 'List 3' to "
                                            "'List 8' with a child identifier column)"))
    return out


def _once(seen: dict, key: tuple, said: tuple, fmap: dict, fname: str, row: int, what: str,
          problems: list, out: ReturnRecords) -> bool:
    """Whether a list's row is read: the first of its child and date (``key``) is; a repeat
    with every value alike is too (merged later, and counted in a note); a repeat with another
    value is a problem naming the first row and the titles that differ (never the values): one
    of the two was kept without a word (a team, an assessment's authorisation date), as the CIN
    census and SSDA903 readers refuse an episode given twice."""
    first = seen.setdefault(key, (row, said))
    if first[0] == row:
        return True
    if first[1] == said:
        out.duplicates += 1
        return True
    differ = [fmap.get(f, f) for (f, a), (_, b) in zip(first[1], said) if a != b]
    problems.append(ReturnProblem(fname, f"the same {what} as row {first[0]}, with another "
                                         f"{' and '.join(differ)}: give each once (which of the two "
                                         "is right cannot be told)", row, differ[0]))
    return False


def _trapped(traps: SheetTraps, fname: str, header: int, cols: list[str], read: list[str],
             problems: list) -> set[int]:
    """Problems for the cells of a list that read as blank but are not: a formula whose value was
    never saved (in the header row, or in a column read below it) and merged cells below the
    header touching a column read. Returns the rows said (their other problems would only
    repeat it)."""
    wanted = {cols.index(c) + 1 for c in read if c in cols}
    title = lambda col: cols[col - 1] if 0 < col <= len(cols) else None  # noqa: E731
    skip: set[int] = set()
    loose = traps.more
    for row, col in traps.unsaved:
        if row == 0:
            loose += 1
            continue
        if row == header or (row > header and col in wanted):
            problems.append(ReturnProblem(
                fname, f"cell {_letters(col)}{row} holds a formula whose value was never saved (a "
                       "workbook written by a program, or saved without recalculating): open the "
                       "workbook in Excel and save it", row, title(col)))
            skip.add(row)
    if loose:
        problems.append(ReturnProblem(
            fname, f"{loose:,} (more) cell(s) hold a formula whose value was never saved (a workbook "
                   "written by a program, or saved without recalculating): open the workbook in "
                   "Excel and save it"))
    for ref, c0, r0, c1, r1 in traps.merged:
        hit = sorted(c for c in wanted if c0 <= c <= c1)
        if r1 <= header or not hit:
            continue
        fill = "fill each row" if r1 > r0 else "give each cell its value"
        problems.append(ReturnProblem(
            fname, f"cells {ref} are merged (only the first holds the value; the others read as "
                   f"blank): unmerge them and {fill}", max(r0, header + 1), title(hit[0])))
        skip.update(range(max(r0, header + 1), r1 + 1))
    return skip


def _letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _flat_fields(n: int, start_title: str, fmap: dict) -> list[tuple[str, str]]:
    from ..extracts import STAGE_COLUMNS
    cols = {s: (c0, c1) for s, c0, c1 in STAGE_COLUMNS}
    c0, c1 = cols[STAGE[n]]
    out = [(c0, start_title)]
    if "end" in fmap:
        out.append((c1, fmap["end"]))
    if "icpc" in fmap:
        out.append(("DateOfInitialCPC", fmap["icpc"]))
    return out


#: Ofsted's titles of the date columns read (Annex A), said when two columns could be one
TITLES = {(3, "referral"): "Date of referral", (4, "start"): "Continuous Assessment Start Date",
          (4, "end"): "Continuous Assessment Date of Authorisation",
          (5, "start"): "Strategy discussion initiating Section 47 Enquiry Start Date",
          (5, "icpc"): "Date of Initial Child Protection Conference",
          (6, "referral"): "CIN Start Date", (6, "closure"): "CIN Closure Date",
          (7, "start"): "Child Protection Plan Start Date",
          (7, "end"): "Child Protection Plan End Date",
          (8, "start"): "Date Started to be Looked After",
          (8, "end"): "Date Ceased to be Looked After",
          (3, "team"): "Allocated Team", (3, "worker"): "Allocated Worker"}


def _two_dates(cols: list, id_col: str, n: int, fname: str, row: int, problems: list) -> bool:
    """Two or more columns titled as a date that could each be one of a list's dates (a council's
    'Date of previous referral' beside 'Date of referral'): the first was read without a word,
    every referral taken as the previous one's date. A problem naming the titles; True when
    any was found. A title without 'date' ('Reason ceased to be looked after') is not one. So
    too two columns that could each be List 3's allocated team or worker ('Team Manager' left
    of 'Allocated Team': the managers' names were read as the teams)."""
    found = False
    for f, pat in FIELDS[n].items():
        if (n, f) not in TITLES:
            continue
        dated = f not in ("team", "worker")
        hits = [c for c in cols if c != id_col and pat.search(str(c))
                and ("date" in str(c).lower() or not dated)]
        if len(hits) > 1:
            found = True
            said = " and ".join(f"'{c}'" for c in hits)
            what = f"{f} date" if dated else f"allocated {f}"
            problems.append(ReturnProblem(fname, f"the columns {said} could each be the {what} "
                                                 f"(List {n}: Ofsted's title is '{TITLES[n, f]}'):"
                                                 " which is meant cannot be told; rename or "
                                                 "delete the others", row, hits[0]))
    return found


def _example(n: int, f: str) -> str:
    return {(3, "referral"): "Date of referral", (4, "start"): "Continuous Assessment Start Date",
            (5, "start"): "Strategy discussion initiating Section 47 Enquiry Start Date",
            (6, "referral"): "CIN Start Date", (7, "start"): "Child Protection Plan Start Date",
            (8, "start"): "Date Started to be Looked After"}[(n, f)]
