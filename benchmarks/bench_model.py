"""Benchmark: one replication of the baseline, events per second, and how cost grows.

    .venv/bin/python benchmarks/bench_model.py            # full (about two minutes)
    .venv/bin/python benchmarks/bench_model.py --quick    # a smaller check
    .venv/bin/python benchmarks/bench_model.py --scale-only --sizes 1,5,10,20 \
        --scale-years 1 --scale-reps 3                    # authority size alone (issue 13)

Reports, on one core:
- seconds for one 5-year replication of the bundled baseline (median of 3, after a warm-up run);
- the model's SimPy events per second, beside a bare SimPy timeout loop measured in the same run;
- seconds against horizon (1, 2, 5 years) and authority size (x0.5 to x20, scaled by
  ``workbench.scenario.derive.scale_authority``), with each size's time over x1's.
The figures and the command are recorded in benchmarks/README.md. Every timed run starts after a
full garbage collection (outside the timer), so that no run pays for collecting an earlier one's
objects. The bare SimPy loop is printed before and after the scaling runs: the host's speed at
the time (this machine is shared; compare runs by it).
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from pathlib import Path

import simpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench import load_scenario, simulate  # noqa: E402
from workbench.scenario import scale_authority  # noqa: E402


def bare_simpy_events_per_second(n: int = 300_000) -> float:
    env = simpy.Environment()

    def loop(env):
        for _ in range(n):
            yield env.timeout(1)

    env.process(loop(env))
    t = time.perf_counter()
    env.run()
    return n / (time.perf_counter() - t)


def timed_run(scenario, seed: int, years: float) -> tuple[float, int]:
    """Seconds for one replication (as simulate() runs it: warm start, run, KPIs) and the
    number of SimPy events it processed (events scheduled less those still pending)."""
    from workbench.analysis.run import Run
    from workbench.model.simulation import Simulation

    sim = Simulation(scenario, seed, years * 365.25)
    gc.collect()   # an earlier run's objects are not this run's cost
    t = time.perf_counter()
    Run.from_record(sim.run())
    dt = time.perf_counter() - t
    return dt, sim.eng.events_processed()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default=None,
                    help="authority sizes to time, e.g. 1,5,10,20 (default 0.5,1,2,5,10,20; "
                         "--quick: 0.5,1)")
    ap.add_argument("--scale-years", type=float, default=5.0,
                    help="simulated years of each scaling run (default 5)")
    ap.add_argument("--scale-reps", type=int, default=1,
                    help="runs of each size, the median reported (default 1)")
    ap.add_argument("--scale-only", action="store_true",
                    help="only the scaling with authority size (and the bare SimPy loop)")
    args = ap.parse_args()
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    simulate(base, seed=99, years=0.2)  # warm caches (calendar, imports)
    from workbench.model import core_status

    print(f"python {platform.python_version()}, simpy {simpy.__version__}, {platform.machine()}")
    status = set(core_status().values())
    print("simulation core:", "compiled (mypyc)" if status == {"compiled"} else core_status())

    if not args.scale_only:
        reps = 1 if args.quick else 3
        times, steps = [], 0
        for seed in range(reps):
            dt, steps = timed_run(base, seed, 5)
            times.append(dt)
        t5 = statistics.median(times)
        # time in SimPy's loop only, for events per second: subtract set-up and metrics
        print(f"\nOne 5-year replication of the baseline: {t5:.2f} s (median of {reps}), "
              f"{steps:,} SimPy events -> {steps / t5:,.0f} events/s (whole run incl. warm start and metrics)")
    print(f"Bare SimPy timeout loop, same run: {bare_simpy_events_per_second():,.0f} events/s")

    if not args.scale_only:
        print("\nScaling with horizon (baseline):")
        for years in ([1, 5] if args.quick else [1, 2, 5]):
            dt, n = timed_run(base, 0, years)
            print(f"  {years} years: {dt:6.2f} s  ({dt / years:.2f} s a simulated year, {n:,} events)")

    sizes = ([float(x) for x in args.sizes.split(",")] if args.sizes
             else [0.5, 1.0] if args.quick else [0.5, 1.0, 2.0, 5.0, 10.0, 20.0])
    years = args.scale_years
    reps = max(1, args.scale_reps)
    print(f"\nScaling with authority size ({years:g} years, median of {reps}):")
    at: dict[float, float] = {}
    for factor in sizes:
        sc = scale_authority(base, factor)
        runs = [timed_run(sc, 0, years) for _ in range(reps)]
        dt = statistics.median(r[0] for r in runs)
        n = runs[0][1]
        at[factor] = dt
        ratio = f", {dt / at[1.0]:5.1f}x x1's time" if 1.0 in at else ""
        print(f"  x{factor:g} ({sum(sc.initial.open_cases.values()):,} open cases): {dt:6.2f} s  "
              f"({dt / factor:.2f} s per unit of size{ratio}, {n:,} events; "
              f"runs {', '.join(f'{r[0]:.2f}' for r in runs)})", flush=True)
    print(f"Bare SimPy timeout loop, after: {bare_simpy_events_per_second():,.0f} events/s")


if __name__ == "__main__":
    main()
