"""``workbench calibrate`` and ``workbench synthesize``: fit a scenario to a council's extracts
(and back-test it); write synthetic extracts for a fictional authority.

    workbench calibrate --returns DIR --out scenarios/NAME.yaml   (or --cases FILE --workforce FILE)
                        [--template scenarios/baseline.yaml] [--window-start DATE --window-end DATE]
                        [--report-dir DIR] [--reps N] [--backtest [out-of-sample|in-sample]]
                        [--backtest-start DATE --backtest-end DATE] [--no-backtest]
    workbench synthesize --out data/sample [--seed N] [--years Y] [--scale S]

Mistakes in the extracts raise :class:`~workbench.calibration.extracts.ExtractError` (a
``UserError``): :func:`workbench.cli.main` prints every problem and exits with status 2, without a traceback.
Everything written is aggregate: the scenario, the fit table, the back-test tables and charts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from pathlib import Path
from typing import Iterator

from .. import files
from ..errors import UserError
from ..scenario.catalog import PACKAGE_ROOT as ROOT
from . import args as types

_reps = types.Number(int, 1, 200)
_pos = types.Number(float, 0, above=True)
#: A synthetic data window: above 0 and at most 30 years, as every horizon (a century ran for
#: minutes and wrote extracts no council holds).
_window_years = types.Number(float, 0, 30, above=True)
# the back-test's modes (workbench.calibration.backtesting.MODES, not imported here so that
# `workbench --help` stays quick; backtest() checks the mode again)
MODES = ("out-of-sample", "in-sample")
OUT_OF_SAMPLE = MODES[0]


def _default_template() -> str:
    return str(ROOT / "scenarios" / "baseline.yaml")


def cmd_calibrate(args) -> int:
    from ..calibration.extracts import read_extracts
    from ..scenario import load_scenario

    template_path = Path(args.template)
    template = load_scenario(template_path)
    check_outputs(args, template)
    years = None
    if args.returns:
        if args.cases or args.workforce:
            raise UserError("give either --returns DIR or --cases and --workforce, not both")
        from ..calibration.returns import read_returns
        with problems_listed(args):
            data = read_returns(args.returns)
        cases, roster, sources = data.cases, data.roster, data.sources
        years = data.collection_years
        print(f"Read {len(data.files)} return file(s) from {args.returns}:")
        for line in data.files_summary():
            print(f"  {line}")
        for note in data.notes:
            print(f"note: {note}")
    elif args.cases and args.workforce:
        same_file(args.cases, args.workforce)
        with problems_listed(args):
            cases, roster = read_extracts(args.cases, args.workforce)
        sources = (Path(args.cases).name, Path(args.workforce).name)
    else:
        raise UserError("give --returns DIR (a folder of statutory returns), or both --cases FILE "
                        "and --workforce FILE")
    # the statistics, the model and the charts load once the inputs have passed their checks,
    # so that a refusal comes at once
    from ..calibration.backtesting import backtest, check_period
    from ..calibration.fit import calibrate
    from ..calibration.report import fit_summary

    out = Path(args.out)
    cal = calibrate(cases, roster, template, args.window_start, args.window_end,
                    name=args.name or f"{out.stem} (calibrated)", authority=args.authority,
                    template_name=template_path.name, sources=sources, seed=args.seed,
                    collection_years=years)
    if not args.no_backtest:
        # a back-test period the data cannot give is refused before anything is written
        check_period(cal, args.backtest_start, args.backtest_end, args.backtest)
    report = files.make_folder(report_dir(args, out), "--report-dir")
    fit_path = report / "fit_table.csv"
    files.write_table(fit_path, cal.table, "--report-dir", float_format="%.6g",
                      formulas_as_text=True)
    header = (f"Calibrated scenario written by `workbench calibrate` on {dt.date.today()}.\n"
              f"Data: {sources[0]}; {sources[1]}; data window "
              f"{cal.window_start} to {cal.window_end}; template {template_path.name}.\n"
              "Each value's comment says whether it was fitted (with its 95% interval), assumed, "
              "or taken from the template.\n"
              f"The fit table with every estimate and its uncertainty: {fit_path}.\n"
              "Only aggregates: no child-level record is in this file.")
    cal.write(out, header=header)
    print(f"Data window {cal.window_start} to {cal.window_end} "
          f"({window_said(cal.window_from, cal.window_start, cal.window_end)})")
    print(f"Wrote {out} (loads as a valid scenario) and {fit_path} ({len(cal.table)} estimates).")
    print()
    print(fit_summary(cal))
    for note in cal.notes:
        print(f"note: {note}")
    if args.no_backtest:
        return 0
    bt = backtest(cal, cases, roster, args.backtest_start, args.backtest_end, reps=args.reps,
                  seed=args.seed, mode=args.backtest)
    written = write_backtest(bt, report)
    print()
    print(bt.summary())
    for note in bt.notes:
        print(f"note: {note}")
    print(f"\nWrote {', '.join(str(p) for p in written)} (aggregates only).")
    return 0


def window_said(window_from: tuple[str, str], start: dt.date, end: dt.date) -> str:
    """Where the data window ``start`` to ``end`` came from, truthfully, for the "Data window
    ..." line: as given by --window-start/--window-end, from the returns' collection years (the
    CIN censuses', named), or found from the extracts; each end said apart when they came from
    different places (:attr:`~workbench.calibration.fit.Calibration.window_from`)."""
    came_start, came_end = window_from
    choose = "set --window-start/--window-end to choose"
    if came_start == came_end == "given":
        return "as given by --window-start/--window-end"
    if came_start == came_end == "extracts":
        return f"found from the extracts; {choose}"
    if came_start == came_end == "returns":
        years = (f"{start.year + 1} to {end.year}" if end.year != start.year + 1
                 else f"{end.year}")
        return f"from the returns' collection years (CIN census {years}); {choose}"
    said = {"start": {"given": "start as given by --window-start",
                      "extracts": "start found from the extracts",
                      "returns": "start from the returns' first collection year (CIN census "
                                 f"{start.year + 1})"}[came_start],
            "end": {"given": "end as given by --window-end",
                    "extracts": "end found from the extracts",
                    "returns": "end from the returns' last collection year (CIN census "
                               f"{end.year})"}[came_end]}
    return f"{said['start']}; {said['end']}"


@contextlib.contextmanager
def problems_listed(args) -> Iterator[None]:
    """When the extracts or returns hold more problems than their message shows, every problem
    is written to ``problems.csv`` in the report folder (file, row, column, problem: the same
    words as the message, values that may identify someone left out as there) and the message
    says where."""
    import pandas as pd

    from ..calibration.extracts import ExtractError
    from ..calibration.extracts.cells import MAX_SHOWN
    try:
        yield
    except ExtractError as exc:
        if len(exc.problems) <= MAX_SHOWN:
            raise
        folder = files.make_folder(report_dir(args, Path(args.out)), "--report-dir")
        path = folder / "problems.csv"
        table = pd.DataFrame({"file": [p.file for p in exc.problems],
                              "row": [p.row if p.row is not None else "" for p in exc.problems],
                              "column": [p.column or "" for p in exc.problems],
                              "problem": [p.message for p in exc.problems]})
        files.write_table(path, table, "--report-dir", formulas_as_text=True)
        raise UserError(f"{exc}\nAll {len(exc.problems):,} problems, one a row: {path}") from None


def check_outputs(args, template) -> None:
    """Before the extracts are read and fitted: ``--returns`` is not a file (a folder of returns,
    or one that does not exist, said by the reader), ``--out`` is a .yaml file name (not a
    folder) in a folder that can be made, ``--report-dir`` is a folder, and ``--name`` and
    ``--authority`` are what a scenario accepts (one line of visible text, at most 200
    characters).

    Raises
    ------
    UserError
        Naming the option and what was expected.
    """
    from ..scenario import ScenarioError

    if args.returns:
        types.input_folder(args.returns, "--returns")
    out = types.output_file(args.out, "--out", ".yaml", ".yml")
    types.not_an_input(out, "--out", {"--template": args.template})
    types.folder_could_be_made(report_dir(args, out), "--report-dir")
    types.not_an_input(report_dir(args, out), "--report-dir", {"--returns": args.returns})
    for option, field, value in (("--name", "name", args.name),
                                 ("--authority", "authority", args.authority)):
        if value:
            try:
                template.replace({field: value})
            except ScenarioError as exc:
                problem = str(exc).splitlines()[-1].strip().removeprefix("- ")
                raise UserError(f"{option}: {problem.removeprefix(field + ': ')}") from None


def report_dir(args, out: Path) -> Path:
    """The folder for the fit table and the back-test: ``--report-dir``, or by default
    ``outputs/calibration/NAME`` (NAME: ``--out``'s file name without .yaml)."""
    if args.report_dir:
        return Path(args.report_dir)
    return ROOT / "outputs" / "calibration" / out.stem


def write_backtest(bt, folder: Path) -> list[Path]:
    """The back-test's table and weekly series (CSV), its two charts and its summary (text),
    named by its kind (``backtest_out_of_sample*`` or ``backtest_in_sample*``) so that the two
    comparisons are never confused."""
    from ..calibration.charts import plot_backtest

    prefix = "backtest_" + bt.mode.replace("-", "_")
    table, weekly, text = (folder / f"{prefix}.csv", folder / f"{prefix}_weekly.csv",
                           folder / f"{prefix}.txt")
    for frame, path in ((bt.table, table), (bt.weekly, weekly)):
        files.write_table(path, frame, "--report-dir", float_format="%.6g", formulas_as_text=True)
    files.write_text(text, bt.summary() + "\n" + "".join(f"note: {n}\n" for n in bt.notes),
                     "--report-dir")
    return [table, weekly, text, *plot_backtest(bt, folder, prefix=prefix)]


def cmd_synthesize(args) -> int:
    from ..calibration.synthetic import write_sample
    from ..scenario import load_scenario

    template = load_scenario(args.template)
    _window_years.parse(args.years, "--years")   # also when called from Python
    check_window(template, args.years)
    check_scale(template, args.scale, args.template, args.years)
    types.folder_could_be_made(args.out, "--out")
    ex = write_sample(args.out, template, seed=args.seed, years=args.years, scale=args.scale,
                      command=synthesize_command(args))
    print(f"Wrote synthetic extracts for a fictional authority to {args.out}: "
          f"{len(ex.cases):,} case rows, {len(ex.workforce):,} workers, window "
          f"{ex.window_start} to {ex.window_end}. Not real data.")
    return 0


def same_file(cases, workforce) -> None:
    """Refuse ``--cases`` and ``--workforce`` naming one file (the same path, or two names for
    it): the roster's columns were said missing from the cases file, under its name."""
    import os

    a, b = Path(cases), Path(workforce)
    try:
        same = os.path.samefile(a, b)
    except OSError:          # one does not exist or cannot be read: the reader says so first
        same = False
    if same:
        raise UserError(f"--cases and --workforce both name {cases}: give the cases extract "
                        "to --cases and the workforce roster (one row a worker) to --workforce, "
                        "two different files (layouts in docs/calibration.md)")


def _scaled_to_nothing(template, scale: float) -> list[str]:
    """What ``scale`` rounds to nothing in the fictional authority drawn from ``template``: the
    referrals a year, or a team's funded posts (rounded as
    :func:`workbench.calibration.synthetic.fictional_scenario` rounds them)."""
    lost = []
    referrals = template.demand.referrals_per_year
    if referrals > 0 and referrals * scale < 1:      # rounds to 0 (a scale of 1e308: no round)
        lost.append(f"demand.referrals_per_year ({referrals:,g} a year) to no referrals")
    for name, team in template.teams.items():
        if team.establishment_fte > 0 and round(team.establishment_fte * scale, 1) <= 0:
            lost.append(f"teams.{name}.establishment_fte ({team.establishment_fte:g}) to "
                        "no funded posts")
    return lost


def _too_large(template, scale: float, years: float) -> list[str]:
    """The fictional authority's problems at ``scale`` (a limit of a scenario passed), or []."""
    from ..calibration.synthetic import fictional_scenario, sample_start
    from ..scenario import ScenarioError

    try:
        fictional_scenario(template, scale, start_date=sample_start(years, 1.0))
    except ScenarioError as exc:
        return [line.strip().removeprefix("- ") for line in str(exc).splitlines()[1:]
                if line.strip()] or [str(exc)]
    except (OverflowError, ValueError):      # a count past what a number holds
        return ["more than a scenario can hold"]
    return []


def check_window(template, years: float) -> None:
    """Refuse a ``--years`` whose window (after a year's burn-in, ending by the last 31 March)
    starts the fictional authority before the dates a scenario takes: 30 years (the option's
    limit) said only "<fictional scenario>: start_date: must be between 2000-01-01 and ...
    (got 1995-04-01)", naming neither --years nor what would do."""
    from ..calibration.synthetic import sample_start

    said = [p for p in _too_large(template, 1.0, years) if p.startswith("start_date")]
    if not said or _too_large(template, 1.0, 1.0):   # the template's own problem: said as it is
        return
    fits = [y for y in range(int(years), 0, -1) if not _too_large(template, 1.0, float(y))]
    raise UserError(f"--years: {years:g} years of synthetic data (after a year of burn-in, "
                    f"ending by the last 31 March) would start the fictional authority on "
                    f"{sample_start(years, 1.0)}, before the dates a scenario takes ({said[0]}). "
                    f"Give --years {fits[0] if fits else 1} or less")


def check_scale(template, scale: float, template_path, years: float = 2.0) -> None:
    """Refuse a ``--scale`` so small that the fictional authority has no referrals or a team
    with no funded posts (1e-9 said only "<fictional scenario>: demand.referrals_per_year ...
    (got 0)"), or so large that it passes a scenario's limits (50: "<fictional scenario>: ...
    must be at most 250,000"; 1e308: a traceback), naming the value and the smallest or largest
    scale that works."""
    lost = _scaled_to_nothing(template, scale)
    if not lost:
        if scale <= 1 or not (over := _too_large(template, scale, years)):
            return
        if _too_large(template, 1.0, years):     # not the scale (a start before the calendar)
            return
        low, high = 1.0, scale                   # the template's own size is within its limits
        for _ in range(60):
            mid = math.sqrt(low * high)
            low, high = (mid, high) if not _too_large(template, mid, years) else (low, mid)
            if high / low < 1.001:
                break
        step = 10.0 ** (math.floor(math.log10(low)) - 1)
        largest = float(f"{low:.2g}")          # 39.99 (the limit 40 approached) reads 40
        while largest > 1 and _too_large(template, largest, years):
            largest = float(f"{largest - step:.2g}")
        shown = "; ".join(over[:2]) + (f"; and {len(over) - 2} more" if len(over) > 2 else "")
        raise UserError(f"--scale: {scale:g} is too large for the template "
                        f"{Path(template_path).name}: the fictional authority would have "
                        f"{shown}. Give --scale {largest:g} or less")
    referrals = template.demand.referrals_per_year
    need = [0.5 / referrals] if referrals > 0 else []
    need += [0.05 / t.establishment_fte for t in template.teams.values() if t.establishment_fte > 0]
    # two significant figures, rounded up, then up a step until nothing is lost
    step = 10.0 ** (math.floor(math.log10(max(need))) - 1)
    smallest = float(f"{math.ceil(max(need) / step - 1e-9) * step:.2g}")
    while _scaled_to_nothing(template, smallest):
        smallest = float(f"{smallest + step:.2g}")
    shown = "; ".join(lost[:3]) + (f"; and {len(lost) - 3} more" if len(lost) > 3 else "")
    raise UserError(f"--scale: {scale:g} is too small for the template "
                    f"{Path(template_path).name}: it rounds {shown}. Give --scale {smallest:g} "
                    "or more")


def synthesize_command(args) -> str:
    """The ``workbench synthesize`` command that writes this folder again: every option (the
    template unless it is the bundled baseline, the default), each value quoted for a shell (a
    folder or template with spaces or quotes in its name)."""
    import shlex

    words = ["workbench", "synthesize", "--out", str(args.out)]
    if str(args.template) != _default_template():   # the bundled baseline: no path to give
        words += ["--template", str(args.template)]
    words += ["--seed", str(args.seed), "--years", f"{args.years:g}", "--scale", f"{args.scale:g}"]
    return " ".join(shlex.quote(w) for w in words)


def register(subparsers) -> None:
    """Add ``calibrate`` and ``synthesize`` to the ``workbench`` parser."""
    c = subparsers.add_parser(
        "calibrate", help="fit a scenario to a council's extracts and back-test it",
        description="Fit a scenario to the council's statutory returns or extracts (layouts in "
                    "docs/calibration.md), write it with every value's provenance, and back-test "
                    "it out of sample: fitted on the data before the last 12 months, it forecasts "
                    "them beside naive forecasts (last year's values, a linear trend).")
    c.add_argument("--returns", default=None, metavar="DIR",
                   help="folder of statutory returns: CIN census .xml, SSDA903 header and episodes "
                        ".csv, Annex A .xlsx, workforce census .csv/.xml (any years)")
    c.add_argument("--cases", default=None, metavar="FILE", help="cases extract (CSV; instead of --returns)")
    c.add_argument("--workforce", default=None, metavar="FILE", help="workforce roster (CSV; with --cases)")
    c.add_argument("--out", required=True, metavar="FILE", help="scenario file to write (.yaml)")
    c.add_argument("--template", default=_default_template(), metavar="FILE",
                   help="scenario whose values are kept where the data cannot say (default: baseline)")
    c.add_argument("--window-start", type=types.date, default=None, metavar="DATE",
                   help="first day of the data used for the fit, YYYY-MM-DD (default: the data's)")
    c.add_argument("--window-end", type=types.date, default=None, metavar="DATE",
                   help="last day of the data used for the fit, YYYY-MM-DD (default: the data's)")
    c.add_argument("--name", default=None, help="scenario name")
    c.add_argument("--authority", default=None, help="authority name for the scenario")
    c.add_argument("--report-dir", default=None, metavar="DIR",
                   help="folder for the fit table and back-test (default outputs/calibration/NAME)")
    c.add_argument("--backtest", nargs="?", choices=MODES, const=OUT_OF_SAMPLE,
                   default=OUT_OF_SAMPLE, metavar="MODE",
                   help="back-test after the fit (the default): out-of-sample (fit on the data "
                        "before the cut-off, forecast the next year, beside naive forecasts) or "
                        "in-sample (a check of the fit on its own last year, labelled as such)")
    c.add_argument("--reps", type=_reps, default=5, help="back-test replications (default 5)")
    c.add_argument("--backtest-start", type=types.date, default=None, metavar="DATE",
                   help="first day of the back-test year, YYYY-MM-DD: out of sample, the cut-off "
                        "(default: a year before the data window ends)")
    c.add_argument("--backtest-end", type=types.date, default=None, metavar="DATE",
                   help="last day of the back-test, YYYY-MM-DD (default: the window's end)")
    c.add_argument("--no-backtest", action="store_true", help="fit only")
    c.add_argument("--seed", type=types.seed, default=0,
                   help="first replication seed (default 0)")
    c.set_defaults(func=cmd_calibrate)

    s = subparsers.add_parser(
        "synthesize", help="write synthetic extracts for a fictional authority (no real data)")
    s.add_argument("--out", required=True, metavar="DIR", help="folder for the synthetic extracts")
    s.add_argument("--template", default=_default_template(), metavar="FILE",
                   help="scenario the fictional authority is drawn from (default: baseline)")
    s.add_argument("--seed", type=types.seed, default=1,
                   help="random seed, a whole number (default 1)")
    s.add_argument("--years", type=_window_years, default=2.0,
                   help="length of the data window in years, above 0 and at most 30 (default 2)")
    s.add_argument("--scale", type=_pos, default=0.3, help="size relative to the template, e.g. 0.3 for 30%% (default 0.3)")
    s.set_defaults(func=cmd_synthesize)

