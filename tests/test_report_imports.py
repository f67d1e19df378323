"""A refused `workbench report` says so before it loads what only a report being written needs
(nbformat's schema checks take seconds to load)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import sys
from workbench.cli.main import main
code = main(["report", "scenarios/baseline.yaml", "--title", "two\\nlines", "--out", sys.argv[1]])
print("exit", code, "nbformat" in sys.modules, "papermill" in sys.modules)
"""


def test_a_refused_report_does_not_load_the_notebook_machinery(tmp_path):
    done = subprocess.run([sys.executable, "-c", _PROBE, str(tmp_path / "r.html")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert "--title: must be one line of visible text" in done.stderr
    assert done.stdout.split() == ["exit", "2", "False", "False"], done.stdout + done.stderr
    assert not (tmp_path / "r.html").exists()
