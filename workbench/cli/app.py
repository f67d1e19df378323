"""``workbench app``: serve the managers' app (the explorer as a web page with no code).

    workbench app [--port N] [--host ADDRESS] [--scenarios DIR] [--replications R] [--years Y]
                  [--no-browser]

Starts Voila on ``notebooks/app.ipynb`` (:mod:`workbench.present.app_server`), prints the local
address and opens it in a browser; Ctrl+C stops it. Scenarios saved from the page go into the
scenarios folder (``--scenarios``, default the project's ``scenarios/``).
"""

from __future__ import annotations

from . import args as types

_port = types.Number(int, 1, 65535)
_replications = types.Number(int, 2, 100)


def cmd_app(args) -> int:
    """Serve the app until Ctrl+C."""
    from pathlib import Path

    from ..present.app_server import serve
    from ..scenario import ScenarioError, load_scenario
    from ..scenario.catalog import scenario_files

    if args.scenarios is not None:
        folder = Path(args.scenarios)
        if not folder.is_dir():
            raise ScenarioError(f"--scenarios {folder}: not a folder")
        found = scenario_files(folder)
        if not found:
            raise ScenarioError(f"--scenarios {folder}: no scenario files (*.yaml) in it")
        problems = []
        for path in found:  # the page needs one file that loads to start from
            try:
                load_scenario(path)
                break
            except ScenarioError as exc:
                problems.append(str(exc))
        else:
            raise ScenarioError(f"--scenarios {folder}: no scenario file in it loads, so the page "
                                f"has nothing to start from; the first problem:\n{problems[0]}")

    return serve(port=args.port, host=args.host, open_browser=not args.no_browser,
                 scenarios=args.scenarios, replications=args.replications, years=args.years,
                 preheat=not args.no_preheat)


def register(sub) -> None:
    """Add ``app`` to the ``workbench`` parser."""
    a = sub.add_parser("app", help="serve the scenario explorer as a web page (no code)",
                       description="Serve the managers' app: pick a scenario, move the levers, "
                                   "run, save the scenario, download the results as Excel.")
    a.add_argument("--port", type=_port, default=None, metavar="N",
                   help="port to serve on (default 8866, or a free one if that is taken)")
    a.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                   help="address to listen on (default 127.0.0.1: this computer only; see the "
                        "README before serving a team)")
    a.add_argument("--scenarios", default=None, metavar="DIR",
                   help="folder of scenario files to pick from and save into "
                        "(default: the project's scenarios/)")
    a.add_argument("--replications", type=_replications, default=4, metavar="R",
                   help="runs of each scenario the page starts with (2-100; default 4)")
    a.add_argument("--years", type=types.years, default=2.0, metavar="Y",
                   help="years to simulate the page starts with (default 2)")
    a.add_argument("--no-browser", action="store_true", help="do not open a browser")
    a.add_argument("--no-preheat", action="store_true",
                   help="do not keep a kernel started ahead (saves memory; the page then takes "
                        "about ten seconds longer to open)")
    a.set_defaults(func=cmd_app)
