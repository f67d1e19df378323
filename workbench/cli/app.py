"""``workbench app``: serve the managers' app (the explorer as a web page with no code).

    workbench app [--port N] [--host ADDRESS] [--scenarios DIR] [--replications R] [--years Y]
                  [--no-browser] [--no-preheat] [--close-idle-after SECONDS]

Starts Voila on ``notebooks/app.ipynb`` (:mod:`workbench.present.app_server`), prints the local
address and opens it in a browser; Ctrl+C stops it. Scenarios saved from the page go into the
scenarios folder (``--scenarios``, default the project's ``scenarios/``).
"""

from __future__ import annotations

from ..present.app_server import CULL_IDLE_S
from . import args as types

_port = types.Number(int, 1, 65535)
_replications = types.Number(int, 2, 100)
#: A closed page's kernel is shut down after this many quiet seconds (0: never; a day at most).
_close_after = types.Number(int, 0, 86_400)


def cmd_app(args) -> int:
    """Serve the app until Ctrl+C."""
    from pathlib import Path

    from ..present.app_server import CULL_INTERVAL_S, serve
    from ..scenario import ScenarioError, load_scenario
    from ..scenario.catalog import scenario_files

    if 0 < args.close_idle_after < 10:
        # a page handed a kernel started ahead needs a few seconds to connect to it
        raise ScenarioError(f"--close-idle-after {args.close_idle_after}: give 0 (never) or 10 "
                            f"seconds or more")
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
                 preheat=not args.no_preheat, cull_idle_s=args.close_idle_after,
                 cull_interval_s=min(CULL_INTERVAL_S, max(args.close_idle_after // 2, 1)))


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
    a.add_argument("--close-idle-after", type=_close_after, default=CULL_IDLE_S,
                   metavar="SECONDS",
                   help=f"shut down the Python process of a page that has been closed for this "
                        f"long (default {CULL_IDLE_S}: each page's process holds about 0.5 GB; 0: "
                        f"never). An open page and a running simulation are never shut down")
    a.set_defaults(func=cmd_app)
