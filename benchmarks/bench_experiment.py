"""Benchmark of the experiment layer: replications per second, serial vs process pool vs Dask.

    .venv/bin/python benchmarks/bench_experiment.py            # ~1 minute on 2 idle cores
    .venv/bin/python benchmarks/bench_experiment.py --full     # also 6 scenarios x 100 reps (~6 min)

Three parts:

1. The experiment layer's own cost per replication, with a stand-in model that takes no time and
   returns a weekly table of about the real size (261 weeks x 32 columns): scheduling, pickling,
   writing the JSON and CSV files, assembling the tables.
2. Real 5-year replications of the bundled baseline: serial, the process pool and Dask, as
   replications per second, with each replication's wall-clock and CPU time inside its worker.
   On a shared machine the wall-clock figures move with other people's load; the CPU time does
   not (much), so the script also gives an estimate for an idle machine from it.
3. (``--full``) The issue's target: 6 scenarios x 100 replications x 5 years on the process pool.

Replications are written to a temporary folder as in a real experiment (``resume=False``, so
nothing is loaded). The figures are printed as Markdown for ``benchmarks/experiments.md``.
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
from types import SimpleNamespace

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench import load_scenario, simulate  # noqa: E402
from workbench.experiment import replication_seed, run_experiment  # noqa: E402

WEEKS, COLS = 261, 30


def instant_model(scenario, seed, *, years=None, warmup_days=0.0):
    """A stand-in model that takes no time but returns outputs of the real size."""
    rng = np.random.default_rng(seed)
    ts = pd.DataFrame(rng.normal(size=(WEEKS, COLS)), columns=[f"c{i}" for i in range(COLS)])
    ts.insert(0, "week", np.arange(WEEKS))
    ts.insert(1, "t_days", np.arange(WEEKS) * 7.0)
    return SimpleNamespace(kpis={f"k{i}": float(v) for i, v in enumerate(rng.normal(size=30))},
                           timeseries=ts, horizon_days=WEEKS * 7.0)


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
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    e = run_experiment(scs, reps, seed=1, years=years, executor=executor, max_workers=workers,
                       out=d, name="bench", resume=False, progress=False, **kw)
    wall = time.perf_counter() - t0
    n = len(scs) * reps
    busy = float(e.runs["elapsed_s"].mean())
    cpu = float(e.runs["cpu_s"].mean())
    nw = workers or 1
    overhead = wall * nw / n - busy   # seconds of a worker slot per replication not in the model
    load = max(load0, os.getloadavg()[0])
    print(f"  {label}: {n} in {wall:.1f} s = {n / wall:.3f} rep/s; per replication in its worker "
          f"{busy:.3f} s wall, {cpu:.3f} s CPU; overhead {overhead:.3f} s; load {load:.2f}",
          flush=True)
    if len(e.failures):
        print(f"  !! {len(e.failures)} failed, first: {e.failures.iloc[0]['error']}", flush=True)
    return {"label": label, "n": n, "wall": wall, "rate": n / wall, "busy": busy, "cpu": cpu,
            "overhead": overhead, "load": load, "failed": len(e.failures)}


def table(rows) -> str:
    out = ["| run | replications | wall (s) | replications/s | worker wall s / rep | "
           "worker CPU s / rep | overhead s / rep | load avg | failed |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        out.append(f"| {r['label']} | {r['n']} | {r['wall']:.1f} | {r['rate']:.3f} | "
                   f"{r['busy']:.3f} | {r['cpu']:.3f} | {r['overhead']:.3f} | {r['load']:.2f} | "
                   f"{r['failed']} |")
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--years", type=float, default=None, help="horizon (default: scenario's, 5)")
    p.add_argument("--serial-reps", type=int, default=4)
    p.add_argument("--pool-reps", type=int, default=12)
    p.add_argument("--overhead-reps", type=int, default=200)
    p.add_argument("--workers", type=int, default=os.cpu_count())
    p.add_argument("--no-dask", action="store_true")
    p.add_argument("--full", action="store_true",
                   help="also run the target: 6 scenarios x 100 replications on the process pool")
    p.add_argument("--full-reps", type=int, default=100)
    args = p.parse_args(argv)

    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    years = args.years
    horizon = years if years is not None else base.horizon_years
    w = args.workers
    tmp = tempfile.mkdtemp(prefix="bench_experiment_")
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}; "
          f"workers={w}; load average {os.getloadavg()[0]:.2f}", flush=True)
    one = {"Baseline": base}
    layer, real = [], []
    client = cluster = None
    try:
        if not args.no_dask:
            from distributed import Client, LocalCluster

            t0 = time.perf_counter()
            cluster = LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
            client.wait_for_workers(w)
            dask_start = time.perf_counter() - t0
            print(f"  dask LocalCluster start ({w} workers): {dask_start:.1f} s", flush=True)

        print("1. experiment-layer overhead (instant stand-in model)", flush=True)
        n = args.overhead_reps
        layer.append(timed("serial", one, n, years, "serial", 1, tmp, simulate_fn=instant_model))
        layer.append(timed(f"process pool ({w})", one, n, years, "process", w, tmp,
                           simulate_fn=instant_model))
        if client is not None:
            layer.append(timed(f"dask LocalCluster ({w}), running", one, n, years, client, w,
                               tmp, simulate_fn=instant_model))

        print(f"2. baseline, {horizon:g} years", flush=True)
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(args.serial_reps):
            simulate(base, replication_seed(1, i), years=years)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        k = args.serial_reps
        real.append({"label": "simulate() in a loop, no experiment layer", "n": k, "wall": wall,
                     "rate": k / wall, "busy": wall / k, "cpu": cpu / k, "overhead": 0.0,
                     "load": os.getloadavg()[0], "failed": 0})
        print(f"  simulate() alone: {k / wall:.3f} rep/s, {cpu / k:.2f} s CPU each", flush=True)
        real.append(timed("serial", one, args.serial_reps, years, "serial", 1, tmp))
        real.append(timed(f"process pool ({w})", one, args.pool_reps, years, "process", w, tmp))
        if client is not None:
            real.append(timed(f"dask LocalCluster ({w}), running", one, args.pool_reps, years,
                              client, w, tmp))
            client.close()
            cluster.close()
            client = cluster = None
            real.append(timed(f"dask, executor='dask' (starts and stops its LocalCluster)", one,
                              args.pool_reps, years, "dask", w, tmp))
        if args.full:
            scs = variants(base, 6)
            real.append(timed(f"TARGET: 6 scenarios x {args.full_reps} reps, process pool ({w})",
                              scs, args.full_reps, years, "process", w, tmp))
    finally:
        if client is not None:
            client.close()
            cluster.close()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n### Experiment-layer overhead ({args.overhead_reps} replications of an instant "
          f"stand-in model)\n")
    print(table(layer))
    print(f"\n### Baseline, {horizon:g} years\n")
    print(table(real))
    if not args.no_dask:
        print(f"\nDask LocalCluster start: {dask_start:.1f} s (once per experiment).")
    by = {r["label"].split(" (")[0].split(",")[0]: r for r in real}
    ser, pool = by["serial"], by["process pool"]
    cpu_rep = float(np.mean([r["cpu"] for r in real if r["n"]]))
    over = pool["overhead"]
    idle_rate = w / (cpu_rep + max(over, 0.0))
    print(f"\nSpeed-up of the process pool over serial, measured: {pool['rate'] / ser['rate']:.2f}x")
    print(f"6 scenarios x 100 replications of {horizon:g} years on the process pool, "
          f"extrapolated from the measured pool rate: {600 / pool['rate'] / 60:.1f} min; "
          f"from CPU time on an idle machine ({cpu_rep:.2f} s CPU per replication, {w} workers): "
          f"{600 / idle_rate / 60:.1f} min (target: under 10 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
