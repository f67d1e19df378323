"""``workbench validate FILE...``: check scenario files and explain any problems."""

from __future__ import annotations

import sys


def cmd_validate(args) -> int:
    """Load each file; print one line per good file and the problems of each bad one (exit 2)."""
    from ..scenario import ScenarioError, load_scenario
    from ..scenario.checks import scenario_notes
    from ..scenario.load import expand_pattern, file_notes
    from ..present.tables import isolate   # a right-to-left name keeps the line's order

    bad = 0
    # a Windows command prompt passes `scenarios\*.yaml` as typed: it is expanded here
    for f in [name for typed in args.files for name in expand_pattern(typed)]:
        try:
            sc = load_scenario(f)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            bad += 1
        else:
            print(f"{f}: OK ({isolate(sc.name)}: {sum(sc.initial.open_cases.values()):,} open cases, "
                  f"{len(sc.teams)} teams, {sc.horizon_years:g} years)")
            for note in file_notes(f, sc) + scenario_notes(sc):
                print(f"  note: {note}")
    return 2 if bad else 0


def register(sub) -> None:
    """Add ``validate`` to the ``workbench`` parser."""
    v = sub.add_parser("validate", help="check scenario files and explain any problems")
    v.add_argument("files", nargs="+", metavar="FILE", help="scenario files (YAML) to check")
    v.set_defaults(func=cmd_validate)
