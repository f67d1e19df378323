"""Reading the extract files: every problem in both files at once, nothing half-loaded."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .cases import CaseData, validate_cases_frame
from .cells import (ExtractError, Problem, _norm, extra_values, id_values, link_keys,
                    match_columns)
from .layouts import CASE_COLUMNS, WORKFORCE_COLUMNS
from .sciids import scientific_ids
from .swaps import Swap, explain_cross_checks, explain_own, find_swaps
from .workforce import Roster, validate_workforce_frame

#: The largest extract or return file read (bytes). The model holds at most 250,000 referrals a
#: year (8 times the largest English authority); several years of such an authority's rows are
#: a few hundred megabytes, and a file is read whole into memory.
MAX_BYTES = 1_000_000_000
#: Rows with the wrong number of fields reported before the check stops (the file is refused).
MAX_RAGGED = 1_000
#: The longest first row read (bytes): a header of a layout's column names and a few more is a
#: few hundred characters; a file whose rows have no line breaks is one line of the whole file.
MAX_HEADER_BYTES = 100_000
#: The most columns a file may have: a layout has 11 or 23, and an export a few dozen more; a
#: table of thousands of columns (a file saved the wrong way round) took minutes to read.
MAX_COLUMNS = 1_000


def read_csv(path: str | Path, problems: list[Problem],
             name: str | None = None) -> pd.DataFrame | None:
    """A CSV file as a table of text cells, or None with the reason appended to ``problems``.

    Refused before any cell is read: a missing file or a folder, a file larger than
    :data:`MAX_BYTES`, NUL bytes (a binary or UTF-16 file), text that is not UTF-8, values
    separated by semicolons or tabs, a column name given twice, a cell too long to be a value,
    rows with more or fewer fields than the header (a truncated row), and a file with no data
    rows. Old Mac line endings (CR alone) are read as line breaks. ``name`` is the file as the
    problems name it (default: its name alone; a folder of returns gives its path below it).
    """
    p = Path(path)
    name = name or p.name
    if not p.exists():
        problems.append(Problem(name, f"file not found ({p})"))
        return None
    if not p.is_file():
        problems.append(Problem(name, f"not a file ({p} is a folder or a device)"))
        return None
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            problems.append(Problem(name, f"{size / 1e9:.1f} GB, larger than any one authority's "
                                          f"extract or return (at most {MAX_BYTES / 1e9:g} GB: "
                                          "about 250,000 referrals a year for several years, 8 "
                                          "times the largest English authority); is it one "
                                          "authority's file?"))
            return None
        data = p.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, f"could not be read ({exc.strerror or type(exc).__name__})"))
        return None
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        nuls = data.count(b"\x00")
        if nuls * 100 < len(data) and _is_utf8(data.replace(b"\x00", b"")):
            # text with a few NUL characters in its cells (a database's empty value): it is a
            # CSV file, which 'a spreadsheet or UTF-16 file?' told the analyst it was not
            problems.append(Problem(name, f"holds {nuls:,} NUL character(s) (the first on line "
                                          f"{line}), which a CSV file's cells do not: a "
                                          "database's empty value written as a character? "
                                          "Remove them (or export again) and save as CSV "
                                          "UTF-8"))
            return None
        if data[:4] == b"PK\x03\x04":
            # an Excel workbook (.xlsx, any number of sheets, hidden or not) is a zipped file
            problems.append(Problem(name, f"contains NUL bytes (first on line {line}): an Excel "
                                          "workbook (.xlsx) or another zipped file, not a text "
                                          "CSV file; open it in Excel and save the sheet that "
                                          "holds the table as CSV UTF-8"))
            return None
        problems.append(Problem(name, f"contains NUL bytes (first on line {line}): not a text CSV "
                                      "file (a spreadsheet or UTF-16 file?); save it as CSV UTF-8"))
        return None
    end = min((k for k in (data.find(b"\n", 0, MAX_HEADER_BYTES + 1),
                            data.find(b"\r", 0, MAX_HEADER_BYTES + 1)) if k >= 0),
              default=len(data))
    if end > MAX_HEADER_BYTES:
        # rows with no line breaks between them (one line of 200 MB): read whole, a line of
        # 2.5 million names ran for minutes and took gigabytes before anything was said
        problems.append(Problem(name, f"row 1 is over {MAX_HEADER_BYTES:,} characters long, "
                                      "where a header row of column names has a few hundred: "
                                      "is this a CSV file of the layout, with each row on a line "
                                      "of its own?", row=1))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        problems.append(Problem(name, f"not UTF-8 text (line {line}); save it as CSV UTF-8"))
        return None
    if not text.strip():
        problems.append(Problem(name, "the file is empty (expected a header row of column names)"))
        return None
    # CR CR LF (a CSV written on Windows by a program that added its own CR to each line:
    # every row was followed by an empty row, 684 problems for a file of 228 rows) is one
    # line break, as a spreadsheet reads it
    text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    if _INVISIBLE.search(text):
        # a byte-order mark inside the file (two exports pasted together: the second header
        # was not seen as a header, and its 23 cells were refused one by one), a zero-width
        # space after an identifier (no case linked to its worker: the note blamed a roster
        # of another authority), a right-to-left mark: none is seen on screen or meant
        text = _INVISIBLE.sub("", text)
    if not text.split("\n", 1)[0].strip(" \t,"):
        # the rows below would be numbered from the wrong header row
        problems.append(Problem(name, "an empty row where the column names (the header) go: "
                                      "delete the empty rows above the header", row=1))
        return None
    if _too_wide(text, name, problems) or _header_further_down(text, name, problems) \
            or _header_missing(text, name, problems) or _ragged_rows(text, name, problems):
        return None
    try:
        # blank lines are rows, as a spreadsheet shows them: skipped, every row after one was
        # misnumbered in messages (row 201 said for row 202)
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[],
                         skipinitialspace=True, skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        problems.append(Problem(name, f"not a readable CSV file: {str(exc).splitlines()[0]}"))
        return None
    df = df.fillna("")
    # Excel's mark for a value kept as text ('2023-04-01, '0123, '1): not part of the value; each
    # date of a column so written was refused row by row as 'not a date'
    if "'" in text:
        df = df.apply(lambda col: col.str.replace(r"^\s*'(?=[0-9])", "", regex=True))
    empty = _empty_rows(df)
    # rows of empty cells after the last row of values (",,,,", or blank lines: a spreadsheet
    # saves the rows it once formatted) hold nothing: each was refused cell by cell as a missing
    # value. Only at the end, so that every other row keeps its number
    last = len(df)
    while last and empty[last - 1]:
        last -= 1
    df = df.iloc[:last] if last < len(df) else df
    if len(df) == 0:
        problems.append(Problem(name, "the file has a header but no rows"))
        return None
    df = _summary_rows(df, name, problems)
    if _header_repeated(df, name, problems):
        return None
    # an empty row inside the table (a blank line or ",,,,") is refused at its row; its cells
    # are refused as well where a value is required
    for i in empty[:last].nonzero()[0]:
        problems.append(Problem(name, "an empty row inside the table (a blank line, or cells "
                                      "with nothing in them): delete it", row=int(i) + 2))
    return df


#: Characters that take no space on screen: the byte-order mark, zero-width spaces and joiners,
#: the soft hyphen and the left-to-right and right-to-left marks, embeddings and overrides.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


#: The layouts' column names and aliases, as compared (see :func:`~.cells.match_columns`).
_LAYOUT_NAMES = frozenset(_norm(n) for col in CASE_COLUMNS + WORKFORCE_COLUMNS
                          for n in (col.name,) + col.aliases)


#: Rows looked at for the header when row 1 is not one (a title, a run date, a blank row
#: above the column names, as a report export writes them).
HEADER_WITHIN = 6
#: A cell no column name is: a number or a date (a data row, not a header).
_VALUE = re.compile(r"[-+]?[0-9][0-9 .,/:T-]*")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _header_like(cells: list[str]) -> bool:
    """Whether a row could be a header: two cells or more, each a name (not empty, not a
    number or a date)."""
    cells = [c.strip() for c in cells]
    return len(cells) > 1 and all(c and not _VALUE.fullmatch(c) for c in cells)


def _too_wide(text: str, name: str, problems: list[Problem]) -> bool:
    """A row 1 of more than :data:`MAX_COLUMNS` cells, said once: a table of thousands of
    columns took minutes and gigabytes to read, and a file whose rows ran on one line was said
    to have no header."""
    try:
        width = len(next(csv.reader(io.StringIO(text)), []))
    except csv.Error:
        return False    # said by the check of the rows' fields
    if width <= MAX_COLUMNS:
        return False
    problems.append(Problem(name, f"row 1 has {width:,} cells, where a header has a few dozen "
                                  f"column names (at most {MAX_COLUMNS:,} are read): is this the "
                                  "right file? Is each of its rows on a line of its own, and is "
                                  "it not saved the wrong way round (a row for each column)?",
                            row=1))
    return True


def _header_further_down(text: str, name: str, problems: list[Problem]) -> bool:
    """A row 1 that is not the header (a title above it, ``Children in need extract - run
    31/03/2023``) while a later row of the first :data:`HEADER_WITHIN` is, with as many fields
    as the row after it: said once (every row below was refused as having more fields than
    the 'header', 1,000 lines that never named the cause)."""
    rows = []
    try:
        for r in csv.reader(io.StringIO(text), skipinitialspace=True):
            rows.append(r)
            if len(rows) > HEADER_WITHIN:
                break
    except csv.Error:
        return False    # said by the check of the rows' fields
    if not rows or _header_like(rows[0]):
        return False
    if len(rows[0]) == 1 and any(sep in rows[0][0] for sep in ";\t"):
        # a file separated by semicolons or tabs (European Excel): a row whose decimal comma
        # split it in two looked like a header, and row 2 was said to be the header
        return False
    for k in range(1, min(len(rows), HEADER_WITHIN)):
        below = rows[k + 1] if k + 1 < len(rows) else None
        if _header_like(rows[k]) and (below is None or len(below) == len(rows[k])) \
                and len(rows[k]) > len([c for c in rows[0] if c.strip()]):
            problems.append(Problem(name, f"row 1 is not the header (the column names): the "
                                          f"header is row {k + 1}; delete the rows above it "
                                          "(a title or a report's heading) and save again",
                                    row=1))
            return True
    return False


def _header_missing(text: str, name: str, problems: list[Problem]) -> bool:
    """A row 1 of values (dates and numbers, half its cells or more), not column names: the
    header was left out of the export. Said once (a headerless case extract was said to give a
    column name twice, a roster to miss every required column)."""
    try:
        first = next(csv.reader(io.StringIO(text), skipinitialspace=True), [])
    except csv.Error:
        return False    # said by the check of the rows' fields
    cells = [c.strip() for c in first if c.strip()]
    values = sum(1 for c in cells if _VALUE.fullmatch(c))
    if values < 2 or 2 * values < len(cells):
        return False
    problems.append(Problem(name, f"holds values ({values} of its {len(cells)} cells are "
                                  "numbers or dates), not column names: the header row is "
                                  "missing. Add the column names as row 1 (docs/calibration.md "
                                  "lists them) and save again", row=1))
    return True


def _header_repeated(df: pd.DataFrame, name: str, problems: list[Problem]) -> bool:
    """Rows that repeat the header row (two exports pasted together): one line each, not a
    line for each of their cells."""
    header = [str(h).strip().lower() for h in df.columns]
    if len(header) < 2:
        return False
    same = np.ones(len(df), dtype=bool)
    for col, h in zip(df.columns, header):
        same &= (df[col].astype(str).str.strip().str.lower() == h).to_numpy()
    for i in same.nonzero()[0]:
        # the returns' reader says it in the same words (returns/combine._titles_repeated)
        problems.append(Problem(name, "the row repeats the column titles (two exports pasted "
                                      "into one file?): delete it", row=int(i) + 2))
    return bool(same.any())


#: The first cell of a spreadsheet's total or summary row, or a formula in any of its cells.
_SUMMARY = re.compile(r"(grand |sub-?)?(total|sum|count|average|mean)s?:?", re.IGNORECASE)
_FORMULA = re.compile(r"=\s*[A-Za-z]+\(")


def _summary_rows(df: pd.DataFrame, name: str, problems: list[Problem]) -> pd.DataFrame:
    """The table without the total or summary rows a spreadsheet adds below it ('Total', 'Grand
    total', '=SUM(...)'), each said at its row: they were refused cell by cell ('a value is
    required', 'not a date') as if they were a child's or a worker's."""
    last = len(df)
    while last > 1:
        cells = [str(c).strip() for c in df.iloc[last - 1]]
        first = next((c for c in cells if c), "")
        word = _SUMMARY.fullmatch(first)
        if not word and not any(_FORMULA.match(c) for c in cells):
            break
        what = f"'{word[0]}'" if word else "a formula, =..."
        problems.append(Problem(name, f"a total or summary row ({what}), not a child's or a "
                                      "worker's: delete it and save again", row=last + 1))
        last -= 1
    return df.iloc[:last] if last < len(df) else df


def _empty_rows(df: pd.DataFrame) -> np.ndarray:
    """For each row: are all its cells empty (or spaces)? Only rows whose first cell is empty
    are looked at further (a file of millions of rows is read once more, not column by column)."""
    empty = np.zeros(len(df), dtype=bool)
    if df.shape[1] == 0:
        return empty
    maybe = (df.iloc[:, 0].astype(str).str.strip() == "").to_numpy().nonzero()[0]
    if len(maybe):
        cells = df.iloc[maybe].astype(str).apply(lambda col: col.str.strip() != "")
        empty[maybe] = ~cells.any(axis=1).to_numpy()
    return empty


def _ragged_rows(text: str, name: str, problems: list[Problem]) -> bool:
    """Report rows whose number of fields differs from the header's (row numbers as the
    spreadsheet's: header = 1, a blank line is a row)."""
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    records = _records(reader)
    try:
        header = [h.strip() for h in next(records, (1, [""]))[1]]
    except csv.Error as exc:
        problems.append(Problem(name, f"not a readable CSV file: {_csv_error(exc)}", row=reader.line_num))
        return True
    width = len(header)
    if width == 1:
        for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars (|)")):
            if sep in header[0]:
                problems.append(Problem(name, f"the values are separated by {label}, not commas: "
                                              "save it as CSV (comma delimited)", row=1))
                return True
    seen: dict[str, int] = {}
    found = False
    if text.lstrip()[:1] in ("{", "[", "<"):
        problems.append(Problem(name, "is not a CSV file (it starts like JSON, XML or HTML); "
                                      "save the table as CSV UTF-8", row=1))
        return True
    for i, h in enumerate(header):
        if h and h in seen:
            # pandas would rename the second to 'h.1' and it would be silently left out; a
            # header that is not shaped like a column name is not quoted (it may be a value)
            # nor one holding digits unless it is a layout's (Cases30): the header row of a table
            # saved the wrong way round is a column of values, and its repeated child ids
            # (C5B5DC9E9C) were quoted as column names
            named = (re.fullmatch(r"[A-Za-z][A-Za-z0-9_ ]{0,40}", h) is not None
                     and (not any(ch.isdigit() for ch in h) or _norm(h) in _LAYOUT_NAMES))
            problems.append(Problem(name, f"the header gives {'this column' if named else 'a column name (not shown)'} "
                                          f"twice (columns {seen[h] + 1} and {i + 1}); keep one",
                                    row=1, column=h if named else None))
            found = True
        seen.setdefault(h, i)
    # the rows are checked one at a time (a list of every row's cells of a large file took
    # gigabytes before anything was said)
    ragged, seen, widths, first = 0, 0, set(), len(problems)
    try:
        for row, r in records:
            seen += 1
            if len(r) != width and len(r) < width and "\n" in r[-1]:
                # a stray quote mark: the rest of the file (or up to the next quote mark) was
                # read as one cell, said 'a truncated row?'
                lines = r[-1].count("\n")
                problems.append(Problem(name, f"{len(r)} fields where the header has {width}: a "
                                              "quote mark (\") opens a cell in this row and is not "
                                              f"closed for {lines:,} line(s), so they were read as "
                                              "one cell; remove the stray quote mark (or close it) "
                                              "and save again", row=row))
                found = True
                ragged += 1
                widths.add(-1)
                continue
            if len(r) != width:
                what = "a truncated row?" if len(r) < width else "a stray comma or an unquoted value?"
                problems.append(Problem(name, f"{len(r)} fields where the header has {width} ({what})",
                                        row=row))
                found = True
                ragged += 1
                widths.add(len(r))
                if ragged >= MAX_RAGGED:
                    problems.append(Problem(name, f"stopped after {MAX_RAGGED:,} rows with the wrong "
                                                  "number of fields: is this a CSV file of the layout?"))
                    break
    except csv.Error as exc:
        problems.append(Problem(name, f"not a readable CSV file: {_csv_error(exc)}", row=reader.line_num))
        return True
    if 1 < ragged < MAX_RAGGED and ragged == seen and len(widths) == 1:
        # every row alike: the header is at odds with them, not each row with it (a row a line,
        # 'a truncated row?', for a header with a comma at its end). A file stopped at
        # MAX_RAGGED keeps its rows: not every row was read
        k = widths.pop()
        why = ("the header has a name too many (a comma at its end?)" if k < width else
               "the header lacks a name (a column without its title?), or every row ends with "
               "a comma")
        del problems[first:]
        problems.append(Problem(name, f"every row has {k} fields where the header has {width} "
                                      f"names: {why}. Make the header and the rows agree and save "
                                      "again", row=1))
    return found


def _records(reader):
    """The reader's rows that hold something, each with its spreadsheet row (the header is row
    1; a blank line is a row, as a spreadsheet shows it, and a value with a line break inside
    its quotes is one row). Empty rows are not compared with the header (see :func:`read_csv`)."""
    return ((n, r) for n, r in enumerate(reader, start=1) if any(c.strip() for c in r))


def _csv_error(exc: csv.Error) -> str:
    return ("a cell longer than any value (is this a table of values?)"
            if "field limit" in str(exc) else str(exc))


def read_extracts(cases: str | Path, workforce: str | Path) -> tuple[CaseData, Roster]:
    """Read and validate both extracts; all problems in both files in one :class:`ExtractError`.

    Each file's cells are checked knowing both files' identifiers: a child's id in a roster
    column (or a worker's in a case column) is never quoted, as the file's own are not. Two
    columns of one file whose header names were exchanged (the roster's WorkerID and Team, say:
    :func:`~.swaps.find_swaps`) are said first, and the other file's problems that follow from
    them in one line, not row by row."""
    problems: list[Problem] = []
    cdf = read_csv(cases, problems)
    wdf = read_csv(workforce, problems)
    case_ids: set[str] = set()
    roster_ids: set[str] = set()
    cname, wname = Path(cases).name, Path(workforce).name
    # headers matched as the validation will match them (its problems are reported there)
    cm = match_columns(cdf, CASE_COLUMNS, cname, []) if cdf is not None else None
    wm = match_columns(wdf, WORKFORCE_COLUMNS, wname, []) if wdf is not None else None
    if cm is not None:
        case_ids = id_values(cm, CASE_COLUMNS)
    if wm is not None:
        roster_ids = id_values(wm, WORKFORCE_COLUMNS)
    # values of columns outside the layouts (a UPN, a payroll number): never quoted either
    extra = ((extra_values(cdf, CASE_COLUMNS) if cdf is not None else set())
             | (extra_values(wdf, WORKFORCE_COLUMNS) if wdf is not None else set()))
    # identifiers a spreadsheet rounded (7.49562E+11): said first, and the file is not checked
    # further (its children merged, every check after it, the swaps' too, would mislead)
    mangled = {name: scientific_ids(m, layout, name) if m is not None else []
               for m, layout, name in ((cm, CASE_COLUMNS, cname), (wm, WORKFORCE_COLUMNS, wname))}
    problems[:0] = [p for found in mangled.values() for p in found]
    swaps: dict[str, Swap] = {}
    if cm is not None and wm is not None:
        cross = _ids_as_names(cm, wm, cname, wname, case_ids, roster_ids)
        if cname != wname and not any(mangled.values()):
            swaps = {s.file: s for s in find_swaps(cm, wm, cname, wname)}
        if swaps:
            cf = swaps[cname].fixed(cm) if cname in swaps else cm
            wf = swaps[wname].fixed(wm) if wname in swaps else wm
            cross = explain_cross_checks(
                cross, _ids_as_names(cf, wf, cname, wname, id_values(cf, CASE_COLUMNS),
                                     id_values(wf, WORKFORCE_COLUMNS)), list(swaps.values()))
            # the values of the swapped columns are identifiers read either way: never quoted
            case_ids |= _swapped_values(cm, swaps.get(cname))
            roster_ids |= _swapped_values(wm, swaps.get(wname))
        problems.extend(p for p in cross if not mangled.get(p.file))
    cd = (_validate(validate_cases_frame, cdf, cm, cname, problems, roster_ids | extra,
                    swaps.get(cname))
          if cdf is not None and not mangled[cname] else None)
    ro = (_validate(validate_workforce_frame, wdf, wm, wname, problems, case_ids | extra,
                    swaps.get(wname))
          if wdf is not None and not mangled[wname] else None)
    if problems or swaps:
        # the cause first: its file is named, and its problems listed, before the other's
        raise ExtractError([s.cause for s in swaps.values()] + problems)
    hidden = frozenset(link_keys(sorted(extra)).tolist()) - {0}
    return (dataclasses.replace(cd, hidden_keys=hidden),
            dataclasses.replace(ro, hidden_keys=hidden))


def _validate(validate, df: pd.DataFrame, matched: pd.DataFrame, name: str,
              problems: list[Problem], other_ids: set[str], swap: Swap | None):
    """``validate`` the table into ``problems``; of a table with swapped columns, only the
    problems it has read either way are listed (the others follow from the swap: counted in a
    line a column, see :func:`~.swaps.explain_own`)."""
    if swap is None:
        return validate(df, name, problems, other_ids=other_ids)
    given: list[Problem] = []
    validate(df, name, given, other_ids=other_ids)
    fixed: list[Problem] = []
    validate(swap.fixed(matched), name, fixed, other_ids=other_ids)
    problems.extend(explain_own(given, fixed, swap))
    return None


def _swapped_values(df: pd.DataFrame, swap: Swap | None) -> set[str]:
    if swap is None:
        return set()
    out: set[str] = set()
    for col in (swap.a, swap.b):
        out |= set(df[col].astype(str).str.strip())
    return out - {""}


def _ids_as_names(cases: pd.DataFrame, roster: pd.DataFrame, cases_name: str, roster_name: str,
                  case_ids: set[str], roster_ids: set[str]) -> list[Problem]:
    """A team name in either file that is an identifier from the other (a child id in the
    roster's Team column, a worker id in the cases'): a column mixed up, whose values would be
    echoed as team names. Each file's own identifiers are checked with its columns. Both
    tables have their headers matched to the layouts."""
    problems = []
    for df, name, other in ((cases, cases_name, roster_ids - case_ids),
                            (roster, roster_name, case_ids - roster_ids)):
        if "Team" not in df.columns:
            continue
        for i in (df["Team"].astype(str).str.strip().isin(other)).to_numpy().nonzero()[0]:
            problems.append(Problem(name, "the value (not shown) is an identifier from the other "
                                          "extract, not a team name: is a column mixed up?",
                                    row=int(i) + 2, column="Team"))
    return problems


def _read_checked(path: str | Path, validate):
    """Read one extract and check it with ``validate``; every problem found, or the result."""
    problems: list[Problem] = []
    df = read_csv(path, problems)
    out = None
    if df is not None:
        layout = CASE_COLUMNS if validate is validate_cases_frame else WORKFORCE_COLUMNS
        mangled = scientific_ids(match_columns(df, layout, Path(path).name, []), layout,
                                 Path(path).name)
        problems[:0] = mangled
        if not mangled:
            extra = extra_values(df, layout)
            out = validate(df, Path(path).name, problems, other_ids=extra)
            if out is not None:
                out = dataclasses.replace(
                    out, hidden_keys=frozenset(link_keys(sorted(extra)).tolist()) - {0})
    if problems:
        raise ExtractError(problems)
    return out


def read_cases(path: str | Path) -> CaseData:
    return _read_checked(path, validate_cases_frame)


def read_workforce(path: str | Path) -> Roster:
    return _read_checked(path, validate_workforce_frame)
