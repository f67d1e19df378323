"""Timings of decision support (issue 17): Morris over every uncertain input, a short Sobol run,
whether they agree, and the optimiser's acceptance run.

    .venv/bin/python benchmarks/bench_decision.py                 # (a) and (b): ~10 min on 2 cores
    .venv/bin/python benchmarks/bench_decision.py --part c        # (c): ~11 min, the acceptance run
    .venv/bin/python benchmarks/bench_decision.py --part a --trajectories 4 --years 1   # quicker

Parts:

(a) Morris screening of every uncertain input of the baseline (the set ``workbench
    sensitivity`` uses by default: the scenario's ``uncertain:`` block, or the default inputs at
    plus or minus 20%), ``--trajectories`` trajectories, ``--replications`` replications of
    ``--years`` years per point, on common random numbers; with the tornado's points.
(b) Sobol indices (Saltelli, ``--sobol-n`` base sample) for the ``--sobol-top`` inputs Morris
    ranked highest, the others at their medians; the Morris points are loaded from (a)'s files,
    so the time is Sobol's own. Prints whether the top 3 by Morris mu* are the top 3 by Sobol ST.
(c) The acceptance run: ``workbench optimise`` on the baseline over the four default levers,
    target assessments within 45 working days >= 85%, ``--budget-minutes 10`` (the command's
    other defaults), then an independent re-run of the chosen plan on seeds neither the search
    nor the check used, with the same one-sided t bound at the stated confidence.

Everything runs on the process pool (``--executor``, ``--workers`` as the commands take them).
Results go to a temporary folder (``--out`` to keep them). The figures are printed as Markdown
for ``benchmarks/decision.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench import load_scenario  # noqa: E402

#: Seeds of the independent re-run in (c): far from the search's (0...) and the check's
#: (1,000,003...).
RERUN_SEED = 7_000_001


def _clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"


def morris_and_sobol(args, out: Path) -> None:
    """Parts (a) and (b)."""
    from workbench.decision.sensitivity import default_inputs, sensitivity

    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    inputs = default_inputs(base)
    k = len(inputs)
    kw = dict(replications=args.replications, years=args.years, seed=args.seed,
              executor=args.executor, max_workers=args.workers, out=out, name="sensitivity",
              trajectories=args.trajectories, progress=not args.quiet)
    if "a" in args.part:
        t0 = time.perf_counter()
        a = sensitivity(base, sobol_top=0, **kw)
        ta = time.perf_counter() - t0
        points = args.trajectories * (k + 1)
        print(f"\n(a) Morris: {k} inputs, {args.trajectories} trajectories = {points} points "
              f"(+ {2 * min(8, k) + 1} tornado points) x {args.replications} replications of "
              f"{args.years:g} years: {a.n_run} replications run, {a.n_loaded} loaded, "
              f"{_clock(ta)} wall clock ({ta / max(a.n_run, 1):.2f} s a replication over "
              f"{args.workers or os.cpu_count()} workers).")
        print(a.sentence())
        m = a.morris[a.morris["kpi"] == a.kpi].sort_values("rank")
        print("\n| rank | input | mu* (pts) | mu* 95% conf | sigma |\n|---|---|---|---|---|")
        for r in m.itertuples():
            print(f"| {r.rank} | {r.label} | {r.mu_star:.2f} | {r.mu_star_conf:.2f} | "
                  f"{r.sigma:.2f} |")
    if "b" in args.part:
        t0 = time.perf_counter()
        b = sensitivity(base, sobol_top=args.sobol_top, sobol_n=args.sobol_n, **kw)
        tb = time.perf_counter() - t0
        s = b.sobol[b.sobol["kpi"] == b.kpi].sort_values("ST", ascending=False)
        spoints = args.sobol_n * (min(args.sobol_top, k) + 2)
        print(f"\n(b) Sobol: top {min(args.sobol_top, k)} inputs by Morris, N = {args.sobol_n} "
              f"({spoints} points) x {args.replications} replications of {args.years:g} years: "
              f"{b.n_run} replications run, {b.n_loaded} loaded (Morris's), {_clock(tb)} wall "
              f"clock.")
        print("\n| input | S1 | S1 conf | ST | ST conf |\n|---|---|---|---|---|")
        for r in s.itertuples():
            print(f"| {r.label} | {r.S1:.2f} | {r.S1_conf:.2f} | {r.ST:.2f} | {r.ST_conf:.2f} |")
        top_m = b.top(3)
        top_s = list(s["input"].head(3))
        same = set(top_m) == set(top_s)
        print(f"\nTop 3 by Morris mu*: {', '.join(top_m)}")
        print(f"Top 3 by Sobol ST:   {', '.join(top_s)}")
        print(f"Agree (as sets): {'yes' if same else 'no'}"
              + ("" if same else f"; in order: {'yes' if top_m == top_s else 'no'}"))


def acceptance(args, out: Path) -> None:
    """Part (c): the optimiser's acceptance run and an independent re-run of its plan."""
    import numpy as np

    from workbench.cli.main import main
    from workbench.decision import plan_scenario
    from workbench.decision.targets import check_targets, parse_target
    from workbench.experiment import run_experiment

    folder = out / "optimise"
    target = "assessment_within_45wd_pct>=85"
    argv = ["optimise", str(ROOT / "scenarios" / "baseline.yaml"), "--target", target,
            "--budget-minutes", str(args.budget_minutes), "--out", str(folder),
            "--executor", args.executor]
    if args.workers:
        argv += ["--workers", str(args.workers)]
    if args.quiet:
        argv.append("--no-progress")
    print("workbench " + shlex.join(argv[:1] + ["scenarios/baseline.yaml"] + argv[2:]))
    t0 = time.perf_counter()
    rc = main(argv)
    tc = time.perf_counter() - t0
    info = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    print(f"\n(c) optimise: exit {rc}, {_clock(tc)} wall clock (budget {args.budget_minutes:g} "
          f"min); stopped by {info['stopped']}.")
    if info["chosen"] is None:
        print("No plan chosen: nothing to re-run.")
        return
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    sc = plan_scenario(base, info["chosen"], info["years"])
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        exp = run_experiment(sc, replications=args.rerun_replications, seed=RERUN_SEED,
                             years=info["years"], executor=args.executor,
                             max_workers=args.workers, out=None, progress=False)
    t = parse_target(target)
    (chk,) = check_targets({t.kpi: exp.kpis[t.kpi].to_numpy()}, [t], info["confidence"])
    sd = float(np.std(exp.kpis[t.kpi], ddof=1))
    print(f"Independent re-run of the chosen plan ({info['chosen']}): "
          f"{chk.n} replications on seeds from {RERUN_SEED}, mean {chk.mean:.2f}% (sd "
          f"{sd:.2f}), one-sided {info['confidence']:.0%} lower bound {chk.bound:.2f}%: "
          f"{'meets' if chk.met else 'does NOT meet'} {target} "
          f"({_clock(time.perf_counter() - t1)}).")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--part", default="ab", help="which parts: any of a, b, c (default ab)")
    p.add_argument("--trajectories", type=int, default=10, help="Morris trajectories (10)")
    p.add_argument("--sobol-top", type=int, default=4, help="inputs given Sobol indices (4)")
    p.add_argument("--sobol-n", type=int, default=64, help="Saltelli base sample (64)")
    p.add_argument("--replications", type=int, default=2, help="replications a point (2)")
    p.add_argument("--years", type=float, default=2.0, help="years a run (2)")
    p.add_argument("--seed", type=int, default=0, help="base seed (0)")
    p.add_argument("--budget-minutes", type=float, default=10.0, help="(c)'s budget (10)")
    p.add_argument("--rerun-replications", type=int, default=40,
                   help="(c)'s independent re-run (40)")
    p.add_argument("--executor", default="process", choices=("serial", "process", "dask"))
    p.add_argument("--workers", type=int, default=None, help="workers (default: every core)")
    p.add_argument("--out", default=None, help="keep the result files here")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    args = p.parse_args()
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    with tempfile.TemporaryDirectory(prefix="bench-decision-") as tmp:
        out = Path(args.out) if args.out else Path(tmp)
        if set("ab") & set(args.part):
            morris_and_sobol(args, out)
        if "c" in args.part:
            acceptance(args, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
