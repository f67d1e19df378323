"""A refused `workbench calibrate` says so before it loads the statistics, the model and the
charts (scipy.stats alone took two seconds), and the package's names still load on first use:
``workbench.calibration.backtest`` is the function whatever was imported before it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import sys
from workbench.cli.main import main
code = main(["calibrate", "--cases", sys.argv[1], "--workforce", sys.argv[1],
             "--out", sys.argv[2]])
heavy = ["scipy.stats", "matplotlib", "workbench.model.simulation",
         "workbench.calibration.estimators", "workbench.calibration.backtesting"]
print("exit", code, *[name in sys.modules for name in heavy])
"""

_NAMES = """
import workbench.calibration.backtesting
import workbench.calibration.charts
import workbench.calibration as cal
import workbench
print(callable(cal.backtest), cal.backtest.__module__, sorted(set(cal.__all__) - set(dir(cal))))
print(workbench.simulate.__module__, workbench.load_scenario.__name__, workbench.__version__)
"""


def test_a_refused_calibrate_does_not_load_the_statistics(tmp_path):
    done = subprocess.run([sys.executable, "-c", _PROBE, str(tmp_path / "missing.csv"),
                           str(tmp_path / "fit.yaml")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert "missing.csv: file not found" in done.stderr, done.stderr
    assert done.stdout.split() == ["exit", "2", *["False"] * 5], done.stdout + done.stderr
    assert not (tmp_path / "fit.yaml").exists()


def test_the_packages_names_load_on_first_use_and_are_not_shadowed_by_modules():
    done = subprocess.run([sys.executable, "-c", _NAMES], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "True workbench.calibration.backtesting []",
        "workbench.analysis.run load_scenario 0.1.0"], done.stdout
