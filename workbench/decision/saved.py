"""Checks of the numbers in a saved decision result's ``result.json`` (``workbench optimise
--out``, ``workbench sensitivity --out``), read back by :func:`~workbench.decision.load_result`
and :func:`~workbench.decision.sensitivity.load_sensitivity` for the report's sections.

A file edited by hand, or cut short, gave the report "Each plan tried was simulated 0 times" or
"over nan years", and a seed of "x" stopped the report with a Python error: each number is now
checked against what the command that wrote it allows, and a wrong one is refused naming the
file, the field and what was expected.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..errors import UserError

__all__ = ["saved_column", "saved_flags", "saved_number"]

_MISSING = object()


def saved_number(info: dict, key: str, file: Path, command: str, *, whole: bool = False,
                 low: float | None = None, high: float | None = None,
                 below: float | None = None, default: Any = _MISSING,
                 may_be_none: bool = False):
    """``info[key]`` as a number within its bounds (``low <= v <= high``, ``v < below``), an
    ``int`` when ``whole``; ``default`` when the field is absent (else refused); None when
    ``may_be_none`` and it is null. Raises :class:`UserError` naming ``file`` and ``key``, and
    ``command`` (what writes the file) to write it again."""
    if key not in info:
        if default is _MISSING:
            raise UserError(f"{file}: no {key!r} field (`{command}` writes one)")
        return default
    v = info[key]
    if v is None and may_be_none:
        return None
    ok = (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
          and (not whole or float(v).is_integer())
          and (low is None or v >= low) and (high is None or v <= high)
          and (below is None or v < below))
    if not ok:
        what = "a whole number" if whole else "a number"
        limits = [f"at least {low:g}" if low is not None else "",
                  f"at most {high:g}" if high is not None else "",
                  f"below {below:g}" if below is not None else ""]
        limits = " and ".join(x for x in limits if x)
        raise UserError(f"{file}: {key!r} must be {what}{' ' + limits if limits else ''}"
                        f"{' or null' if may_be_none else ''} (got {v!r}); the file may have "
                        f"been edited or cut short: write it again with `{command}`")
    return int(v) if whole else float(v)


def saved_column(df, column: str, file: Path, command: str, *, rows=None, whole: bool = False,
                 low: float | None = None, text: bool = False, may_be_blank: bool = False):
    """``df[column]`` checked where ``rows`` (a mask; default every row) says: numbers (whole
    when ``whole``, at least ``low``; blank only when ``may_be_blank``), or non-empty text when
    ``text``. Returns the column, as numbers unless ``text``. Raises :class:`UserError` naming
    ``file``, the column, the first bad row (as a spreadsheet numbers it: the header is row 1)
    and what was expected; a blank rank stopped the report with a Python error, and a blank
    input was named "nan"."""
    import pandas as pd

    col = df[column]
    rows = pd.Series(True, index=df.index) if rows is None else rows
    if text:
        bad = rows & (col.isna() | (col.astype(str).str.strip() == ""))
        expected = "a name"
    else:
        num = pd.to_numeric(col, errors="coerce")
        blank = col.isna()
        bad = rows & ((num.isna() & ~blank) | (blank & (not may_be_blank))
                      | (num.notna() & ~num.apply(lambda v: math.isfinite(v)
                                                  and (not whole or float(v).is_integer())
                                                  and (low is None or v >= low))))
        expected = ("a whole number" if whole else "a number") + (
            f" of at least {low:g}" if low is not None else "") + (
            " or blank" if may_be_blank else "")
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        v = col.iloc[i]
        got = "a blank cell" if pd.isna(v) else repr(v) if isinstance(v, str) else f"{v:g}"
        raise UserError(f"{file}: row {i + 2}, column {column!r}: expected {expected} (got "
                        f"{got}); the file may have been edited or cut short: write it again "
                        f"with `{command}`")
    return col if text else pd.to_numeric(col, errors="coerce")


def saved_flags(df, column: str, file: Path, command: str):
    """``df[column]`` as True/False, refused naming the row unless every cell is one of them
    (``astype(bool)`` read any text, "no" and "maybe" too, as True)."""
    import pandas as pd

    col = df[column]
    words = {"true": True, "false": False, "1": True, "0": False, "1.0": True, "0.0": False}
    out = col.map(lambda v: v if isinstance(v, bool)
                  else words.get(str(v).strip().lower()) if not pd.isna(v) else None)
    bad = out.isna()
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        v = col.iloc[i]
        got = "a blank cell" if pd.isna(v) else repr(str(v))
        raise UserError(f"{file}: row {i + 2}, column {column!r}: expected True or False (got "
                        f"{got}); the file may have been edited or cut short: write it again "
                        f"with `{command}`")
    return out.astype(bool)
