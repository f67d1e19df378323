"""``workbench validation``: the model against published figures, calibrated rows marked.

    workbench validation [--replications N] [--years Y] [--seed S] [--csv FILE]
                         [--markdown FILE] [--executor process|serial] [--workers N]
                         [--no-progress]

Runs the England-average authority, and the baseline with the demand surge on common random
numbers, then prints one table per comparison: each measure, the published figure, the model's
mean and 95% interval, whether it matches and whether it is *calibrated* (the inputs were fitted
to it: no evidence) or *out of sample* (a real check). ``--csv`` also writes the table (shown
text and numbers) as CSV, ``--markdown`` as Markdown tables (for ``docs/validation.md``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import files
from ..errors import UserError
from . import args as types


def register(subparsers) -> None:
    """Add the ``validation`` subcommand to the ``workbench`` parser."""
    c = subparsers.add_parser(
        "validation",
        help="compare the model with published figures (England average, Walsall surge)",
        description="Run the England-average authority and the Walsall-like demand surge and "
                    "print the model against published figures, each row marked calibrated "
                    "(fitted to it: not evidence) or out of sample (a real check).")
    # Numbers are checked in cmd_validation so a mistake gives one line (exit 2).
    c.add_argument("--replications", "-r", default="10", metavar="N",
                   help="replications per scenario, a whole number (at least 1; 2 or more for "
                        "intervals; default 10)")
    c.add_argument("--years", default="3", metavar="Y",
                   help="years simulated for the England-average authority (0.02 to 30; "
                        "default 3), measured over the final year; the Walsall comparison "
                        "always runs to twelve months after its surge starts")
    c.add_argument("--seed", default="0", metavar="S", help="base seed, a whole number (default 0)")
    c.add_argument("--csv", default=None, metavar="FILE", help="also write the table (text and numbers) as CSV")
    c.add_argument("--markdown", default=None, metavar="FILE",
                   help="also write the table as Markdown (for docs/validation.md)")
    c.add_argument("--executor", default="process", choices=("process", "serial"),
                   help="where replications run (default: a process pool on all cores)")
    c.add_argument("--workers", default=None, metavar="N",
                   help="worker processes, a whole number (default: all cores)")
    c.add_argument("--no-progress", action="store_true", help="do not show progress bars")
    c.set_defaults(func=cmd_validation)


def _output_file(option: str, value: str, *suffixes: str) -> Path:
    """The file an output option names, checked before anything runs: a file name with one of
    ``suffixes`` (a folder named like one is called a folder), in a folder that exists (a file
    in the way: "exists and is not a folder", as every command says)."""
    path = types.output_file(value, option, *suffixes)
    if not path.parent.is_dir():
        raise UserError(f"{option} {path}: the folder {path.parent} does not exist")
    return path


def cmd_validation(args) -> int:
    """Check every argument, run both comparisons, print the table, write the CSV if asked."""
    reps = types.positive_int.parse(args.replications, "--replications")
    years = types.years.parse(args.years, "--years")
    seed = types.seed.parse(args.seed, "--seed")
    workers = (types.positive_int.parse(args.workers, "--workers")
               if args.workers is not None else None)
    outputs = {opt: _output_file(opt, value, *suffixes) for
               opt, value, suffixes in (("--csv", args.csv, (".csv",)),
                                        ("--markdown", args.markdown, (".md", ".markdown")))
               if value}

    from ..present.validation import run_validation, validation_markdown, validation_text

    v = run_validation(reps, years, seed, executor=args.executor, max_workers=workers,
                       progress=not args.no_progress)
    print(f"Model against published figures ({v.command()})\n")
    print(validation_text(v))
    if reps < 2:
        print("One replication: no intervals (use --replications 2 or more).")
    for opt, path in outputs.items():
        with files.writing(path, opt) as tmp:
            if opt == "--csv":
                v.table.to_csv(tmp, index=False)
            else:
                tmp.write_text(validation_markdown(v) + "\n", encoding="utf-8")
        print(f"\nWrote {path}.")
    if v.failures:
        print(f"{v.failures} replication(s) failed", file=sys.stderr)
        return 1
    return 0
