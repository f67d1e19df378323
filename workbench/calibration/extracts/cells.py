"""Reading the cells of an extract: dates as day numbers, headers matched to a layout, each
column parsed with every problem recorded (file, row, column), and the error that lists them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import UserError
from .layouts import Column

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



_TRUE = {"1", "true", "t", "y", "yes"}
_FALSE = {"0", "false", "f", "n", "no"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S",
                 "%Y-%m-%dT%H:%M:%S")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())



def match_columns(df: pd.DataFrame, layout: tuple[Column, ...], file: str,
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


def parse_dates(s: pd.Series) -> np.ndarray:
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


def check_column(df: pd.DataFrame, col: Column, file: str, problems: list[Problem]) -> np.ndarray | list:
    """Parse one column, reporting blank-where-required, unparseable and out-of-range cells.
    Returns parsed values (floats with NaN for dates and numbers; strings for codes and text)."""
    raw = df[col.name].astype(str).str.strip()
    blank = (raw == "").to_numpy()
    rows = np.arange(len(df)) + 2
    if col.values == "all":
        for r in rows[blank]:
            problems.append(Problem(file, "a value is required", int(r), col.name))
    if col.kind == "date":
        vals = parse_dates(raw)
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


def parse_all(df: pd.DataFrame, layout: tuple[Column, ...], file: str,
               problems: list[Problem]) -> dict:
    out = {}
    for col in layout:
        if col.name in df.columns:
            out[col.name] = check_column(df, col, file, problems)
    return out


