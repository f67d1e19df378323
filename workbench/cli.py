"""The ``workbench`` command.

    workbench validate FILE...
    workbench run SCENARIO [--seed N] [--years Y] [--out DIR]

A user mistake (a bad scenario file, a bad parameter) prints one clear message and exits with
status 2; it never shows a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import UserError
from .scenario import ScenarioError

__all__ = ["UserError", "build_parser", "main"]


def number(kind=int, low: float | None = None, high: float | None = None, above: bool = False,
           what: str = ""):
    """An argparse type: a whole number (``kind=int``) or a number, from ``low`` (or strictly
    ``above`` it) to ``high``, with a message that says what was expected."""
    noun = "a whole number" if kind is int else "a number"
    bounds = []
    if low is not None:
        bounds.append(f"{'above' if above else 'at least'} {low:g}")
    if high is not None:
        bounds.append(f"at most {high:g}")
    expected = f"{noun}{' of ' + what if what else ''}{', ' + ' and '.join(bounds) if bounds else ''}"

    def parse(text: str):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if (low is not None and (v <= low if above else v < low)) or (high is not None and v > high):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {v:g}")
        return v

    return parse


_positive_int = number(int, 1)
_nonneg_int = number(int, 0)
_positive_float = number(float, 0, 30, above=True, what="years")


# ---------------------------------------------------------------------------------- commands
def cmd_validate(args) -> int:
    from .scenario import load_scenario

    bad = 0
    for f in args.files:
        try:
            sc = load_scenario(f)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            bad += 1
        else:
            print(f"{f}: OK ({sc.name}: {sum(sc.initial.open_cases.values()):,} open cases, "
                  f"{len(sc.teams)} teams, {sc.horizon_years:g} years)")
    return 2 if bad else 0


def cmd_run(args) -> int:
    from .analysis.registry import format_kpis
    from .model import simulate
    from .scenario import load_scenario

    sc = load_scenario(args.scenario)
    run = simulate(sc, seed=args.seed, years=args.years)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(args.scenario).stem
    kpi_path = out / f"{stem}_seed{args.seed}_kpis.json"
    ts_path = out / f"{stem}_seed{args.seed}_weekly.csv"
    kpi_path.write_text(json.dumps({"scenario": sc.name, "seed": args.seed,
                                    "years": run.horizon_days / 365.25,
                                    "kpis": {k: float(v) for k, v in run.kpis.items()}}, indent=2))
    run.timeseries.to_csv(ts_path, index=False)
    print(format_kpis(run.kpis, title=f"{sc.name}: one replication, seed {args.seed}, "
                                      f"{run.horizon_days / 365.25:g} years from {sc.start_date}"))
    print(f"\nWrote {kpi_path} and {ts_path} (aggregates only).")
    return 0


# ---------------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="workbench",
        description="Children's social care workforce workbench: scenarios, simulation, reports.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check scenario files and explain any problems")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("run", help="run one replication of a scenario and print its KPIs")
    r.add_argument("scenario", metavar="SCENARIO")
    r.add_argument("--seed", type=_nonneg_int, default=0)
    r.add_argument("--years", type=_positive_float, default=None,
                   help="horizon in years (default: the scenario's)")
    r.add_argument("--out", default="outputs", help="folder for the KPI and weekly files")
    r.set_defaults(func=cmd_run)

    _register_extra_commands(sub)
    return p


def _register_extra_commands(sub) -> None:
    """Commands defined in other modules (experiments, reports, calibration)."""
    for modname in ("workbench.experiment_cli", "workbench.report_cli", "workbench.calibration.cli"):
        try:
            mod = __import__(modname, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name == modname or (exc.name and modname.startswith(exc.name)):
                continue
            raise
        mod.register(sub)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ScenarioError, UserError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
