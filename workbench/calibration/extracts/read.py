"""Reading the extract files: every problem in both files at once, nothing half-loaded."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .cases import CaseData, validate_cases_frame
from .cells import ExtractError, Problem
from .workforce import Roster, validate_workforce_frame


def read_csv(path: str | Path, problems: list[Problem]) -> pd.DataFrame | None:
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


def read_cases(path: str | Path) -> CaseData:
    problems: list[Problem] = []
    df = read_csv(path, problems)
    cd = validate_cases_frame(df, Path(path).name, problems) if df is not None else None
    if problems:
        raise ExtractError(problems)
    return cd


def read_workforce(path: str | Path) -> Roster:
    problems: list[Problem] = []
    df = read_csv(path, problems)
    ro = validate_workforce_frame(df, Path(path).name, problems) if df is not None else None
    if problems:
        raise ExtractError(problems)
    return ro
