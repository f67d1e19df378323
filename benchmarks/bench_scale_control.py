"""Benchmark control for issue 13: is an x20 authority slow because of the model, or because of
the machine's caches?

    .venv/bin/python benchmarks/bench_scale_control.py [--size 20] [--years 1] [--slice-days 0.5]
        [--reps 2]

Times the simulation itself (the warm start and the run to the horizon; not the event log's
conversion or the KPIs) four ways, each in a fresh process so that no way inherits another's
memory, alternating, best of ``--reps``:

- **one x1**: the baseline once;
- **N x1, one after another**: N baselines (seeds 1..N) held in one process and run one after
  another: N times the work of one x1, with only one authority's state in use at a time;
- **N x1, interleaved**: the same N baselines advanced together, each by ``--slice-days`` in
  turn: the same work again (the same runs, event for event), but with N authorities' state in
  use at once, as in one x``N`` authority;
- **one xN**: the baseline scaled by ``N`` (``scale_authority``).

If "interleaved" takes as long as "one xN" while "one after another" stays near N times one
x1, the extra time of the large authority is the cost of its larger state in the caches, not of
the model's algorithms (which the instruction counts in benchmarks/README.md check directly).
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 365.25
WAYS = ("one", "sequential", "interleaved", "large")


def _time_one_way(way: str, size: int, years: float, slice_days: float) -> float:
    from workbench import load_scenario
    from workbench.model.simulation import Simulation
    from workbench.scenario import scale_authority

    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    Simulation(base, 99, 0.2 * YEAR).run()   # warm caches (calendar, imports)
    horizon = years * YEAR
    if way == "one":
        sims = [Simulation(base, 1, horizon)]
    elif way == "large":
        sims = [Simulation(scale_authority(base, size), 1, horizon)]
    else:
        sims = [Simulation(base, seed, horizon) for seed in range(1, size + 1)]
    gc.collect()
    gc.disable()   # as Simulation.run does
    t = time.perf_counter()
    for s in sims:
        if way != "interleaved":
            s.start()
            s.advance(horizon)
    if way == "interleaved":
        for s in sims:
            s.start()
        k = 1
        while k * slice_days < horizon:
            for s in sims:
                s.advance(k * slice_days)
            k += 1
        for s in sims:
            s.advance(horizon)
    seconds = time.perf_counter() - t
    gc.enable()
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=20, help="N: authorities / scale factor")
    ap.add_argument("--years", type=float, default=1.0, help="simulated years (default 1)")
    ap.add_argument("--slice-days", type=float, default=0.5,
                    help="days each authority advances in its turn when interleaved")
    ap.add_argument("--reps", type=int, default=2, help="runs of each way (best is kept)")
    ap.add_argument("--way", choices=WAYS, help=argparse.SUPPRESS)   # one way, in a child
    args = ap.parse_args()
    if args.way:
        print(_time_one_way(args.way, args.size, args.years, args.slice_days))
        return
    from workbench.model import core_status
    compiled = all(v == "compiled" for v in core_status().values())
    print(f"core: {'compiled' if compiled else 'interpreted (run make setup)'}; "
          f"N = {args.size}, {args.years:g} year(s), slices of {args.slice_days:g} days")
    best: dict[str, float] = {}
    for _ in range(args.reps):
        for way in WAYS:
            out = subprocess.run(
                [sys.executable, __file__, "--way", way, "--size", str(args.size), "--years",
                 str(args.years), "--slice-days", str(args.slice_days)],
                check=True, capture_output=True, text=True).stdout
            best[way] = min(best.get(way, float("inf")), float(out.strip().splitlines()[-1]))
    one = best["one"]
    n = args.size
    labels = {"one": "one x1", "sequential": f"{n} x1, one after another",
              "interleaved": f"{n} x1, interleaved", "large": f"one x{n}"}
    for way in WAYS:
        print(f"  {labels[way]:<28} {best[way]:6.2f} s  ({best[way] / one:5.1f}x one x1)")


if __name__ == "__main__":
    main()
