"""``workbench run SCENARIO [--seed N] [--years Y] [--out DIR]``: one replication, its KPIs
printed and written (aggregates only: the KPIs as JSON and the weekly series as CSV)."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

from .. import files
from ..errors import UserError
from . import args as types


def json_number(value) -> float | None:
    """``value`` as a JSON number, or None (``null``) for a measure with no value (NaN: no
    conference fell due in a week) or no finite one: ``NaN`` and ``Infinity`` are not JSON, and
    strict readers refuse the whole file."""
    v = float(value)
    return v if math.isfinite(v) else None


def run_fits(sc, years: float | None) -> None:
    """Refuse, before anything runs, a run that would not fit: the scenario's own horizon was
    checked when it was read, but ``--years`` can reach far beyond it (a trend of 100% a year,
    valid over 1 year, asked for an array of 32 TiB over 30 and stopped with a traceback), and
    one replication must fit in this machine's memory as an experiment's must."""
    from ..experiment.memory import plan_workers
    from ..scenario.checks import demand_size

    if years is not None:
        for problem in demand_size(sc, years):
            raise UserError(f"--years {years:g}: {problem}; give a shorter --years")
    plan_workers({sc.name: sc}, years, 1)


def _can_name(path: Path) -> None:
    """Refuse, before the run, an output file that could not be written at the end: a name
    longer than the disk allows (from a long scenario file name: the run of minutes was done,
    then 'cannot write it (the name is too long)'), or a folder where the file goes."""
    try:
        most = os.pathconf(path.parent, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):   # no pathconf (Windows)
        most = 255
    size = len(path.name.encode("utf-8", "surrogateescape"))
    if size > most:
        raise UserError(f"--out: {path.name[:40]}... ({size:,} bytes) cannot be written: the name "
                        f"(the scenario file's name, the seed and what the file holds) is longer "
                        f"than the {most} bytes a file name may have here; give the scenario "
                        f"file a shorter name")
    if path.is_dir():
        raise UserError(f"--out: {path} is a folder, where the run writes a file; move it away or "
                        f"give another --out")


def cmd_run(args) -> int:
    """Simulate one replication, print its KPIs and write them with the weekly series."""
    from ..analysis.registry import format_kpis
    from ..analysis.run import simulate
    from ..scenario import load_scenario
    from ..scenario.checks import scenario_notes
    from ..scenario.load import file_notes

    sc = load_scenario(args.scenario)
    run_fits(sc, args.years)
    out = types.writable_folder(args.out)  # before the run: a file in the way fails at once
    stem = Path(args.scenario).stem
    kpi_path = out / f"{stem}_seed{args.seed}_kpis.json"
    ts_path = out / f"{stem}_seed{args.seed}_weekly.csv"
    for path in (kpi_path, ts_path):
        _can_name(path)
    for note in file_notes(args.scenario, sc) + scenario_notes(
            sc, None if args.years is None else args.years * 365.25):
        print(f"note: {note}", file=sys.stderr)
    run = simulate(sc, seed=args.seed, years=args.years)
    if sc.uncertain:   # drawn for this seed, as an experiment's replication of it would be
        from ..scenario.uncertain import input_value

        drawn = run.scenario.model_dump(mode="python")
        def shown(v: float) -> str:
            return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"

        from ..scenario.uncertain import is_whole, whole_uniform

        def how(path: str) -> str:
            if not is_whole(drawn, path):
                return ""
            ends = whole_uniform(drawn, path, sc.uncertain[path])
            if ends is not None:
                return f" (a whole number: each from {ends[0]} to {ends[1]} equally likely)"
            return " (a whole number: the draw is rounded)"

        print("note: the uncertain inputs drawn for seed "
              f"{args.seed}: " + "; ".join(f"{path} = {shown(input_value(drawn, path))}"
                                          + how(path) for path in sc.uncertain), file=sys.stderr)
    record = {"scenario": sc.name, "seed": args.seed, "years": run.horizon_days / 365.25}
    if sc.uncertain:   # the file said nothing of the values this run drew (only stderr did)
        from ..scenario.uncertain import input_value

        drawn_data = run.scenario.model_dump(mode="python")
        record["uncertain_inputs_drawn"] = {p: json_number(input_value(drawn_data, p))
                                            for p in sc.uncertain}
    record["kpis"] = {k: json_number(v) for k, v in run.kpis.items()}
    files.write_text(kpi_path, json.dumps(record, indent=2, allow_nan=False), "--out")
    from ..analysis.weekly import with_days_in_run  # the last week may be part of one

    files.write_table(ts_path, with_days_in_run(run.timeseries, run.horizon_days), "--out")
    from ..present.tables import isolate   # a right-to-left name keeps the line's order

    span = run.horizon_days / 365.25   # "1 years" read as a slip
    print(format_kpis(run.kpis, title=f"{isolate(sc.name)}: one replication, seed {args.seed}, "
                                      f"{span:g} year{'' if span == 1 else 's'} from "
                                      f"{sc.start_date}"))
    from ..analysis.registry import too_short_for

    # a measure counted over whole years read "n/a" over a shorter run, with nothing to say
    # why (compare says it)
    for name, value in run.kpis.items():
        short = too_short_for(name, span) if value != value else None
        if short:
            print(f"\nn/a: {short[0].upper()}{short[1:]}, so it has no value: give --years 1 "
                  f"or more.")
    print(f"\nWrote {kpi_path} and {ts_path} (aggregates only).")
    return 0


def register(sub) -> None:
    """Add ``run`` to the ``workbench`` parser."""
    r = sub.add_parser("run", help="run one replication of a scenario and print its KPIs")
    r.add_argument("scenario", metavar="SCENARIO", help="the scenario file (YAML)")
    r.add_argument("--seed", type=types.seed, default=0,
                   help="random seed, a whole number (default 0)")
    r.add_argument("--years", type=types.years, default=None,
                   help="horizon in years (default: the scenario's)")
    r.add_argument("--out", default="outputs", help="folder for the KPI and weekly files")
    r.set_defaults(func=cmd_run)
