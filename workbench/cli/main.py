"""The ``workbench`` command: the parser, one module per command, and the one place where a
user's mistake becomes a message.

    workbench validate FILE...
    workbench run SCENARIO [--seed N] [--years Y] [--out DIR]
    workbench compare BASE.yaml VARIANT.yaml ... --replications R --out DIR
    workbench report [SCENARIO ...] [--out outputs/report.html]
    workbench calibrate --cases FILE --workforce FILE --out scenarios/NAME.yaml
    workbench from-published --la NAME --data DIR --out scenarios/NAME.yaml
    workbench synthesize --out DIR
    workbench validation [--replications N] [--years Y] [--csv FILE] [--markdown FILE]
    workbench new NAME --from scenarios/baseline.yaml
    workbench optimise SCENARIO --target KPI>=X ... [--budget-minutes M]
    workbench sensitivity SCENARIO [--kpi KPI]
    workbench app [--port N]
    workbench --version

A user mistake (a bad scenario file, a bad parameter, a broken extract: a
:class:`~workbench.errors.UserError`) prints one clear message and exits with status 2; it never
shows a traceback. So does an output the machine will not let it write (a full disk, a read-only
folder, no permission): the file and the reason.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from pathlib import Path

from .. import files
from ..errors import UserError
from . import app, calibrate, compare, new, optimise, report, run, sensitivity, validate
from . import from_published, validation

#: The command modules, in the order ``workbench --help`` lists them; each has ``register(sub)``.
COMMANDS = (validate, run, compare, report, calibrate, from_published, validation, new, optimise,
            sensitivity, app)


def version_text() -> str:
    """The version line: the workbench's version and which simulation core runs."""
    from .. import __version__
    from ..model import core_status

    kinds = list(core_status().values())
    n = kinds.count("compiled")
    core = ("compiled" if n == len(kinds) else "Python source" if n == 0
            else f"{n} of {len(kinds)} modules compiled")
    return f"workbench {__version__} (simulation core: {core})"


def build_parser() -> argparse.ArgumentParser:
    """The ``workbench`` argument parser with every command."""
    p = argparse.ArgumentParser(
        prog="workbench",
        description="Children's social care workforce workbench: scenarios, simulation, reports.")
    p.add_argument("--version", action="version", version="%(prog)s",
                   help="print the version and which simulation core runs, then exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return p


def tolerant_output() -> None:
    """Let stdout and stderr print any text: where their encoding cannot show a character (a
    Windows console's cp1252 when the output goes to a file, an ASCII terminal), it prints as
    "?" instead of stopping the command with a UnicodeEncodeError. A scenario named with an emoji
    or "£" is then still run, and its files (always UTF-8) are unchanged."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf16", "utf32") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # a stream that cannot be reconfigured: left as is
                pass


def terminal_text(text) -> str:
    """``text`` with control characters other than line breaks, carriage returns (a progress
    bar's) and tabs shown as escapes: a file named with a terminal's escape sequence (ESC [ ...)
    quoted in a message would otherwise move the cursor, recolour or clear the user's terminal."""
    return "".join(c if c in "\n\r\t" or not (ord(c) < 32 or 127 <= ord(c) < 160)
                   else ascii(c)[1:-1] for c in str(text))


class _TerminalSafe:
    """A terminal's stream that writes :func:`terminal_text` (everything else as the stream)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return self._stream.write(terminal_text(text))

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextlib.contextmanager
def terminal_safe():
    """While the command runs, what it prints to a terminal shows control characters as
    escapes (every message, note and table: a file, team or scenario name can hold them); output
    to a file or a pipe is left as written."""
    saved = sys.stdout, sys.stderr
    try:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            try:
                tty = stream.isatty()
            except (AttributeError, ValueError, OSError):
                tty = False
            if tty:
                setattr(sys, name, _TerminalSafe(stream))
        yield
    finally:
        sys.stdout, sys.stderr = saved


#: The package's folder: a warning raised by its own code is a note to the user
_PACKAGE = Path(__file__).resolve().parents[1]


def _show_notes(show):
    """``warnings.showwarning`` that prints the workbench's own warnings (a replication run
    again, a result it could not use) as one line, "note: ...", without the Python file and
    line they came from; any other warning goes to ``show`` as before."""
    def showwarning(message, category, filename, lineno, file=None, line=None):
        try:
            ours = Path(filename).resolve().is_relative_to(_PACKAGE)
        except (OSError, ValueError):
            ours = False
        if ours and issubclass(category, (UserWarning, RuntimeWarning)):
            print(f"note: {message}", file=file or sys.stderr)
        else:
            show(message, category, filename, lineno, file, line)
    return showwarning


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2: a user mistake, explained on stderr)."""
    show = warnings.showwarning
    warnings.showwarning = _show_notes(show)
    try:
        with terminal_safe():
            return _main(argv)
    finally:
        warnings.showwarning = show


def _main(argv: list[str] | None) -> int:
    tolerant_output()
    parser = build_parser()
    if argv is None:
        argv = sys.argv[1:]
    if "--version" in argv[:1]:
        print(version_text())  # imports the package only when asked (--help stays quick)
        return 0
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:  # ScenarioError and the extract errors are UserErrors too
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # the machine refusing a write the commands did not foresee (a full disk, a read-only
        # folder): the file and the reason, not a traceback; any other OSError is a fault
        if not files.is_write_error(exc):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}cannot write it ({files.reason(exc)})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
