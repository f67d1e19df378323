"""Reading the extract files: every problem in both files at once, nothing half-loaded."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from .cases import CaseData, validate_cases_frame
from .cells import ExtractError, Problem
from .workforce import Roster, validate_workforce_frame


def read_csv(path: str | Path, problems: list[Problem]) -> pd.DataFrame | None:
    """A CSV file as a table of text cells, or None with the reason appended to ``problems``.

    Refused before any cell is read: a missing file or a folder, NUL bytes (a binary or UTF-16
    file), text that is not UTF-8, rows with more or fewer fields than the header (a truncated
    row), and a file with no data rows.
    """
    p = Path(path)
    name = p.name
    if not p.exists():
        problems.append(Problem(name, f"file not found ({p})"))
        return None
    if not p.is_file():
        problems.append(Problem(name, f"not a file ({p} is a folder or a device)"))
        return None
    data = p.read_bytes()
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        problems.append(Problem(name, f"contains NUL bytes (first on line {line}): not a text CSV "
                                      "file (a spreadsheet or UTF-16 file?); save it as CSV UTF-8"))
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
    if _ragged_rows(text, name, problems):
        return None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[],
                         skipinitialspace=True)
    except pd.errors.ParserError as exc:
        problems.append(Problem(name, f"not a readable CSV file: {str(exc).splitlines()[0]}"))
        return None
    if len(df) == 0:
        problems.append(Problem(name, "the file has a header but no rows"))
        return None
    return df


def _ragged_rows(text: str, name: str, problems: list[Problem]) -> bool:
    """Report rows whose number of fields differs from the header's (row numbers as the
    spreadsheet's: header = 1, blank lines skipped as the reader skips them)."""
    records = [r for r in csv.reader(io.StringIO(text), skipinitialspace=True) if r]
    width = len(records[0])
    found = False
    for i, r in enumerate(records[1:]):
        if len(r) != width:
            what = "a truncated row?" if len(r) < width else "a stray comma or an unquoted value?"
            problems.append(Problem(name, f"{len(r)} fields where the header has {width} ({what})",
                                    row=i + 2))
            found = True
    return found


def read_extracts(cases: str | Path, workforce: str | Path) -> tuple[CaseData, Roster]:
    """Read and validate both extracts; all problems in both files in one :class:`ExtractError`."""
    problems: list[Problem] = []
    cdf = read_csv(cases, problems)
    wdf = read_csv(workforce, problems)
    cd = validate_cases_frame(cdf, Path(cases).name, problems) if cdf is not None else None
    ro = validate_workforce_frame(wdf, Path(workforce).name, problems) if wdf is not None else None
    if problems:
        raise ExtractError(problems)
    return cd, ro


def _read_checked(path: str | Path, validate):
    """Read one extract and check it with ``validate``; every problem found, or the result."""
    problems: list[Problem] = []
    df = read_csv(path, problems)
    out = validate(df, Path(path).name, problems) if df is not None else None
    if problems:
        raise ExtractError(problems)
    return out


def read_cases(path: str | Path) -> CaseData:
    return _read_checked(path, validate_cases_frame)


def read_workforce(path: str | Path) -> Roster:
    return _read_checked(path, validate_workforce_frame)
