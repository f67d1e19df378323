"""``workbench sensitivity``: what the answer depends on.

    workbench sensitivity SCENARIO [--kpi KPI] [--trajectories R] [--sobol-top N]
                          [--sobol-n N] [--replications R] [--years Y] [--seed S]
                          [--executor serial|process|dask] [--scheduler ADDRESS]
                          [--workers N] [--out DIR] [--no-progress]

Screens every uncertain input (the scenario's ``uncertain:`` block, or the default inputs at
plus or minus 20%) with Morris's method, gives Sobol indices for the few that matter, and prints
the finding in a sentence with the ranking; writes ``morris.csv``, ``sobol.csv``,
``tornado.csv`` and ``tornado.png`` to ``DIR`` (default ``outputs/sensitivity-<scenario>``),
whose replication files let the same command resume (:mod:`workbench.decision.sensitivity`).
"""

from __future__ import annotations

from pathlib import Path

from .. import files
from . import args as types

_at_least_2 = types.Number(int, 2, 1000)
_sobol_n = types.Number(int, 2, 4096)


def register(subparsers) -> None:
    """Add the ``sensitivity`` subcommand to the ``workbench`` parser."""
    c = subparsers.add_parser(
        "sensitivity",
        help="which uncertain inputs the results depend on (Morris, Sobol)",
        description="Screen the uncertain inputs with Morris's method, give Sobol indices for "
                    "the top few, and say in a sentence what the answer depends on most.")
    c.add_argument("scenario", metavar="SCENARIO", help="the scenario file")
    c.add_argument("--kpi", default="assessment_within_45wd_pct", metavar="KPI",
                   help="the measure ranked (default assessment_within_45wd_pct)")
    c.add_argument("--trajectories", default="6", metavar="R",
                   help="Morris trajectories, at least 2 (default 6: R x (inputs + 1) points)")
    c.add_argument("--sobol-top", default="4", metavar="N",
                   help="inputs given Sobol indices, 2 or more (default 4; 0 for none)")
    c.add_argument("--sobol-n", default="16", metavar="N",
                   help="Sobol base sample, a power of 2 (default 16: N x (top + 2) points)")
    c.add_argument("--replications", "-r", default="2", metavar="R",
                   help="replications per point, the same seeds at every point (default 2)")
    c.add_argument("--years", default="1", metavar="Y",
                   help="horizon of every run in years (default 1)")
    c.add_argument("--seed", default="0", metavar="S", help="base seed (default 0)")
    types.add_executor_options(c, out_default="outputs/sensitivity-<scenario>")
    c.set_defaults(func=cmd_sensitivity)


def cmd_sensitivity(args) -> int:
    """Check every argument, run the analysis, print the sentence and the ranking."""
    from ..analysis.registry import kpi
    from ..decision.sensitivity import (MORRIS_EFFECT, too_few_inputs, default_inputs,
                                        sensitivity)
    from ..errors import UserError
    from ..scenario import load_scenario

    traj = _at_least_2.parse(args.trajectories, "--trajectories")
    top = types.non_negative_int.parse(args.sobol_top, "--sobol-top")
    if top == 1:
        raise UserError("--sobol-top: Sobol indices share the measure's variance out among "
                        "inputs, so they need at least two; give 2 or more, or 0 for none "
                        "(got 1)")
    sn = _sobol_n.parse(args.sobol_n, "--sobol-n")
    reps = types.positive_int.parse(args.replications, "--replications")
    years = types.years.parse(args.years, "--years")
    seed = types.seed.parse(args.seed, "--seed")
    workers = types.executor_workers(args)
    path = types.scenario_file(args.scenario)
    base = load_scenario(path)
    if len(default_inputs(base)) < 2:
        raise UserError(f"{path}: {too_few_inputs(base, default_inputs(base))}")
    out = types.out_folder(args.out, Path("outputs") / f"sensitivity-{path.stem}")
    res = sensitivity(base, args.kpi, trajectories=traj, sobol_top=top, sobol_n=sn,
                      replications=reps, years=years, seed=seed, executor=args.executor,
                      max_workers=workers, scheduler=args.scheduler, out=out.parent,
                      name=out.name, progress=not args.no_progress)
    k = kpi(res.kpi)
    print()
    print(res.sentence())
    m = res.morris[res.morris["kpi"] == res.kpi].sort_values("rank")
    s = res.sobol[res.sobol["kpi"] == res.kpi].set_index("input") if len(res.sobol) else None
    # each estimate with its 95% range (a Sobol index of 1.99 from 8 runs printed as if exact)
    print()
    rows = [("rank", "input", "Morris effect", "Sobol total")]
    for r in m.itertuples():
        conf = getattr(r, "mu_star_conf", float("nan"))
        pm = k.format(conf, unit=False) if conf == conf else ""
        if (conf == conf and conf > 1e-6 * max(1.0, abs(r.mu_star))   # not a rounding error
                and round(conf * k.display_scale, k.display_digits) == 0):
            # a range that rounds to 0 is not none: "21 ± 0" from two trajectories read as exact
            pm = "<" + k.format(k.resolution, unit=False)
        mu = k.format(r.mu_star, unit=False) + (f" ± {pm}" if pm else "")
        st = ""
        if s is not None and r.input in s.index:
            st = f"{s.loc[r.input, 'ST']:.2f}"
            sc = s.loc[r.input, "ST_conf"] if "ST_conf" in s.columns else float("nan")
            st += "" if sc != sc else f" ± {sc:.2f}"
        rows.append((str(r.rank), r.label[:48], mu, st))
    w = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print(f"{row[0]:>{w[0]}}  {row[1]:<{w[1]}}  {row[2]:>{w[2]}}  {row[3]:>{w[3]}}".rstrip())
    caution = res.sobol_caution()
    if caution:
        print(f"\n{caution} (--sobol-n {sn} now.)")
    from ..decision.charts import tornado_chart

    files.save_figure(out / "tornado.png", tornado_chart(res), "--out", dpi=120,
                      bbox_inches="tight")
    from ..decision.sensitivity import _UNBOUNDED

    endless = [p for p, d in res.inputs.items() if d.dist in _UNBOUNDED]
    ends = (f" (for {', '.join(endless)}, drawn from a distribution with no upper end: from "
            f"its 0.1% to its 99.9% point)") if endless else ""
    print(f"\nMorris effect: {MORRIS_EFFECT}{ends}, in {k.label.lower()} "
          f"({k.display_unit(difference=True)}); ± gives each estimate's 95% range. "
          f"{res.n_run} replication(s) run, {res.n_loaded} loaded; {res.elapsed_s / 60:.1f} min. "
          f"Wrote morris.csv, sobol.csv, tornado.csv and tornado.png to {out}.")
    return 0
