"""What the explorer and the app say about the settings they are given and a run that fails.

A box's value is checked by :func:`checked_setting` (a whole number in a range, or a number above
a floor), and a failed Run is put in words by :func:`run_problem`: a sentence a manager can act on,
never a traceback. Both are plain functions, tested without a page.
"""

from __future__ import annotations

import errno

from ..errors import UserError

__all__ = ["EverySimulationFailed", "checked_setting", "run_problem"]


def checked_setting(value, box: str, low, high, whole: bool = True):
    """``value`` as a whole number from ``low`` to ``high`` (``whole``), or a number above ``low``
    and at most ``high``; else a :class:`UserError` naming the box and what it takes."""
    try:
        ok = not isinstance(value, (bool, str)) and (
            low <= value <= high if whole else low < value <= high)
        ok = ok and (not whole or isinstance(value, int) or float(value).is_integer())
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        want = (f"a whole number from {low:,} to {high:,}" if whole
                else f"a number above {low:g} and at most {high:g}")
        raise UserError(f"{box}: give {want} (got {value!r})")
    return int(value) if whole else float(value)


class EverySimulationFailed(RuntimeError):
    """No replication of a run finished (the message gives the first one's error)."""


def run_problem(exc: BaseException) -> str:
    """What the page says when Run fails: a sentence a manager can act on, with the error's
    own words kept for the analyst (never a traceback)."""
    text = str(exc)
    if isinstance(exc, EverySimulationFailed):
        first = text.split(": ", 1)[-1]
        if first.startswith("MemoryError"):
            return ("every simulation ran out of memory: try fewer years to simulate or fewer "
                    "runs, or close other work on the computer")
        return (f"every simulation stopped with an error ({first}); the scenario may hold "
                f"settings the model cannot run. Try other settings, and tell your analyst")
    if isinstance(exc, UserError):  # a scenario or setting the workbench refuses: said plainly
        return text
    if isinstance(exc, MemoryError):
        return ("the computer ran out of memory: try fewer years to simulate or fewer runs, or "
                "close other work on the computer")
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "the disk is full: the runs could not be kept. Free some space and press Run again"
    if isinstance(exc, OSError):
        return (f"a file or folder the runs need could not be used ({exc.strerror or exc}); "
                f"press Run again, and tell your analyst if it happens again")
    return (f"an unexpected error ({type(exc).__name__}: {text}). The page still works: "
            f"press Run again or change a control, and tell your analyst if it happens again")
