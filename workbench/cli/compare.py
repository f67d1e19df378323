"""``workbench compare``: replications of a baseline and variants, and their paired differences.

    workbench compare BASE.yaml VARIANT.yaml ... --replications R --out DIR
                      [--seed S] [--years Y] [--warmup-days D]
                      [--executor serial|process|dask] [--scheduler ADDRESS] [--workers N]
                      [--no-progress] [--xlsx FILE]

Runs R replications of every scenario with common random numbers (replication i of every
scenario uses the same seed), prints for each variant a table of each measure (its label from
the KPI registry), the baseline and variant means, the paired difference, its 95% confidence
interval and a reading ("better", "worse", "no clear change"; "better in every run" when every
pair of runs differed by the same amount, which leaves no interval), and writes the tables as CSV
into DIR: at full precision with code names (``kpis.csv``, ``weekly.csv``, ``summary.csv``,
``comparison.csv``, ``failures.csv`` if any), and labelled and rounded for reading
(``results_labelled.csv``, ``differences_labelled.csv``, ``weekly_labelled.csv``,
``run_details_labelled.csv``). ``--xlsx FILE`` writes the labelled tables as an Excel workbook
too. Each finished replication is kept in ``DIR/replications/``; running the same command again
loads them instead of running them again.
"""

from __future__ import annotations

import math
import sys

from ..errors import UserError
from . import args as types


_warmup_days = types.Number(float, 0)
#: Days a warm-up must leave to measure: about a week, as the shortest --years (the KPIs are
#: weekly series and yearly rates; a window of an hour gave intervals of counts below zero).
MIN_MEASURED_DAYS = 0.02 * 365.25


def too_little_measured(warmup: float, horizon: float, label: str) -> str:
    """The message for a warm-up that leaves less than :data:`MIN_MEASURED_DAYS` to measure."""
    return (f"--warmup-days {warmup:g} leaves {horizon - warmup:.2g} of the {horizon:g} days of "
            f"{label!r} to measure; leave at least {MIN_MEASURED_DAYS:.1f} days (about a week: "
            f"the KPIs are weekly series and yearly rates)")


def different_starts(first: tuple, other: tuple) -> str:
    """The message for two scenarios ``(label, start_date, file)`` that start on different
    dates (``compare`` and ``report`` refuse them, as they refuse different horizons)."""
    return (f"{first[0]!r} ({first[2]}) starts on {first[1]} and {other[0]!r} ({other[2]}) on "
            f"{other[1]}: scenarios starting on different dates run on different calendars "
            f"(weeks, seasons, bank holidays), so their difference would not be the policy's "
            f"alone; give them the same start_date to compare them")


def _clock(cal) -> str:
    """A scenario's ``calendar`` in words."""
    if not cal.working_days:
        return "every day (calendar: {working_days: false})"
    where = "-".join(p for p in (cal.country, cal.subdivision) if p)
    return (f"working days without the bank holidays of {where} (calendar: {{country: "
            f"{cal.country}, subdivision: {cal.subdivision or 'none'}}})")


def different_calendars(first: tuple, other: tuple) -> str:
    """The message for two scenarios ``(label, calendar, file)`` that count working days on
    different calendars (``compare`` refuses them, as it refuses different start dates)."""
    return (f"{first[0]!r} ({first[2]}) counts {_clock(first[1])} and {other[0]!r} ({other[2]}) "
            f"counts {_clock(other[1])}: the timescales in working days (decisions within 1, "
            f"assessments within 45, conferences within 15) would be measured on different "
            f"clocks, so their difference would not be the policy's alone; give them the same "
            f"calendar to compare them")


def scenario_labels(loaded: list) -> dict:
    """Each scenario ``(path, scenario)`` by the label it is shown under: its name, or where
    two files hold scenarios of one name, the name and the file (``Baseline (baseline)``,
    ``Baseline (copy)``; the whole path where the file names are alike too), for every one of
    them, so that no table holds two rows or columns it cannot tell apart.

    Names that differ only by letter case or spaces (``Baseline`` and ``Baseline ``) are one
    name to a reader (:func:`~workbench.scenario.load.name_key`), so they are labelled apart
    in the same way, and each such scenario takes its label as its name: the tables written
    (which show names) read "Baseline" twice otherwise."""
    from ..scenario.load import name_key

    names = [sc.name for _, sc in loaded]
    keys = [name_key(n) for n in names]
    stems = [p.stem for p, _ in loaded]
    out = {}
    for (p, sc), name, key in zip(loaded, names, keys):
        label = name
        if keys.count(key) > 1:
            alike = sum(1 for k, s in zip(keys, stems) if k == key and s == p.stem)
            shown = " ".join(name.split())
            label = f"{shown} ({p.stem})" if alike == 1 else f"{shown} ({p})"
        if label in out:   # a name that is another's label: the path tells them apart
            label = f"{name} ({p})"
        if names.count(name) < keys.count(key):   # alike to a reader, not to the letter
            sc = sc.model_copy(update={"name": label})
        out[label] = sc
    return out


#: The note under a table in which a measure had a value in only some of the paired runs.
FEWER_PAIRS = ("'(N of M pairs)': the measure had no value in the other runs of one scenario or "
               "both (nothing it measures happened in them), so its averages, difference and "
               "reading are of the pairs of runs in which both scenarios had one.")


def _same_as(sc, other) -> bool:
    """Whether ``sc`` is ``other`` but for its words (name, description, authority, sources),
    which the model does not read (a variant from ``workbench new`` with every field still
    commented out): no difference can come of it."""
    words = {k: getattr(other, k) for k in ("name", "description", "authority", "sources")}
    return sc.model_copy(update=words).digest() == other.digest()


def ranges_said(base, var, baseline: str, variant: str) -> str | None:
    """What a paired difference of two scenarios includes when either gives inputs as ranges
    (``uncertain:``): the table said nothing of them, so a variant whose only change was a wider
    range, or a range its baseline did not have, read as a policy's effect."""
    from ..scenario.uncertain import dist_words, input_value

    b, v = dict(base.uncertain or {}), dict(var.uncertain or {})
    if not b and not v:
        return None
    same = [p for p in b if p in v and b[p] == v[p]]
    fixed = [p for p in same if b[p].dist == "fixed"]   # one value, drawn or not: no range
    parts = []
    same = [p for p in same if p not in fixed]
    if same:
        one = len(same) == 1
        parts.append(f"{', '.join(same)} {'is' if one else 'are'} drawn afresh in each run "
                     f"from the same range in both, so each pair of runs uses the same values "
                     f"and the interval covers the difference across "
                     f"{'that range' if one else 'those ranges'}")
    changed = []
    for p in dict.fromkeys([*b, *v]):
        if p in same or p in fixed:
            continue
        def side(sc, label, ranges):
            if p in ranges:
                return f"{label} draws it from {dist_words(ranges[p])}"
            try:
                value = input_value(sc.model_dump(mode="python"), p)
            except KeyError:   # a next: outcome the other scenario does not have
                return f"{label} does not have it"
            return f"{label} gives {value:,g}" if isinstance(value, (int, float)) else \
                f"{label} gives it no value"
        changed.append(f"{p}: {side(var, variant, v)}, {side(base, baseline, b)}")
    if changed:
        parts.append("the difference also includes a change in what is known of "
                     + ("an input" if len(changed) == 1 else "inputs")
                     + ", not only the variant's policy (" + "; ".join(changed) + ")")
    return ("Ranges: " + "; ".join(parts) + ".") if parts else None


def register(subparsers) -> None:
    """Add the ``compare`` subcommand to the ``workbench`` parser."""
    c = subparsers.add_parser(
        "compare",
        help="run replications of a baseline and variants and compare their KPIs",
        description="Run R replications of a baseline and one or more variants with common "
                    "random numbers and print paired differences with 95% confidence intervals.")
    c.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="scenario files: the baseline first, then one or more variants")
    # Numbers are checked in cmd_compare so a mistake gives one line (exit 2), not argparse usage.
    c.add_argument("--replications", "-r", required=True, metavar="R",
                   help="replications per scenario (at least 1; 2 or more for intervals)")
    c.add_argument("--out", required=True, metavar="DIR", help="folder for the CSV tables")
    c.add_argument("--xlsx", default=None, metavar="FILE",
                   help="also write the labelled tables as an Excel workbook (.xlsx)")
    c.add_argument("--seed", default="0", metavar="S",
                   help="base seed, a whole number (default 0)")
    c.add_argument("--years", default=None, metavar="Y",
                   help="horizon in years (default: each scenario's)")
    c.add_argument("--warmup-days", default="0", metavar="D",
                   help="calendar days at the start left out of the KPIs (default 0: the model "
                        "starts warm)")
    types.add_executor_options(c)
    c.set_defaults(func=cmd_compare)


def format_comparison(table, variant: str, baseline: str, level_pct: int = 95,
                      pairs: int | None = None) -> str:
    """A plain-text table of one variant against the baseline (rows of :meth:`Experiment.compare`):
    each measure by its registry label, values in its registry format (differences of percentages
    in points), and what the difference and its interval say in words.

    ``pairs`` is the number of paired runs the table is of: a measure that had a value in fewer
    of them (nothing it measures happened in some runs) says so in its reading, "(5 of 6
    pairs)", since its averages, difference and reading ("better in every run") are of those
    runs only (:data:`FEWER_PAIRS` explains it)."""
    from ..analysis.registry import kpi
    from ..present.tables import bound_text, difference_reading

    rows = [("Measure", baseline, variant, "difference", f"{level_pct}% CI", "reading")]
    for r in table.itertuples():
        k = kpi(r.kpi)
        # an end that is not zero but shows as zero says on which side, as page one does
        ci = ("n/a" if math.isnan(r.half_width)
              else f"[{bound_text(k, r.ci_low, True, False)}, "
                   f"{bound_text(k, r.ci_high, True, False)}]")
        said = difference_reading(r, k)
        if pairs is not None and 0 < r.n < pairs:
            said += f" ({int(r.n)} of {pairs} pairs)"
        rows.append((k.label, k.format(r.baseline_mean), k.format(r.variant_mean),
                     k.format(r.difference, True), ci, said))
    widths = [max(len(str(row[i])) for row in rows) for i in range(6)]
    lines = []
    for j, row in enumerate(rows):
        cells = [str(row[0]).ljust(widths[0])] + [str(c).rjust(w) for c, w in zip(row[1:4], widths[1:4])]
        cells += [str(c).ljust(w) for c, w in zip(row[4:], widths[4:])]
        lines.append("  ".join(cells).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cmd_compare(args) -> int:
    """Check every argument, run the experiment, print a table per variant, write the CSVs."""
    from ..scenario import load_scenario

    # ---- check every parameter before anything runs
    reps = types.replications.parse(args.replications, "--replications")
    seed = types.seed.parse(args.seed, "--seed")
    years = types.years.parse(args.years, "--years") if args.years is not None else None
    warmup = _warmup_days.parse(args.warmup_days, "--warmup-days")
    workers = types.executor_workers(args)
    if len(args.scenarios) < 2:
        raise UserError("compare needs a baseline and at least one variant scenario file")
    paths = [types.scenario_file(p) for p in args.scenarios]
    first: dict = {}
    for p in paths:
        same = first.setdefault(p.resolve(), p)
        if same is not p:
            also = "" if str(same) == str(p) else f" (as {same} and as {p})"
            raise UserError(f"{p}: the same scenario file is given twice{also}; give each "
                            f"scenario file once")
    out = types.out_folder(args.out, args.out)
    if args.xlsx is not None and not args.xlsx.strip():   # --xlsx "$UNSET": no workbook, unsaid
        raise UserError(f"--xlsx {args.xlsx!r}: the file name is empty or blank; give a file "
                        f"ending in .xlsx, or leave --xlsx out")
    xlsx = types.output_file(args.xlsx, "--xlsx", ".xlsx") if args.xlsx is not None else None
    types.folder_could_be_made(out)

    # a ScenarioError is printed as one clear message by the CLI
    scenarios = scenario_labels([(p, load_scenario(p)) for p in paths])
    starts = [(label, sc.start_date, p) for (label, sc), p in zip(scenarios.items(), paths)]
    for other in starts[1:]:
        if other[1] != starts[0][1]:
            raise UserError(different_starts(starts[0], other))
    clocks = [(label, sc.calendar, p) for (label, sc), p in zip(scenarios.items(), paths)]
    for other in clocks[1:]:
        if other[1] != clocks[0][1]:
            raise UserError(different_calendars(clocks[0], other))
    for label, sc in scenarios.items():
        horizon = years * 365.25 if years is not None else sc.horizon_days
        if warmup >= horizon:
            raise UserError(f"--warmup-days {warmup:g} is not shorter than the horizon of "
                            f"{label!r} ({horizon:g} days)")
        if horizon - warmup < MIN_MEASURED_DAYS:
            raise UserError(too_little_measured(warmup, horizon, label))
    horizons = {sc.horizon_years for sc in scenarios.values()}
    if years is None and len(horizons) > 1:
        each = ", ".join(f"{label!r} ({p}) {sc.horizon_years:g} years"
                         for (label, sc), p in zip(scenarios.items(), paths))
        raise UserError(f"the scenarios have different horizons ({each}); give --years to "
                        f"compare them over the same period")

    from ..present.tables import isolate   # a right-to-left name keeps the line's order
    from ..scenario.checks import scenario_notes
    from ..scenario.load import file_notes

    # what `run` and `validate` say of each scenario, for the horizon compared: a campaign
    # starting after it read as "no clear change" in every measure, with nothing said
    for (label, sc), p in zip(scenarios.items(), paths):
        for note in file_notes(p, sc) + scenario_notes(sc, None if years is None
                                                       else years * 365.25):
            print(f"note: {isolate(label)}: {note}", file=sys.stderr)

    from ..experiment import run_experiment

    baseline = next(iter(scenarios))
    exp = run_experiment(scenarios, replications=reps, seed=seed, years=years,
                         warmup_days=warmup, executor=args.executor, max_workers=workers,
                         scheduler=args.scheduler, out=out, name="replications",
                         progress=not args.no_progress)
    from ..analysis.registry import kpi
    from ..present.tables import difference_reading

    for f in exp.failures.itertuples():
        print(f"failed: scenario {isolate(repr(f.scenario))}, replication {f.replication}, seed {f.seed}: "
              f"{f.error}", file=sys.stderr)
    if exp.kpis.empty:
        raise UserError("every replication failed; nothing to compare (see the messages above)")

    span = years if years is not None else horizons.pop()
    horizon_txt = f"{span:g} year{'' if span == 1 else 's'}"
    comp = exp.compare(baseline)
    every_run = fewer = False
    done = exp.kpis.groupby("scenario")["replication"].agg(set)
    for variant in list(scenarios)[1:]:
        t = comp[comp["scenario"] == variant]
        # the pairs of runs that both finished: the header's count, whatever each measure had
        n = len(done.get(baseline, set()) & done.get(variant, set()))
        print(f"\n{isolate(variant)} vs {isolate(baseline)}: {n} paired replication(s) (common random numbers), "
              f"{horizon_txt}, seed {seed}" + (f", warm-up {warmup:g} days" if warmup else ""))
        if _same_as(scenarios[variant], scenarios[baseline]):
            print(f"({isolate(variant)} is the same scenario as {isolate(baseline)} but for its "
                  f"name and description: it changes nothing, so every difference is 0 and "
                  f"says nothing of a policy. Change the fields it varies in its file.)")
        print(format_comparison(t, variant, baseline, pairs=n))
        readings = [difference_reading(r, kpi(r.kpi)) for r in t.itertuples() if r.n > 0]
        if (readings and all(x == "no change in any run" for x in readings)
                and not _same_as(scenarios[variant], scenarios[baseline])):
            # a change the run never reached (an academy intake due after it ends) read as
            # "no change" in every measure, as if the policy did nothing
            print(f"(Every measure came out the same in every pair of runs: what "
                  f"{isolate(variant)} changes had no effect in {horizon_txt}, for instance "
                  f"a policy that starts after the run ends or a cap never reached. Check "
                  f"when it starts, or give a longer --years.)")
        said = ranges_said(scenarios[baseline], scenarios[variant], isolate(baseline),
                           isolate(variant))
        if said:
            print(said)
        every_run = every_run or any(difference_reading(r, kpi(r.kpi)).endswith(" in every run")
                                     for r in t.itertuples())
        fewer = fewer or bool(((t["n"] > 0) & (t["n"] < n)).any())
    if reps < 2:
        print("\nOne replication: no confidence intervals (use --replications 2 or more).")
    else:
        print("\nReading: 'no clear change' when the 95% confidence interval of the paired "
              "difference includes zero; 'too small to show' when it excludes zero but the "
              "difference itself rounds to zero at the last digit shown; 'no change in any "
              "run' when every paired run gave exactly the same value."
              + (" 'Better in every run' (worse, higher, lower): every paired run differed by "
                 "the same amount, so there is no interval (n/a), but no run disagreed."
                 if every_run else "")
              + (" " + FEWER_PAIRS if fewer else ""))
    from ..analysis.registry import too_short_for

    # a measure counted over whole years has no value over less than one measured: its row
    # read "no value to compare" with nothing to say why (more runs would not give one)
    measured = (span * 365.25 - warmup) / 365.25
    for name in exp.kpi_names:
        short = too_short_for(name, measured, f" measured after the warm-up of {warmup:g} days"
                              if warmup else "")
        if short:
            least = math.ceil((1 + warmup / 365.25) * 100) / 100   # up: 1.08 fell short
            need = (f"--years of at least {least:g} (a year after the warm-up)"
                    if warmup else "--years 1 or more")
            print(f"\nn/a: {short[0].upper()}{short[1:]}, so it has no value: give {need}.")
    from ..present.export import write_labelled_csv, write_workbook

    paths_written = exp.save(out, baseline=baseline)
    files = dict(zip(scenarios, paths))
    labelled = write_labelled_csv(exp, out, baseline=baseline, files=files)
    paths_written.update({f"{k} (labelled)": p for k, p in labelled.items()})
    workbook = write_workbook(exp, xlsx, baseline=baseline, files=files) if xlsx else None
    print(f"\nWrote {', '.join(p.name for p in paths_written.values())} to {out} "
          f"({exp.n_run} replication(s) run, {exp.n_loaded} loaded from {exp.out_dir}; "
          f"{exp.elapsed_s:.1f} s).")
    if workbook is not None:
        print(f"Wrote the Excel workbook {workbook}.")
    return 1 if len(exp.failures) else 0
