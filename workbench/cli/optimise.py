"""``workbench optimise``: the cheapest plan that meets the targets, with a stated confidence.

    workbench optimise SCENARIO --target KPI>=X [--target KPI<=Y ...] [--budget-minutes M]
                       [--lever LEVER=LOW:HIGH[:STEP] ...] [--replications R] [--years Y]
                       [--candidates K] [--confirm-replications N] [--confidence C]
                       [--max-trials T] [--seed S] [--executor serial|process|dask]
                       [--scheduler ADDRESS] [--workers N] [--out DIR] [--no-progress]

Searches the levers (default: extra recruits a year, academy places, agency cover of vacancies,
retention payment) for the plan of least workforce cost whose mean KPIs meet every target, on
common random numbers, then checks the cheapest candidates on fresh seeds and chooses the
cheapest that meets every target with the stated confidence (:mod:`workbench.decision.optimise`).
Prints the answer in plain English, the candidates and the cost frontier; writes
``trials.csv``, ``candidates.csv``, ``result.json`` and ``frontier.png`` to ``DIR`` (default
``outputs/optimise-<scenario>``), whose replication files let the same command resume, and
``chosen_plan.yaml``, the chosen plan as a scenario file, with the ``compare`` command that
runs it on the fresh runs it was checked on.

The search asks for plans four at a time whatever ``--workers`` and ``--executor`` are (the
batch decides which plans the sampler tries), so the same command and ``--seed`` with
``--max-trials`` try the same plans and choose the same one on any machine; a search stopped by
``--budget-minutes`` tries as many as the machine manages in the time.
"""

from __future__ import annotations

from pathlib import Path

from .. import files
from ..errors import UserError
from . import args as types

_confidence = types.Number(float, 0.5, 0.999)
_minutes = types.Number(float, 0, 24 * 60, above=True)
_at_least_2 = types.Number(int, 2, 1000)
_at_least_3 = types.Number(int, 3, 10000)


def register(subparsers) -> None:
    """Add the ``optimise`` subcommand to the ``workbench`` parser."""
    c = subparsers.add_parser(
        "optimise",
        help="find the cheapest workforce plan that meets the targets",
        description="Search recruitment, academy, agency and retention levers for the plan of "
                    "least workforce cost that meets every target, and check it on fresh runs. "
                    "Plans are tried four at a time whatever --workers is, so the same command "
                    "and --seed with --max-trials try the same plans and choose the same one on "
                    "any machine; --workers changes only how fast.")
    c.add_argument("scenario", metavar="SCENARIO", help="the starting scenario file")
    c.add_argument("--target", action="append", required=True, metavar="KPI>=X",
                   help="a target, e.g. assessment_within_45wd_pct>=85 or unallocated_mean<=20 "
                        "(in the KPI's unit: %%, children, days...); repeat for several")
    c.add_argument("--lever", action="append", default=None, metavar="LEVER=LOW:HIGH[:STEP]",
                   help="a lever to search and its range, e.g. academy_intake_per_year=0:40; "
                        "repeat for several (default: extra_recruits_per_year=0:40, "
                        "academy_intake_per_year=0:40, agency_cover_pct=0:100:5, "
                        "retention_payment_gbp=0:5000:250); whole numbers for levers that "
                        "count (recruits, places, %%, £), and a step no more than the range")
    c.add_argument("--budget-minutes", default="10", metavar="M",
                   help="wall-clock minutes for the search, which stops in time for the "
                        "check on fresh runs when it can; the first plans and the check always "
                        "run in full, and a note says when the check goes beyond the budget "
                        "(default 10)")
    c.add_argument("--max-trials", default=None, metavar="T",
                   help="most plans to try (default: as many as the budget allows); the "
                        "same --max-trials and --seed try the same plans on any machine")
    c.add_argument("--replications", "-r", default="4", metavar="R",
                   help="replications per plan in the search, at least 2 (default 4)")
    c.add_argument("--years", default="2", metavar="Y",
                   help="horizon of every run in years, 0.02 to 30 (default 2)")
    c.add_argument("--candidates", default="5", metavar="K",
                   help="cheapest plans checked on fresh runs (default 5)")
    c.add_argument("--confirm-replications", default="20", metavar="N",
                   help="fresh runs per candidate, at least 3 (default 20)")
    c.add_argument("--confidence", default="0.9", metavar="C",
                   help="joint confidence that the chosen plan meets every target, 0.5 to "
                        "0.999 (default 0.9)")
    c.add_argument("--seed", default="0", metavar="S", help="base seed (default 0)")
    types.add_executor_options(c, out_default="outputs/optimise-<scenario>")
    c.set_defaults(func=cmd_optimise)


def _plan_table(df, result) -> str:
    """The candidates as text: each lever by its label, the mean cost, each target's mean and
    its one-sided bound, and whether it passed."""
    from ..analysis.registry import kpi

    head = [r.label for r in result.ranges] + ["mean cost"]
    for t in result.targets:
        head += [f"{kpi(t.kpi).label} (mean)", "bound"]
    head.append("meets targets")
    rows = [head]
    for _, r in df.iterrows():
        cells = [f"{r[x.key]:g}" for x in result.ranges] + [kpi("cost_gbp").format(r["cost_mean"])]
        for t in result.targets:
            k = kpi(t.kpi)
            cells += [k.format(r[f"{t.kpi}_mean"]), k.format(r[f"{t.kpi}_bound"])]
        cells.append(("yes (chosen)" if r["chosen"] else "yes") if r["passed"] else "no")
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows)


def cmd_optimise(args) -> int:
    """Check every argument, run the search and the check, print and write the answer."""
    from ..decision import (DEFAULT_RANGES, FRESH_SEED_OFFSET, optimise, parse_lever_range,
                            parse_targets)
    from ..decision.targets import confidence_text
    from ..scenario import load_scenario

    targets = parse_targets(args.target)
    levers = tuple(parse_lever_range(x) for x in args.lever) if args.lever else DEFAULT_RANGES
    budget = _minutes.parse(args.budget_minutes, "--budget-minutes")
    trials = (types.positive_int.parse(args.max_trials, "--max-trials")
              if args.max_trials is not None else None)
    reps = _at_least_2.parse(args.replications, "--replications")
    years = types.years.parse(args.years, "--years")
    for t in targets:
        # a measure "in a year" has no value over less than one: no plan could meet it
        if t.kpi == "lac_3plus_sw_pct" and years < 1:
            raise UserError(f"--target {t.kpi}: looked-after children's social workers are "
                            f"counted over a whole year, and --years {years:g} is less than "
                            "one; give --years 1 or more")
    cands = types.positive_int.parse(args.candidates, "--candidates")
    confirm = _at_least_3.parse(args.confirm_replications, "--confirm-replications")
    conf = _confidence.parse(args.confidence, "--confidence")
    seed = types.seed.parse(args.seed, "--seed")
    workers = types.executor_workers(args)
    path = types.scenario_file(args.scenario)
    base = load_scenario(path)
    out = types.out_folder(args.out, Path("outputs") / f"optimise-{path.stem}")

    res = optimise(base, targets, levers, replications=reps, years=years, budget_minutes=budget,
                   max_trials=trials, seed=seed, candidates=cands, confirm_replications=confirm,
                   confidence=conf, executor=args.executor, max_workers=workers,
                   scheduler=args.scheduler, out=out.parent, name=out.name,
                   progress=not args.no_progress)
    print()
    print(res.statement())
    notes = (res.candidates["note"].fillna("").astype(str).str.strip().astype(bool).any()
             if "note" in res.candidates else False)
    if res.chosen is None and len(res.candidates) and not notes:   # the options the advice means
        # (not when no bound could be had: more fresh runs of the same length would not help)
        print(f"(Fresh runs per plan: --confirm-replications, {res.confirm_replications} now; "
              f"confidence: --confidence, {res.confidence:g} now.)")
    elif res.chosen is None and notes:
        print(f"(Years simulated: --years, {years:g} now.)")
    if len(res.candidates):
        short = (int((res.candidates["n"] < res.confirm_replications).sum())
                 if "n" in res.candidates else 0)
        print(f"\nCandidates checked on {res.confirm_replications} fresh runs each (bounds: "
              f"one-sided, {confidence_text(res.candidates['confidence_each'].iloc[0], 2)} "
              f"each)" + (f"; runs failed for {short} of them, whose averages and bounds are of "
                          f"the runs that finished" if short else "") + ":")
        print(_plan_table(res.candidates, res))
    from ..decision.charts import frontier_chart

    fig = frontier_chart(res)
    files.save_figure(out / "frontier.png", fig, "--out", dpi=120, bbox_inches="tight")
    if budget is not None and res.elapsed_s > 60 * budget:
        print(f"\nThe run took {res.elapsed_s / 60:.1f} min, more than --budget-minutes "
              f"{budget:g}: the first plans and the check on fresh runs always run in full.")
    print(f"\n{len(res.trials)} plans tried ({res.stopped}); {len(res.frontier)} on the cost "
          f"frontier. {res.n_run} replication(s) run, {res.n_loaded} loaded; "
          f"{res.elapsed_s / 60:.1f} min. Wrote trials.csv, candidates.csv, result.json and "
          f"frontier.png to {out}.")
    if res.chosen is not None:
        plan = write_plan(res, path, out / "chosen_plan.yaml")
        print(f"Wrote the chosen plan as a scenario, {plan}: `workbench compare {path} {plan} "
              f"--years {years:g} --seed {seed + FRESH_SEED_OFFSET} -r {confirm}` runs it on the "
              f"fresh runs it was checked on, beside the starting scenario.")
    else:   # an earlier run's plan in this folder would read as this one's
        try:
            (out / "chosen_plan.yaml").unlink(missing_ok=True)
        except OSError:
            pass
    return 0 if res.chosen is not None else 1


def write_plan(res, base_file: Path, out: Path) -> Path:
    """Write the chosen plan as a scenario file (the starting scenario with the levers moved,
    over the years searched: extra recruits are campaigns over those years only), checked to
    load. Without it the plan could be checked only by building its monthly campaigns by hand."""
    import yaml

    from ..scenario import load_scenario

    data = res.chosen_scenario.to_dict()
    data["name"] = f"{res.base.name}: chosen plan"
    data["description"] = "; ".join(res.plan_lines()) or "no change from the starting scenario"
    if res.years is not None:
        data["horizon_years"] = res.years
    head = (f"# The plan `workbench optimise` chose for {base_file} (targets: "
            f"{', '.join(str(t) for t in res.targets)}), over {res.years:g} years: the starting "
            f"scenario with the levers moved.\n") if res.years is not None else ""
    text = head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    files.write_text(out, text, "--out")
    load_scenario(out)   # a plan the schema refuses is a bug: said, not written silently
    return out
