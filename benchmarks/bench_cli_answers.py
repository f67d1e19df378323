"""How long a council analyst waits for the command line's first answer: `--help`, and the
refusal of a mistaken command (a missing file, a bad option), each in a fresh process, as a
user runs them.

    .venv/bin/python benchmarks/bench_cli_answers.py [--reps 5]

Each command's wall-clock and processor time, best and median of ``--reps`` runs, printed as
Markdown for ``benchmarks/README.md``. A refusal should come before the statistics, the model
and the notebook machinery load: ``tests/test_calibrate_imports.py`` and
``tests/test_report_imports.py`` check which modules a refusal loads; this script measures
what that is worth.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKBENCH = [sys.executable, "-m", "workbench.cli"]


def commands(tmp: Path) -> dict[str, list[str]]:
    """What is timed: each a command a user might type, and what it should answer."""
    missing = str(tmp / "missing.csv")
    return {
        "workbench --help": ["--help"],
        "run --help": ["run", "--help"],
        "calibrate, extracts not found (refused)": [
            "calibrate", "--cases", missing, "--workforce", missing, "--out", str(tmp / "x.yaml")],
        "report, a two-line --title (refused)": [
            "report", "scenarios/baseline.yaml", "--title", "two\nlines",
            "--out", str(tmp / "r.html")],
        "run, a missing scenario file (refused)": ["run", str(tmp / "missing.yaml")],
        "validate scenarios/baseline.yaml (answered)": ["validate", "scenarios/baseline.yaml"],
    }


def time_one(argv: list[str]) -> tuple[float, float, int]:
    """Wall-clock and processor seconds (user + system, of the child) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(WORKBENCH + argv, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="runs of each command (default 5)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.reps} runs each; "
          f"{time.strftime('%Y-%m-%d %H:%M')}\n")
    print("| command | exit | wall, best / median | processor, best / median |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for label, argv in commands(Path(folder)).items():
            time_one(argv)   # warm the file cache, not counted
            runs = [time_one(argv) for _ in range(args.reps)]
            walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
            codes = sorted({r[2] for r in runs})
            print(f"| {label} | {', '.join(map(str, codes))} | {min(walls):.2f} / "
                  f"{statistics.median(walls):.2f} s | {min(cpus):.2f} / "
                  f"{statistics.median(cpus):.2f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
