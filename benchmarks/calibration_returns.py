"""Benchmark (issue 16): calibrating a 30k-referral authority from a folder of returns.

    .venv/bin/python benchmarks/calibration_returns.py [--referrals 30000] [--keep DIR]

Makes three years of returns with the independent generator (no model), then times, in a fresh
child process, reading the folder (``read_returns``) and fitting (``calibrate``, no back-test),
and reports each step's wall time and the child's peak resident memory. Target (issue 16):
under 2 minutes and 2 GB. Measured 30 Nov 2026 on the 2-core machine (shared, Python-source
core): 68,949 episodes in 48 MB of returns; read_returns 47.4 s, calibrate 5.5 s (total 53 s),
peak memory 884 MB. Again after the ICPC fit (its pilot simulations) and OC3, same machine
under load from other runs: 68,986 episodes; read_returns 86.5 s, calibrate 27.2 s (total
114 s), peak memory 887 MB: the read is the larger share and the more sensitive to load.
Again after the pressure responses (one row a worker a census, two GLMs profiled over 29 work-
content scales, a pilot year for the pressure of a case) and the empty-team rule, compiled core,
afternoon of 30 Nov: 68,986 episodes; read_returns 25.1 s, calibrate 20.3 s (total 45.5 s), peak
memory 892 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from workbench.calibration import calibrate
from workbench.calibration.returns import read_returns
from workbench.scenario import load_scenario
t1 = time.perf_counter()
data = read_returns(sys.argv[1])
t2 = time.perf_counter()
cal = calibrate(data.cases, data.roster, load_scenario("scenarios/baseline.yaml"),
                sys.argv[2], sys.argv[3], sources=data.sources)
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "read_s": t2 - t1, "fit_s": t3 - t2,
                  "episodes": len(data.cases.episodes), "estimates": len(cal.table),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--referrals", type=float, default=30000.0, help="referrals a year")
    ap.add_argument("--keep", default=None, help="write the returns here (default: a temp dir)")
    a = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from workbench.calibration.returns.independent import Truth, generate
    from workbench.calibration.returns.write import Irregularities, write_returns

    start, cut, end = dt.date(2020, 4, 1), dt.date(2021, 4, 1), dt.date(2023, 3, 31)
    scale = a.referrals / Truth().referrals_per_year
    truth = Truth(referrals_per_year=a.referrals,
                  staff={k: int(v * scale) for k, v in Truth().staff.items()})
    folder = Path(a.keep or tempfile.mkdtemp(prefix="returns_bench_"))
    t = time.perf_counter()
    cases, workforce = generate(start, end, truth, seed=1)
    write_returns(folder, cases, workforce, cut, end, irregular=Irregularities(0.01, 0.01, 0.01))
    made = time.perf_counter() - t
    size = sum(p.stat().st_size for p in folder.iterdir()) / 2 ** 20
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder), cut.isoformat(), end.isoformat()],
                         capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    r = json.loads(out.stdout.strip().splitlines()[-1])
    total = r["read_s"] + r["fit_s"]
    print(f"{a.referrals:,.0f} referrals a year, {r['episodes']:,} episodes in {size:.0f} MB of "
          f"returns (made in {made:.0f} s)")
    print(f"read_returns {r['read_s']:.1f} s, calibrate {r['fit_s']:.1f} s: total {total:.1f} s "
          f"(target < 120 s); peak memory {r['peak_mb']:.0f} MB (target < 2048 MB)")


if __name__ == "__main__":
    main()
