"""``workbench report``: the scrutiny report for scenario files, as one self-contained HTML file.

    workbench report [SCENARIO ...] [--out outputs/report.html] [--replications R] [--seed S]
                     [--years Y] [--title T] [--authority A] [--executor process|serial]

Every parameter is checked before anything runs. The experiment runs here first, with a progress
bar, and writes each replication to ``outputs/<name>/``; the report notebook
(``notebooks/report.ipynb``) is then executed with papermill, loads those replications, and is
rendered to HTML without code cells (charts embedded, readable offline, printable).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..errors import UserError
from ..scenario.catalog import PACKAGE_ROOT as ROOT
from ..scenario.catalog import bundled_scenarios
from . import args as types

NOTEBOOK = ROOT / "notebooks" / "report.ipynb"


def check_inputs(files: list[Path], replications: int, years: float | None) -> dict:
    """Load every scenario (clear errors for a missing or bad file) before anything runs."""
    from ..scenario import ScenarioError, load_scenarios

    types.positive_int.parse(replications, "--replications")  # also when called from Python
    if years is not None:
        types.years.parse(years, "--years")
    if not files:
        raise UserError("no scenario files given and none found in scenarios/")
    try:
        return load_scenarios(files)
    except ScenarioError as exc:
        raise UserError(f"the report cannot run:\n{exc}") from None


def _strip_external(html_text: str) -> str:
    """Drop scripts and styles fetched from the internet: the report must read offline."""
    html_text = re.sub(r"<script[^>]+src=\"https?://[^\"]+\"[^>]*>\s*</script>", "", html_text)
    html_text = re.sub(r"<link[^>]+href=\"https?://[^\"]+\"[^>]*>", "", html_text)
    return html_text


def build_report(files: list[Path], out: Path, replications: int = 8, seed: int = 2017,
                 years: float | None = None, title: str | None = None, authority: str = "",
                 executor: str = "process", experiment_dir: Path | None = None,
                 progress: bool = True) -> Path:
    """Run the experiment, execute the report notebook and write self-contained HTML to ``out``."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    from ..experiment import run_experiment

    scenarios = check_inputs(files, replications, years)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    experiment_dir = Path(experiment_dir or out.parent)
    name = f"{out.stem}_experiment"
    if progress:
        print(f"Running {len(scenarios)} scenarios x {replications} replications "
              f"({executor} executor)...", file=sys.stderr)
    exp = run_experiment({n: sc for n, (sc, _) in scenarios.items()}, replications=replications,
                         seed=seed, years=years, executor=executor, out=experiment_dir,
                         name=name, progress=progress)
    if len(exp.kpis) == 0:
        raise UserError("every replication failed; see " + str(exp.out_dir))
    executed = out.with_suffix(".ipynb")
    params = {
        "scenario_files": [str(Path(p).resolve()) for _, p in scenarios.values()],
        "replications": replications, "seed": seed, "years": years,
        "title": title or "Children's social care workforce: scenarios for scrutiny",
        "authority": authority, "experiment_dir": str(experiment_dir.resolve()),
        "experiment_name": name, "executor": executor, "root": str(ROOT),
    }
    if progress:
        print("Writing the report...", file=sys.stderr)
    pm.execute_notebook(str(NOTEBOOK), str(executed), parameters=params, progress_bar=progress,
                        cwd=str(ROOT), kernel_name="python3")
    nb = nbformat.read(str(executed), as_version=4)
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": params["title"]}})
    out.write_text(_strip_external(body), encoding="utf-8")
    executed.unlink(missing_ok=True)  # keep only the report; the executed notebook holds code
    return out


def cmd_report(args) -> int:
    files = [Path(f) for f in args.scenarios] if args.scenarios else bundled_scenarios()
    check_inputs(files, args.replications, args.years)  # clear errors before anything runs
    path = build_report(files, Path(args.out), args.replications, args.seed, args.years,
                        args.title, args.authority, args.executor)
    print(f"Report written to {path}")
    return 0


def register(sub) -> None:
    """Add ``report`` to the ``workbench`` parser."""
    r = sub.add_parser("report", help="produce the scrutiny report (HTML) for scenario files")
    r.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                   help="scenario files, the baseline first (default: every bundled scenario)")
    r.add_argument("--out", default="outputs/report.html", help="the HTML file to write")
    r.add_argument("--replications", type=types.positive_int, default=8)
    r.add_argument("--seed", type=types.non_negative_int, default=2017)
    r.add_argument("--years", type=types.years, default=None)
    r.add_argument("--title", default=None)
    r.add_argument("--authority", default="")
    r.add_argument("--executor", choices=["process", "serial"], default="process")
    r.set_defaults(func=cmd_report)
