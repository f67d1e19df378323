"""The command line's argument types: one bounded number type and one date type, used by every
command, so that a mistake reads the same everywhere ("--years must be at most 30, got 40").

A :class:`Number` serves two ways: as an argparse ``type`` (argparse then prints the message
with the usage and exits with status 2), and through :meth:`Number.parse`, for commands that
check their arguments themselves before anything runs and report one line (a
:class:`~workbench.errors.UserError`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
from pathlib import Path

from .. import files
from ..errors import UserError

__all__ = ["Number", "add_executor_options", "date", "input_folder", "non_negative_int",
           "output_file", "positive_int", "seed", "years"]


class Number:
    """A whole number (``kind=int``) or a finite number (``kind=float``) within bounds.

    Parameters
    ----------
    kind : {int, float}
        Whole numbers only, or any finite number.
    low : float, optional
        Smallest value allowed (or, with ``above``, the value it must exceed).
    high : float, optional
        Largest value allowed.
    above : bool
        ``low`` itself is not allowed.
    least, most : (float, str), optional
        A smallest or largest sensible value and the reason for it, checked once the value is
        within its bounds (a horizon of a second passes "above 0" but gives rates of billions a
        year; a billion replications pass "at least 1" but never finish).
    """

    def __init__(self, kind: type = int, low: float | None = None, high: float | None = None,
                 above: bool = False, least: tuple[float, str] | None = None,
                 most: tuple[float, str] | None = None):
        if kind not in (int, float):
            raise ValueError(f"kind must be int or float, not {kind!r}")
        self.kind, self.low, self.high, self.above = kind, low, high, above
        self.least, self.most = least, most

    def _problem(self, text) -> tuple[int | float | None, str]:
        """The value and "" if ``text`` is acceptable, else None or the value and what was
        expected (e.g. "must be at least 1, got 0")."""
        noun = "a whole number" if self.kind is int else "a number"
        shown = repr(text) if len(str(text)) <= 40 else f"{str(text)[:40]!r}... ({len(str(text)):,} characters)"
        # a number out of bounds is echoed as typed: 18446744073709551616 read as "1.84467e+19",
        # and 30.0000001 as "at most 30, got 30"
        typed = str(text).strip()
        typed = typed if len(typed) <= 40 else f"{typed[:40]}... ({len(typed):,} characters)"
        if "_" in str(text):
            # Python reads 1_0 as 10: --years 1_0 ran ten years (H91)
            return None, (f"must be {noun}, got {shown}; write it without underscores "
                          f"(1_0 would read as 10)")
        try:
            v = self.kind(str(text).strip())
        except ValueError:  # also a whole number of more than 4,300 digits
            from ..scenario.errors import number_hint

            # --years 0,5 or --replications 1,000: say what to type, as a scenario file does
            hint = number_hint(str(text)[:60], "")
            hint = hint if hint and hint.startswith(("write the number without thousands",
                                                     "write a decimal point",
                                                     "write the number in full")) else ""
            return None, f"must be {noun}, got {shown}" + (f"; {hint}" if hint else "")
        if isinstance(v, int) and len(str(abs(v))) > 30:   # 1e30 or more: no bound is that far
            return None, f"must be {noun} of at most 30 digits, got {shown}"
        if not math.isfinite(v):
            return None, f"must be a finite number, got {shown}"
        bounds = []
        if self.low is not None:
            bounds.append(f"{'above' if self.above else 'at least'} {self.low:g}")
        if self.high is not None:
            bounds.append(f"at most {self.high:g}")
        low_bad = self.low is not None and (v <= self.low if self.above else v < self.low)
        if low_bad or (self.high is not None and v > self.high):
            return v, f"must be {' and '.join(bounds)}, got {typed}"
        if self.least is not None and v < self.least[0]:
            return v, f"must be at least {self.least[0]:g} ({self.least[1]}), got {typed}"
        if self.most is not None and v > self.most[0]:
            most = f"{self.most[0]:,}" if isinstance(self.most[0], int) else f"{self.most[0]:,.0f}"
            return v, f"must be at most {most} ({self.most[1]}), got {typed}"
        return v, ""

    def parse(self, text, name: str) -> int | float:
        """The value of argument ``name`` given as ``text``.

        Raises
        ------
        UserError
            "``name`` must be ..., got ..." when it is not a number within the bounds.
        """
        v, problem = self._problem(text)
        if problem:
            raise UserError(f"{name} {problem}")
        return v

    def __call__(self, text: str) -> int | float:
        # as an argparse type: argparse names the argument before the message
        v, problem = self._problem(text)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return v


#: Replications, workers: 1 or more.
positive_int = Number(int, 1)
#: Whole numbers of 0 or more.
non_negative_int = Number(int, 0)
#: Seeds: 0 or more, and short enough to name files by (a replication's files carry its seed).
seed = Number(int, 0, most=(2**63 - 1, "a seed only names a stream of random numbers; a longer "
                                       "one would make file names too long to write"))
#: A horizon: at least about a week (0.02 years) and at most 30 years.
years = Number(float, None, 30,
               least=(0.02, "about a week: the KPIs are weekly series and yearly rates"))
#: Replications of each scenario: 1 or more, and few enough to finish (a billion never would).
replications = Number(int, 1, most=(10_000, "intervals are tight long before; more would run "
                                                 "for days"))


def out_file(value, what: str = "--out") -> Path:
    """An output file's path: not a folder, and in a folder that exists or could be made (checked
    without making it, so that a later mistake leaves nothing behind)."""
    path = Path(value)
    if path.is_dir():
        raise UserError(f"{what} {path}: is a folder; give a file name")
    return files.check_can_write(path, what)


def output_file(value, what: str, *suffixes: str) -> Path:
    """An output file's path, checked before anything runs: not a folder (one named like a file,
    ``xl.xlsx``, is called a folder), a name ending in one of ``suffixes`` (any case), in a
    folder that exists or could be made (:func:`out_file`, :func:`suffixed`)."""
    path = Path(value)
    ending = " or ".join(suffixes)
    if path.is_dir():
        raise UserError(f"{what} {path}: is a folder; give a file name ending in {ending}")
    return out_file(suffixed(path, what, *suffixes), what)


def input_folder(value, what: str) -> Path:
    """A folder that is read: refused at once, in the words used for an output folder, when it
    or a folder on its path is a file ("exists and is not a folder"); a folder that does not
    exist is left to the reader, which says what it should hold."""
    path = Path(value)
    for p in (path, *path.parents):
        if p.exists():
            if not p.is_dir():
                where = "" if p == path else f"{p} "
                raise UserError(f"{what} {path}: {where}exists and is not a folder")
            break
    return path


def suffixed(path, what: str, *suffixes: str) -> Path:
    """``path`` if its name ends in one of ``suffixes`` (so that a slip of the keyboard cannot
    write a report over a scenario file, or a table over a spreadsheet)."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise UserError(f"{what} {path}: give a file name ending in {' or '.join(suffixes)}")
    return path


def not_an_input(path, what: str, inputs: dict) -> Path:
    """``path`` (an output) if it is none of ``inputs`` (option -> path; None for one not
    given), and inside none of the folders among them that are read whole: writing it would
    destroy an input, or add a file that the next run would read as one."""
    path = Path(path)
    target = path.resolve()
    for option, given in inputs.items():
        if given is None:
            continue
        source = Path(given).resolve()
        if target == source:
            raise UserError(f"{what} {path}: is also {option}; writing it would destroy that "
                            f"input (choose another name)")
        if source.is_dir() and source in target.parents:
            raise UserError(f"{what} {path}: is inside {option} {given}; what is written there "
                            f"would be read as input next time (choose another folder)")
    return path


def named_folder(value, what: str = "--out") -> Path:
    """``value`` as a folder's path, refusing an empty or blank name: ``--out ""`` (a shell
    variable that was never set) wrote every file into the current folder, and ``--out " "``
    into a folder named by a space, with nothing said."""
    if not str(value).strip():
        raise UserError(f"{what} {str(value)!r}: the folder's name is empty or blank; give a "
                        f"folder, e.g. {what} outputs")
    return Path(value)


def folder_could_be_made(path, what: str = "--out") -> Path:
    """``path`` if it is a folder, or could be made in its nearest existing parent, and this
    process may write there (nothing is made: a later mistake leaves nothing behind)."""
    path = named_folder(path, what)
    if path.exists() and not path.is_dir():
        raise UserError(f"{what} {path}: exists and is not a folder")
    return files.check_can_write(path, what)


def writable_folder(path, what: str = "--out") -> Path:
    """A folder to write into, made if missing; a clear message if it cannot be (a file is in the
    way, no permission, a read-only disk)."""
    path = named_folder(path, what)
    if path.exists() and not path.is_dir():
        raise UserError(f"{what} {path}: exists and is not a folder")
    files.check_can_write(path, what)
    return files.make_folder(path, what)


def date(text: str) -> dt.date:
    """An argparse type: a date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        m = re.fullmatch(r"\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*", text)
        if m:
            # in the form asked for, but no such day: say which part is wrong
            y, mo, d = (int(g) for g in m.groups())
            why = ("there is no year 0" if y < 1 else f"there is no month {mo}"
                   if not 1 <= mo <= 12 else f"{dt.date(y, mo, 1):%B %Y} has no day {d}")
            raise argparse.ArgumentTypeError(f"{text!r} is not a date: {why}") from None
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def add_executor_options(parser, out_default: str | None = None) -> None:
    """The options every command that runs many replications shares: where they run
    (``--executor``, ``--scheduler``, ``--workers``) and ``--no-progress``. With
    ``out_default``, also ``--out DIR`` for the tables and replication files."""
    parser.add_argument("--executor", default="process", choices=("serial", "process", "dask"),
                        help="where replications run (default: a local process pool on all cores)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="Dask scheduler address (with --executor dask; default: a local "
                             "cluster)")
    parser.add_argument("--workers", default=None, metavar="N",
                        help="worker processes (default: all cores)")
    if out_default is not None:
        parser.add_argument("--out", default=None, metavar="DIR",
                            help="folder for the tables and the replication files "
                                 f"(default {out_default})")
    parser.add_argument("--no-progress", action="store_true", help="do not show a progress bar")


def executor_workers(args) -> int | None:
    """The checked ``--workers`` (None: all cores), refusing ``--scheduler`` without
    ``--executor dask`` (the options :func:`add_executor_options` adds)."""
    workers = positive_int.parse(args.workers, "--workers") if args.workers is not None else None
    if args.scheduler and args.executor != "dask":
        raise UserError("--scheduler only applies with --executor dask")
    return workers


def out_folder(value, default) -> Path:
    """``--out`` as a folder (``default`` when not given), refusing an existing file."""
    out = named_folder(value if value is not None else default, "--out")
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder")
    return files.check_can_write(out, "--out")


def scenario_file(value) -> Path:
    """A scenario file argument that must exist."""
    path = Path(value)
    if not path.is_file():
        raise UserError(f"{path}: scenario file not found")
    return path
