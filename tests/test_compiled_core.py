"""The compiled simulation core (mypyc, see setup.py) is in use and gives the Python source's results."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench import load_scenario, simulate
from workbench.model import core_status

ROOT = Path(__file__).resolve().parents[1]
PURE = os.environ.get("WORKBENCH_PURE_PYTHON", "") in ("1", "true", "yes")

SCRIPT = """
import json, sys
from workbench import load_scenario, simulate
from workbench.model import core_status
sc = load_scenario(sys.argv[1])
run = simulate(sc, seed=11, years=0.4)
print(json.dumps({"status": core_status(), "kpis": run.kpis, "n_events": run.n_events}))
"""


def test_the_installed_core_is_compiled_and_up_to_date():
    # installed with WORKBENCH_PURE_PYTHON=1, every core module is the Python source
    assert set(core_status().values()) == ({"interpreted"} if PURE else {"compiled"}), core_status()


@pytest.mark.skipif(PURE, reason="installed with WORKBENCH_PURE_PYTHON=1")
def test_an_edited_core_module_is_never_shadowed_by_its_old_compiled_copy(tmp_path):
    # a copy of the package with its compiled modules, then one core source edited
    shutil.copytree(ROOT / "workbench", tmp_path / "workbench",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for so in ROOT.glob("workbench_core__mypyc*"):
        shutil.copy(so, tmp_path / so.name)
    src = tmp_path / "workbench" / "model" / "journey.py"
    src.write_text(src.read_text() + "\n# edited after the build\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "scenarios" / "baseline.yaml")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert set(json.loads(out.stdout)["status"].values()) == {"interpreted"}
    assert "built from other sources (workbench.model.journey)" in out.stderr
    assert "make setup" in out.stderr


@pytest.mark.skipif(PURE, reason="installed with WORKBENCH_PURE_PYTHON=1")
def test_compiled_and_interpreted_core_give_identical_runs(tmp_path):
    # a copy of the package without the compiled modules runs the Python source
    shutil.copytree(ROOT / "workbench", tmp_path / "workbench",
                    ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "scenarios" / "baseline.yaml")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    pure = json.loads(out.stdout)
    assert set(pure["status"].values()) == {"interpreted"}

    run = simulate(load_scenario(ROOT / "scenarios" / "baseline.yaml"), seed=11, years=0.4)
    assert run.n_events == pure["n_events"]
    compiled = json.loads(json.dumps(run.kpis))  # the same float round trip as the subprocess

    def same(a, b):
        return a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)

    assert compiled.keys() == pure["kpis"].keys()
    differ = {k: (compiled[k], pure["kpis"][k]) for k in compiled if not same(compiled[k], pure["kpis"][k])}
    assert not differ
