"""Instructions the model executes against the authority's size (issue 13), free of the
machine's noise and of its caches.

    .venv/bin/python benchmarks/scale_instructions.py [--sizes 1,10,20,40] [--years 0.25]

For each size, runs the baseline scaled by ``scale_authority`` under valgrind's callgrind
(Debian: ``apt-get install valgrind``) and counts the instructions of ``Engine.run`` only (the
run itself: not the imports, the scenario's loading, the warm start's set-up or the KPIs).
Counts repeat exactly from one run to the next, so two sizes compare without noise: a model
whose cost grows linearly with the authority gives counts in proportion to the size.

Slow: callgrind runs about 50 times slower than the machine (x40 for a quarter-year: about
4 minutes). The compiled core must be built (``make setup``); the symbol counted is the compiled
``Engine.run``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# the run that callgrind measures, in a child process (so that it sees a fresh interpreter)
CHILD = """
import sys
sys.path.insert(0, {root!r})
from workbench import load_scenario
from workbench.model.simulation import Simulation
from workbench.scenario import scale_authority
size, years = float(sys.argv[1]), float(sys.argv[2])
base = load_scenario({baseline!r})
scenario = scale_authority(base, size) if size != 1 else base
Simulation(scenario, 1, years * 365.25).run()
"""

SYMBOL = "CPyDef_engine___Engine___run"   # the compiled Engine.run


def count(size: float, years: float, work: Path) -> int:
    """Instructions executed inside ``Engine.run`` for one run of the baseline at ``size``."""
    script = work / "child.py"
    script.write_text(CHILD.format(root=str(ROOT),
                                   baseline=str(ROOT / "scenarios" / "baseline.yaml")),
                      encoding="utf-8")
    out = work / f"callgrind.{size:g}.out"
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--toggle-collect={SYMBOL}",
         f"--callgrind-out-file={out}", sys.executable, str(script), str(size), str(years)],
        capture_output=True, text=True, check=False)
    found = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"callgrind failed for size {size:g}:\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,20,40", help="scale factors, comma-separated")
    ap.add_argument("--years", type=float, default=0.25, help="simulated years (default 0.25)")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    sizes = [float(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        counts = {s: count(s, args.years, Path(tmp)) for s in sizes}
    first = sizes[0]
    print(f"Instructions in Engine.run, {args.years:g} simulated years of the scaled baseline:")
    prev = None
    for s in sizes:
        per_unit = counts[s] / s
        line = (f"  x{s:g}: {counts[s] / 1e6:,.1f}M ({per_unit / 1e6:,.1f}M per unit of size, "
                f"{counts[s] / counts[first]:.2f}x x{first:g}")
        if prev is not None:
            line += f"; {counts[s] / counts[prev]:.2f}x x{prev:g} for {s / prev:g}x the size"
        print(line + ")")
        prev = s


if __name__ == "__main__":
    main()
