"""Benchmark: one replication of the baseline, events per second, and how cost grows.

    .venv/bin/python benchmarks/bench_model.py            # full (about a minute)
    .venv/bin/python benchmarks/bench_model.py --quick    # a smaller check

Reports, on one core:
- seconds for one 5-year replication of the bundled baseline (median of 3, after a warm-up run);
- the model's SimPy events per second, beside a bare SimPy timeout loop measured in the same run;
- seconds against horizon (1, 2, 5 years) and authority size (x0.5, x1, x2).
The figures and the command are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
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
    t = time.perf_counter()
    Run.from_record(sim.run())
    dt = time.perf_counter() - t
    return dt, sim.eng.events_processed()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    simulate(base, seed=99, years=0.2)  # warm caches (calendar, imports)
    from workbench.model import core_status

    print(f"python {platform.python_version()}, simpy {simpy.__version__}, {platform.machine()}")
    status = set(core_status().values())
    print("simulation core:", "compiled (mypyc)" if status == {"compiled"} else core_status())

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

    print("\nScaling with horizon (baseline):")
    for years in ([1, 5] if args.quick else [1, 2, 5]):
        dt, n = timed_run(base, 0, years)
        print(f"  {years} years: {dt:6.2f} s  ({dt / years:.2f} s a simulated year, {n:,} events)")

    print("\nScaling with authority size (5 years):")
    for factor in ([0.5, 1.0] if args.quick else [0.5, 1.0, 2.0]):
        sc = scale_authority(base, factor)
        dt, n = timed_run(sc, 0, 5)
        print(f"  x{factor:g} ({sum(sc.initial.open_cases.values()):,} open cases): {dt:6.2f} s  "
              f"({dt / factor:.2f} s per unit of size, {n:,} events)")


if __name__ == "__main__":
    main()
