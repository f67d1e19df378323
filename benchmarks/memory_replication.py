"""Peak memory of one replication, by authority size and horizon (issue 13).

Each measurement runs in a fresh Python process: it imports the workbench, loads and scales the
baseline (``scale_authority``), notes the process's peak resident memory so far, runs one
replication as an experiment's worker does (``_replicate``: the model, the KPIs and the weekly
table) and notes the peak again. The difference is what one replication adds to a worker; the
first figure is what a worker process holds before it runs anything.

    .venv/bin/python benchmarks/memory_replication.py            # x1 and x5, 1 and 5 years
    .venv/bin/python benchmarks/memory_replication.py --quick    # x1 and x2, 1 year

The figures are recorded in benchmarks/memory.md and the fit in
workbench/experiment/memory.py. Linux (``VmHWM``; elsewhere ``ru_maxrss``, read as KiB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def peak_mb() -> float:
    """This process's peak resident memory so far (MB): ``VmHWM`` of /proc/self/status (the
    process's own, unlike ``ru_maxrss``, which Linux carries over from the parent across
    fork and exec), else ``ru_maxrss``."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(factor: float, years: float, seed: int) -> dict:
    """Measure one replication in this process (a fresh one: the peak never goes down)."""
    from workbench import load_scenario
    from workbench.experiment.memory import children_over_run
    from workbench.experiment.run import _replicate
    from workbench.analysis.run import simulate
    from workbench.model import core_status
    from workbench.scenario.derive import scale_authority

    sc = scale_authority(load_scenario(ROOT / "scenarios" / "baseline.yaml"), factor)
    before = peak_mb()
    out = _replicate(simulate, sc, seed, years, 0.0)
    after = peak_mb()
    assert out["ok"], out.get("error")
    return {"factor": factor, "years": years, "seed": seed,
            "children": children_over_run(sc, years), "worker_mb": round(before, 1),
            "replication_mb": round(after - before, 1), "seconds": round(out["elapsed_s"], 2),
            "core": str(core_status())}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="x1 and x2, 1 year")
    ap.add_argument("--one", nargs=3, type=float, metavar=("FACTOR", "YEARS", "SEED"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one[0], args.one[1], int(args.one[2]))))
        return
    grid = [(1, 1), (2, 1)] if args.quick else [(1, 1), (1, 5), (5, 1), (5, 5)]
    rows = []
    for factor, years in grid:
        res = subprocess.run([sys.executable, __file__, "--one", str(factor), str(years), "1"],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    print("\n| size | years | children over the run | worker before (MB) | one replication adds "
          "(MB) | seconds |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| x{r['factor']:g} | {r['years']:g} | {r['children']:,.0f} | {r['worker_mb']:.0f} "
              f"| {r['replication_mb']:.0f} | {r['seconds']:.1f} |")


if __name__ == "__main__":
    main()
