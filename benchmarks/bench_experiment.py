"""Benchmark of the experiment layer: replications per second, serial vs process pool vs Dask.

    .venv/bin/python benchmarks/bench_experiment.py                 # quick: ~2 minutes on 2 cores
    .venv/bin/python benchmarks/bench_experiment.py --full          # also 6 scenarios x 100 reps

Every figure is for the bundled baseline (and variants derived from it in code) over the horizon
given by ``--years`` (default: 5 years, the scenario's own). Replications are written to a
temporary folder as in a real experiment (``resume=False``, so nothing is loaded). Results are
printed as a Markdown table to paste into ``benchmarks/experiments.md``.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench import load_scenario, simulate  # noqa: E402
from workbench.experiment import replication_seed, run_experiment  # noqa: E402


def variants(base, n: int) -> dict:
    """The baseline and n-1 small policy variants (more demand, more staff...)."""
    ff = [g.model_dump() for g in base.teams["families_first"].staff]
    changes = [
        {"demand.referrals_per_year": 6500, "name": "Demand +4%"},
        {"teams.families_first.staff": ff + [{"type": "agency", "count": 4, "fte": 1.0}],
         "name": "Four more agency"},
        {"caseload.hard_limit_pct": 120, "name": "Hard limit 120%"},
        {"demand.referrals_per_year": 6000, "name": "Demand -4%"},
        {"teams.families_first.staff": ff + [{"type": "experienced", "count": 4, "fte": 1.0}],
         "name": "Four more experienced"},
    ]
    out = {"Baseline": base}
    for ch in changes[: n - 1]:
        out[ch["name"]] = base.replace(ch)
    return out


def timed(label, scs, reps, years, executor, workers, tmp, **kw):
    d = Path(tempfile.mkdtemp(dir=tmp))
    t0 = time.perf_counter()
    e = run_experiment(scs, reps, seed=1, years=years, executor=executor, max_workers=workers,
                       out=d, name="bench", resume=False, progress=False, **kw)
    wall = time.perf_counter() - t0
    n = len(scs) * reps
    assert len(e.failures) == 0, e.failures
    print(f"  {label}: {n} replications in {wall:.1f} s = {n / wall:.3f} rep/s", flush=True)
    return {"label": label, "n": n, "wall": wall, "rate": n / wall, "exp": e}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--years", type=float, default=None, help="horizon (default: scenario's, 5)")
    p.add_argument("--serial-reps", type=int, default=4)
    p.add_argument("--pool-reps", type=int, default=12)
    p.add_argument("--workers", type=int, default=os.cpu_count())
    p.add_argument("--multi-reps", type=int, default=4,
                   help="replications of the 6-scenario run on the process pool (0: skip)")
    p.add_argument("--no-dask", action="store_true")
    p.add_argument("--full", action="store_true",
                   help="also run the target: 6 scenarios x 100 replications on the process pool")
    p.add_argument("--full-scenarios", type=int, default=6)
    p.add_argument("--full-reps", type=int, default=100)
    args = p.parse_args(argv)

    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    years = args.years
    horizon = years if years is not None else base.horizon_years
    tmp = tempfile.mkdtemp(prefix="bench_experiment_")
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min)")
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}; "
          f"baseline, {horizon:g} years; workers={args.workers}", flush=True)
    rows = []
    try:
        # the model alone, no experiment machinery
        t0 = time.perf_counter()
        for i in range(args.serial_reps):
            simulate(base, replication_seed(1, i), years=years)
        wall = time.perf_counter() - t0
        print(f"  simulate() alone: {args.serial_reps} in {wall:.1f} s = "
              f"{args.serial_reps / wall:.3f} rep/s", flush=True)
        rows.append({"label": "simulate() in a loop (no experiment layer)",
                     "n": args.serial_reps, "wall": wall, "rate": args.serial_reps / wall})
        one = {"Baseline": base}
        ser = timed("serial", one, args.serial_reps, years, "serial", 1, tmp)
        rows.append(ser)
        pool = timed(f"process pool ({args.workers} workers)", one, args.pool_reps, years,
                     "process", args.workers, tmp)
        rows.append(pool)
        if not args.no_dask:
            from distributed import Client, LocalCluster

            t0 = time.perf_counter()
            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
            client.wait_for_workers(args.workers)
            start = time.perf_counter() - t0
            print(f"  dask LocalCluster start: {start:.1f} s", flush=True)
            try:
                dk = timed(f"dask, running LocalCluster ({args.workers} workers)", one,
                           args.pool_reps, years, client, None, tmp)
                rows.append(dk)
            finally:
                client.close()
                cluster.close()
            dnew = timed(f"dask, executor='dask' incl. LocalCluster start/stop", one,
                         args.pool_reps, years, "dask", args.workers, tmp)
            rows.append(dnew)
            rows.append({"label": "dask LocalCluster start (once per experiment)", "n": 0,
                         "wall": start, "rate": float("nan")})
        if args.multi_reps:
            scs = variants(base, 6)
            multi = timed(f"6 scenarios x {args.multi_reps} reps, process pool", scs,
                          args.multi_reps, years, "process", args.workers, tmp)
            rows.append(multi)
        if args.full:
            scs = variants(base, args.full_scenarios)
            full = timed(f"TARGET {len(scs)} scenarios x {args.full_reps} reps, process pool",
                         scs, args.full_reps, years, "process", args.workers, tmp)
            rows.append(full)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("\n| run | replications | wall (s) | replications/s | s per replication |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        per = r["wall"] / r["n"] if r["n"] else float("nan")
        print(f"| {r['label']} | {r['n']} | {r['wall']:.1f} | {r['rate']:.3f} | {per:.2f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f} (1 min; other processes compete for "
          f"the cores when it is well above the workers' own load)")
    pool_rate = multi["rate"] if args.multi_reps else pool["rate"]
    target = 600
    print(f"\nSpeed-up of the process pool over serial: {pool_rate / ser['rate']:.2f}x")
    print(f"Extrapolated 6 scenarios x 100 replications of {horizon:g} years on the process pool "
          f"(from the {'6-scenario' if args.multi_reps else 'baseline'} pool rate): "
          f"{target / pool_rate / 60:.1f} minutes (target: under 10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
