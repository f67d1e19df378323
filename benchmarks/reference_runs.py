"""Are a change's results identical? Hashes of nine reference runs, for performance work.

    .venv/bin/python benchmarks/reference_runs.py            # compare with reference_runs.txt
    .venv/bin/python benchmarks/reference_runs.py --write    # record the current code's hashes

A change meant to make the model faster, not different (a new heap, a new layout), should leave
every run's event log and weekly observations identical, bit for bit. ``tests/test_golden.py``
checks the KPIs of the golden runs; this checks more, and larger, runs: the baseline, demand
surge, academy expansion, agency cover and England average scenarios at their own size, and at
13 and 20 times the baseline's size, where teams of 150 FTE or more keep a worker index. Each
line is ``scenario:size:years rows events-hash observations-hash`` (about two minutes in all).

The hashes are of this machine's numbers: a different numpy, pandas or platform may print
different ones for the same model. Record them with ``--write`` before the change, then compare.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = ("baseline:1:3", "demand_surge:1:3", "academy_expansion:1:3", "agency_cover:1:2",
        "england_average:1:2", "baseline:13:1", "demand_surge:13:1", "academy_expansion:20:1",
        "baseline:20:1")
REFERENCE = Path(__file__).with_name("reference_runs.txt")


def run_hash(spec: str) -> str:
    """One line: the run ``name:size:years`` (seed 3), its event rows and two hashes."""
    from workbench import load_scenario
    from workbench.model import simulate
    from workbench.scenario import scale_authority

    name, size, years = spec.split(":")
    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    if float(size) != 1:
        sc = scale_authority(sc, float(size))
    rec = simulate(sc, seed=3, years=float(years))
    events = hashlib.sha256(rec.events.to_numpy().tobytes()).hexdigest()[:16]
    weekly = [{k: v for k, v in o.items() if k != "caseloads"} for o in rec.observations]
    obs = hashlib.sha256(pickle.dumps(weekly)).hexdigest()[:16]
    return f"{spec} {len(rec.events)} {events} {obs}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help=f"record the hashes in {REFERENCE.name}")
    args = ap.parse_args()
    from workbench.model import core_status
    if any(v != "compiled" for v in core_status().values()):
        print("note: the compiled core is not in use (run make setup); the hashes are the same")
    lines = []
    for spec in RUNS:
        lines.append(run_hash(spec))
        print(lines[-1], flush=True)
    if args.write:
        REFERENCE.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"written to {REFERENCE}")
        return 0
    if not REFERENCE.exists():
        print(f"no {REFERENCE.name} yet: run with --write first")
        return 1
    want = REFERENCE.read_text(encoding="utf-8").split("\n")
    differ = [got.split()[0] for got, ref in zip(lines, want) if got != ref]
    print("identical to the reference" if not differ else f"DIFFERENT: {', '.join(differ)}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
