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

__all__ = ["saved_number"]

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
