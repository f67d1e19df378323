"""``workbench report``: the scrutiny report for scenario files, as one self-contained HTML file.

    workbench report [SCENARIO ...] [--out outputs/report.html] [--replications R] [--seed S]
                     [--years Y] [--warmup-days D] [--stress NAME] [--title T] [--authority A]
                     [--date D] [--prepared-by P] [--logo FILE] [--plan DIR]
                     [--sensitivity DIR] [--published DIR --la NAME [--neighbour NAME ...]]
                     [--pdf] [--executor E]

Every parameter is checked before anything runs. The experiment runs here first, with a progress
bar, and writes each replication to ``outputs/<name>/``; the report notebook
(``notebooks/report.ipynb``) is then executed with papermill, loads those replications, and is
assembled from the notebook's HTML outputs into one page (charts embedded with text
alternatives, readable offline, A4 print styles). ``--pdf`` prints it with headless Chromium.

``--plan DIR`` adds "The cheapest plan that meets the targets" from what ``workbench optimise
--out DIR`` saved, and ``--sensitivity DIR`` adds "What the answer depends on" from what
``workbench sensitivity --out DIR`` saved (:func:`workbench.present.report_sections.plan_section`,
:func:`~workbench.present.report_sections.sensitivity_section`); both are read, and refused
with a clear message, before anything runs. ``--published DIR --la NAME`` adds the authority
against its statistical neighbours (``--neighbour``, repeated) and England, from the published
statistics in DIR (:func:`workbench.present.neighbours.view_section`); a name not in the files
is refused, with close matches, before anything runs. Without them the report is as before.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import files as output
from ..errors import UserError
from ..scenario.catalog import PACKAGE_ROOT as ROOT
from ..scenario.catalog import bundled_scenarios
from . import args as types
from .compare import (MIN_MEASURED_DAYS, different_calendars, different_starts,
                      too_little_measured)

NOTEBOOK = ROOT / "notebooks" / "report.ipynb"


def check_inputs(files: list[Path], replications: int, years: float | None) -> dict:
    """Load every scenario (clear errors for a missing or bad file) before anything runs."""
    from ..scenario import ScenarioError, load_scenarios

    types.replications.parse(replications, "--replications")  # also when called from Python
    if years is not None:
        types.years.parse(years, "--years")
    if not files:
        raise UserError("no scenario files given and none found in scenarios/")
    try:
        return load_scenarios(files)
    except ScenarioError as exc:
        raise UserError(f"the report cannot run:\n{exc}") from None


def _kernel_transport() -> dict:
    """The notebook's kernel talks to papermill over local sockets (Unix domain sockets in
    Jupyter's runtime folder) where the system has them, not TCP ports on the machine: nothing
    listens on a port, and the kernel prints no warning about TCP without encryption in the
    middle of the report's progress. Windows keeps TCP (on 127.0.0.1).

    Each kernel's sockets get names of their own in Jupyter's runtime folder: jupyter_client
    would otherwise name them ``kernel-ipc-1`` ... in the current folder, and two reports
    started there at the same moment could pick the same names (a kernel then fails to start,
    "Invalid Signature")."""
    if os.name != "posix":
        return {}
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir

    class LocalSocketKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            if kwargs["transport"] == "ipc" and "ip" not in kwargs:
                folder = Path(jupyter_runtime_dir())
                folder.mkdir(parents=True, exist_ok=True)
                kwargs["ip"] = str(folder / f"workbench-{uuid.uuid4().hex[:16]}")
            super().__init__(**kwargs)

    return {"kernel_manager_class": LocalSocketKernelManager}


def build_report(files: list[Path], out: Path, replications: int = 8, seed: int = 2017,
                 years: float | None = None, title: str | None = None, authority: str = "",
                 executor: str = "process", experiment_dir: Path | None = None,
                 progress: bool = True, warmup_days: float | None = None, date: str = "",
                 prepared_by: str = "", logo: Path | None = None,
                 pressures: list[str] | tuple = (), plan: Path | None = None,
                 sensitivity: Path | None = None, published: Path | None = None,
                 la: str = "", neighbours: list[str] | tuple = ()) -> Path:
    """Run the experiment, execute the report notebook and write self-contained HTML to ``out``.

    The warm-up (``warmup_days`` None: the MSER-5 suggestion for the baseline) and the report's
    design (options, pressures, every option under every pressure) are settled here, the
    replications run with a progress bar, and the notebook then loads them. ``plan`` and
    ``sensitivity`` (folders ``workbench optimise --out`` and ``workbench sensitivity --out``
    wrote) add their sections, after the charts.
    """
    from ..experiment import run_experiment
    from ..present.report_design import choose_warmup, report_design
    from ..present.tables import counted
    from ..present.report_page import logo_data_uri, page_from_notebook

    scenarios = check_inputs(files, replications, years)
    check_text_options({"--title": title, "--authority": authority, "--date": date,
                        "--prepared-by": prepared_by})
    check_options(scenarios, out, years, warmup_days, pressures, logo)
    if logo is not None:
        logo_data_uri(logo)  # a bad logo fails before anything runs
    decisions = load_decisions(plan, sensitivity)  # so do bad saved results
    check_decisions(scenarios, plan, sensitivity, *decisions)  # and another scenario's
    view = load_neighbours(published, la, neighbours)  # and a name not in the published files
    out = Path(out)
    experiment_dir = Path(experiment_dir or out.parent)
    name = f"{out.stem}_experiment"
    check_work_paths(out, experiment_dir, name)
    scenario_notes_said(scenarios, years)
    # loaded once the inputs pass (nbformat's schema checks take seconds to load: a refusal
    # should not wait for them), before anything runs
    import nbformat
    import papermill as pm

    output.make_folder(out.parent, "--out")
    design = report_design({n: sc for n, (sc, _) in scenarios.items()}, pressures=pressures)
    base = design.scenarios[design.baseline]
    if progress and warmup_days is None:
        print("Choosing the warm-up (MSER-5 on a pilot run of the baseline)...", file=sys.stderr)
    warmup = choose_warmup(base, replications, seed, years, executor, warmup_days)
    if progress:
        parts = ([counted(len(design.options), "option")] if design.options
                 else ["the baseline alone"])
        if design.pressures:
            parts.append(f"{counted(len(design.pressures), 'pressure')} applied to each")
        print(f"Running {counted(len(design.scenarios), 'scenario')} ({', '.join(parts)}) x "
              f"{counted(replications, 'replication')} ({executor} executor)...", file=sys.stderr)
    exp = run_experiment(design.scenarios, replications=replications, seed=seed, years=years,
                         warmup_days=warmup.days, executor=executor, out=experiment_dir,
                         name=name, progress=progress)
    if len(exp.kpis) == 0:
        raise UserError("every replication failed; see " + str(exp.out_dir))
    executed = out.with_suffix(".ipynb")
    title = title or "Children's social care workforce: options for scrutiny"
    params = {
        "scenario_files": [str(Path(p).resolve()) for _, p in scenarios.values()],
        "replications": replications, "seed": seed, "years": years,
        "warmup_days": warmup.days, "warmup_basis": warmup.basis, "pressures": list(pressures),
        "title": title, "authority": authority, "date": date, "prepared_by": prepared_by,
        "logo": str(Path(logo).resolve()) if logo else None,
        "experiment_dir": str(experiment_dir.resolve()),
        "experiment_name": name, "executor": executor, "root": str(ROOT),
    }
    if progress:
        print("Writing the report...", file=sys.stderr)
    pm.execute_notebook(str(NOTEBOOK), str(executed), parameters=params, progress_bar=progress,
                        cwd=str(ROOT), kernel_name="python3", **_kernel_transport())
    nb = nbformat.read(str(executed), as_version=4)
    extra = decision_sections(*decisions)
    if view is not None:
        from ..present.neighbours import view_section

        extra.append(view_section(view))
    output.write_text(out, page_from_notebook(nb, title, extra=extra), "--out")
    executed.unlink(missing_ok=True)  # keep only the report; the executed notebook holds code
    return out


def check_text_options(texts: dict[str, str | None]) -> None:
    """Texts printed in the report's heading (``--title``, ``--authority``, ``--date``,
    ``--prepared-by``), by option: each one line of visible text of at most
    :data:`~workbench.scenario.basics.MAX_NAME_CHARS` characters, as a scenario's name and
    authority are. A right-to-left override would print the heading reversed; a line break or a
    control character has no place in a heading.

    Raises
    ------
    UserError
        Naming the option and what it holds (never the whole value).
    """
    from ..scenario.basics import MAX_NAME_CHARS, one_line_text

    for option, text in texts.items():
        if not text:
            continue
        if not text.strip():   # printed as a blank heading (a blank title, a blank date)
            raise UserError(f"{option}: holds only spaces; give the words to print in the "
                            f"report's heading, or leave {option} out")
        try:
            one_line_text(text)
        except ValueError as exc:
            raise UserError(f"{option}: {exc}") from None
        if len(text) > MAX_NAME_CHARS:
            raise UserError(f"{option}: is {len(text):,} characters long; at most "
                            f"{MAX_NAME_CHARS} is expected (it is printed in the report's "
                            f"heading)")


def check_options(scenarios: dict, out, years: float | None, warmup_days: float | None,
                  pressures, logo) -> None:
    """The options that name things, checked before anything runs: the HTML file (not a folder,
    in a folder that can be made), a warm-up shorter than every horizon, stress tests that are the
    names of scenarios given, and a logo that is a small regular file.

    Raises
    ------
    UserError
        Naming the option and what was expected.
    """
    types.output_file(out, "--out", ".html", ".htm")
    same_start(scenarios)
    same_horizon(scenarios, years)
    if warmup_days is not None:
        for name, (sc, _) in scenarios.items():
            horizon = years * 365.25 if years is not None else sc.horizon_days
            if not 0 <= warmup_days < horizon:
                raise UserError(f"--warmup-days {warmup_days:g} is not shorter than the horizon of "
                                f"{name!r} ({horizon:g} days)")
            if horizon - warmup_days < MIN_MEASURED_DAYS:
                raise UserError(too_little_measured(warmup_days, horizon, name))
    unknown = [p for p in pressures if p not in scenarios]
    if unknown:
        raise UserError(f"--stress {unknown[0]!r}: not the name of a scenario given (names: "
                        f"{', '.join(repr(n) for n in scenarios)})")
    baseline = next(iter(scenarios), None)
    if baseline in pressures:
        variants = [n for n in scenarios if n != baseline]
        name = (f"name a variant ({', '.join(repr(n) for n in variants)})" if variants
                else "give a variant's file after the baseline's and name it")
        raise UserError(f"--stress {baseline!r}: the baseline cannot be a stress test (the "
                        f"first file given is the baseline every option is compared with); "
                        f"{name}")
    if logo is not None:
        logo = Path(logo)
        if logo.exists() and not logo.is_file():
            raise UserError(f"--logo {logo}: is not a regular file (a folder, device or pipe)")
        if logo.is_file() and logo.stat().st_size > 2_000_000:
            raise UserError(f"--logo {logo}: is {logo.stat().st_size / 1e6:.1f} MB; at most 2 MB "
                            "is expected")


def check_work_paths(out: Path, experiment_dir: Path, name: str) -> None:
    """The paths the report writes on its way, checked before anything runs: the experiment's
    folder (``experiment_dir/name``) and the executed notebook beside ``out`` (``.ipynb``, removed
    at the end) must be writable and not be in the way of what is written there.

    Raises
    ------
    UserError
        Naming the path and what is in the way.
    """
    output.check_can_write(experiment_dir, "the experiment folder")
    runs = experiment_dir / name
    if runs.exists() and not runs.is_dir():
        raise UserError(f"the experiment folder {runs}: exists and is not a folder (the report "
                        f"keeps its runs there); move it or give another --out")
    executed = out.with_suffix(".ipynb")
    if executed.is_dir():
        raise UserError(f"--out {out}: {executed} is a folder; the report writes its notebook "
                        f"there while it runs (move the folder or give another --out)")


def check_pdf(out) -> Path:
    """The PDF ``--pdf`` writes beside ``--out`` (its name with ``.pdf``), checked before anything
    runs: not a folder, in a folder that can be written, and a Chromium and Playwright to print
    it with. Returns the PDF's path.

    Raises
    ------
    UserError
        Naming ``--pdf``, the path and what is wrong.
    """
    from ..present.report_page import find_chromium

    out = types.output_file(out, "--out", ".html", ".htm")
    pdf = out.with_suffix(".pdf")
    if pdf.is_dir():
        raise UserError(f"--pdf {pdf}: is a folder; the PDF is written beside --out with its "
                        f"name ending in .pdf (move the folder or give another --out)")
    output.check_can_write(pdf, "--pdf")
    if find_chromium() is None:
        raise UserError("--pdf needs Chromium or Chrome (Debian: apt-get install chromium); "
                        "none was found (set WORKBENCH_CHROMIUM to its path)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise UserError("--pdf needs Playwright: pip install playwright") from None
    return pdf


def scenario_notes_said(scenarios: dict, years: float | None) -> None:
    """What ``run``, ``validate`` and ``compare`` say of each scenario (a campaign starting
    after the horizon, a team nobody can join, a variant with its base's name ...), for the
    horizon reported, on standard error before anything runs: the report read "no clear
    change" for such an option with nothing said."""
    from ..present.tables import isolate   # a right-to-left name keeps the line's order
    from ..scenario.checks import scenario_notes
    from ..scenario.load import file_notes

    for name, (sc, path) in scenarios.items():
        for note in file_notes(path, sc) + scenario_notes(sc, None if years is None
                                                          else years * 365.25):
            print(f"note: {isolate(name)}: {note}", file=sys.stderr)


def same_start(scenarios: dict) -> None:
    """Refuse scenarios that start on different dates, or count working days on different
    calendars: their weeks, seasons and bank holidays fall on different days, or their
    timescales are measured on different clocks, so a difference between them is partly the
    calendar's (as ``workbench compare`` refuses them).

    Raises
    ------
    UserError
        Naming the first scenario and one that starts on another date (both dates), or counts
        on another calendar (both calendars).
    """
    items = [(name, sc.start_date, path) for name, (sc, path) in scenarios.items()]
    first = items[0]
    for other in items[1:]:
        if other[1] != first[1]:
            raise UserError(different_starts(first, other))
    clocks = [(name, sc.calendar, path) for name, (sc, path) in scenarios.items()]
    for other in clocks[1:]:
        if other[1] != clocks[0][1]:
            raise UserError(different_calendars(clocks[0], other))


def same_horizon(scenarios: dict, years: float | None) -> None:
    """Refuse scenarios of different horizons when no --years puts them on one (as ``workbench
    compare`` does): the report compares averages "over the period", and the warm-up chosen on
    the baseline's run may be longer than another's whole run (a traceback, before)."""
    from ..present.tables import isolate

    horizons = {sc.horizon_years for sc, _ in scenarios.values()}
    if years is None and len(horizons) > 1:
        each = ", ".join(f"{isolate(name)} ({Path(path).name}) {sc.horizon_years:g} "
                         f"year{'' if sc.horizon_years == 1 else 's'}"
                         for name, (sc, path) in scenarios.items())
        raise UserError(f"the scenarios simulate different lengths of time (horizon_years: "
                        f"{each}); a report compares them over one period: give --years, or "
                        f"the same horizon_years in each file")


def _saved_info(folder: Path) -> dict:
    """The ``result.json`` a saved search or analysis holds (empty when none or unreadable:
    loading it has said what is wrong already)."""
    import json

    path = folder if folder.is_file() else folder / "result.json"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def check_decisions(scenarios: dict, plan: Path | None, sensitivity: Path | None,
                    plan_result=None, sensitivity_result=None) -> None:
    """The saved search (``--plan``) and analysis (``--sensitivity``) were run on a scenario of
    this report, as its file is now: their ``result.json`` names the scenario and the digest of
    its content, and a result of another scenario, or of this one's file before it was edited,
    would be shown as this report's. A result that names no scenario (written before they did)
    is let through with a note.

    Raises
    ------
    UserError
        Naming the option, the saved file, the scenario it was run on and this report's (or the
        file that changed since), and the command to run again.
    """
    ours = {name: (sc.digest(), path) for name, (sc, path) in scenarios.items()}
    first = next(iter(scenarios))
    for option, folder, command in (("--plan", plan, "optimise"),
                                    ("--sensitivity", sensitivity, "sensitivity")):
        if folder is None:
            continue
        folder = Path(folder)
        info = _saved_info(folder)
        where = folder if folder.name == "result.json" else folder / "result.json"
        name, digest = info.get("scenario"), info.get("scenario_digest")
        if option == "--plan" and plan_result is not None:
            extra = getattr(plan_result, "extra", {}) or {}
            name, digest = extra.get("scenario", name), extra.get("scenario_digest", digest)
        if not name:
            print(f"note: {option} {where}: it does not say which scenario it was run on; "
                  f"check that it was run on {first!r}", file=sys.stderr)
            continue
        again = (f"rerun `workbench {command} {{file}} ... --out DIR` and give that folder to "
                 f"{option}")
        if name in ours:
            now, path = ours[name]
            if digest and digest != now:
                raise UserError(
                    f"{option} {where}: was run on {name!r} as it was then (content {digest}); "
                    f"{path} now gives {name!r} with content {now}: the file has changed since, "
                    f"and the result would not be this scenario's; "
                    + again.format(file=path))
            continue
        named = ", ".join(f"{n!r} ({p})" for n, (_, p) in ours.items())
        raise UserError(f"{option} {where}: was run on the scenario {name!r}, which is not one "
                        f"of this report's ({named}); its results would be shown as those "
                        f"of {first!r}; " + again.format(file=ours[first][1]))


def load_decisions(plan: Path | None, sensitivity: Path | None) -> tuple:
    """The saved optimiser and sensitivity results the report is to show (None for each not
    given), read now so that a bad one fails before anything runs.

    Raises
    ------
    UserError
        Naming the option, the file and what is wrong.
    """
    from ..decision.loaded import load_result
    from ..decision.sensitivity import load_sensitivity

    out = []
    for option, path, load in (("--plan", plan, load_result),
                               ("--sensitivity", sensitivity, load_sensitivity)):
        if path is None:
            out.append(None)
            continue
        try:
            out.append(load(Path(path)))
        except UserError as exc:
            raise UserError(f"{option}: {exc}") from None
    return tuple(out)


def load_neighbours(published: Path | None, la: str, neighbours: list[str] | tuple = ()):
    """The authority against its neighbours and England from the published files (None when
    ``published`` is not given), read now so that a bad folder or name fails before anything
    runs.

    Raises
    ------
    UserError
        ``--la`` or ``--neighbour`` without ``--published`` (or the reverse); a folder with none
        of the published tables; a name not in the files (with the close matches).
    """
    if published is None:
        if la or neighbours:
            raise UserError("--la and --neighbour need --published DIR (the folder of published "
                            "statistics; see docs/published.md)")
        return None
    if not la:
        raise UserError("--published needs --la NAME: the authority to set beside its "
                        "neighbours")
    if not Path(published).is_dir():
        raise UserError(f"--published {published}: not a folder")
    from ..present.neighbours import neighbour_view

    return neighbour_view(la, list(neighbours), published)


def decision_sections(plan, sensitivity) -> list[str]:
    """The optional sections' HTML, for the results given."""
    from ..present.report_sections import plan_section, sensitivity_section

    out = []
    if plan is not None:
        out.append(plan_section(plan))
    if sensitivity is not None:
        out.append(sensitivity_section(sensitivity))
    return out


def cmd_report(args) -> int:
    # build_report checks every input (scenarios, logo, saved results, published files)
    # before anything runs
    files = [Path(f) for f in args.scenarios] if args.scenarios else bundled_scenarios()
    plan = Path(args.plan) if args.plan else None
    sens = Path(args.sensitivity) if args.sensitivity else None
    published = Path(args.published) if args.published else None
    pdf = check_pdf(Path(args.out)) if args.pdf else None  # before anything runs
    path = build_report(files, Path(args.out), args.replications, args.seed, args.years,
                        args.title, args.authority, args.executor, warmup_days=args.warmup_days,
                        date=args.date, prepared_by=args.prepared_by,
                        logo=Path(args.logo) if args.logo else None, pressures=args.stress,
                        plan=plan, sensitivity=sens, published=published, la=args.la,
                        neighbours=args.neighbour)
    print(f"Report written to {path}")
    if args.pdf:
        from ..present.report_page import write_pdf

        pages = write_pdf(path, pdf)
        print(f"PDF written to {pdf}: {pages} A4 pages")
    return 0


def register(sub) -> None:
    """Add ``report`` to the ``workbench`` parser."""
    r = sub.add_parser("report", help="produce the scrutiny report (HTML, and PDF with --pdf)")
    r.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                   help="scenario files, the baseline first (default: every bundled scenario)")
    r.add_argument("--out", default="outputs/report.html", help="the HTML file to write")
    r.add_argument("--replications", type=types.replications, default=8,
                   help="runs of each scenario (default 8)")
    r.add_argument("--seed", type=types.seed, default=2017,
                   help="base seed, a whole number (default 2017)")
    r.add_argument("--years", type=types.years, default=None,
                   help="years to simulate (default: each scenario's horizon)")
    r.add_argument("--warmup-days", type=types.non_negative_int, default=None,
                   help="days left out of the averages (default: the MSER-5 suggestion)")
    r.add_argument("--stress", action="append", default=[], metavar="NAME",
                   help="a scenario name to treat as a pressure (stress test); variants that "
                        "change only demand, turnover or absence are pressures anyway")
    r.add_argument("--title", default=None, help="the report's title")
    r.add_argument("--authority", default="", help="the council's name (default: the baseline's)")
    r.add_argument("--date", default="", help="the paper's date as printed (default: today)")
    r.add_argument("--prepared-by", default="", help="a 'Prepared by' line")
    r.add_argument("--logo", default=None, help="a PNG, JPEG or GIF logo for the heading")
    r.add_argument("--plan", default=None, metavar="DIR",
                   help="add 'The cheapest plan that meets the targets' from the folder "
                        "`workbench optimise --out DIR` wrote (or its result.json)")
    r.add_argument("--sensitivity", default=None, metavar="DIR",
                   help="add 'What the answer depends on' from the folder `workbench "
                        "sensitivity --out DIR` wrote")
    r.add_argument("--published", default=None, metavar="DIR",
                   help="add the authority (--la) against its neighbours and England, from the "
                        "published statistics downloaded into DIR (see docs/published.md)")
    r.add_argument("--la", default="", metavar="NAME",
                   help="with --published: the authority, by name or code")
    r.add_argument("--neighbour", action="append", default=[], metavar="NAME",
                   help="with --published: a statistical neighbour (give it once for each)")
    r.add_argument("--pdf", action="store_true",
                   help="also write an A4 PDF beside the HTML with headless Chromium")
    r.add_argument("--executor", choices=["process", "serial"], default="process",
                   help="where runs happen: a process pool on all cores, or this process")
    r.set_defaults(func=cmd_report)
