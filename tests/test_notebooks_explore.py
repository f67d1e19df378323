"""The explore and compare notebooks (issue 5): committed clean, hold no model logic, and run.

Each notebook is executed here with papermill on a short horizon and few replications, so a
broken notebook fails the build.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXPLORE = NOTEBOOKS / "01_explore.ipynb"
COMPARE = NOTEBOOKS / "02_compare_scenarios.ipynb"
REPORT = NOTEBOOKS / "report.ipynb"
PUBLISHED = ROOT / "tests" / "data" / "published"
BUNDLED = ["Baseline", "Recruitment drive", "Academy expansion", "Full agency cover",
           "Agency reduction", "Retention payment", "Demand surge"]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", [EXPLORE, COMPARE], ids=lambda p: p.stem)
def test_committed_without_outputs_with_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for c in code_cells(nb):
        assert c.outputs == [] and c.execution_count is None, "clear all outputs before committing"
    assert "widgets" not in nb.metadata  # no saved widget state either
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.cells[0].cell_type == "markdown"  # opens with plain-English instructions


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_hold_no_model_logic(path):
    """Every notebook only calls the package (loading one scenario with the public
    ``load_scenario`` is a call; a loop over files or a computation is not)."""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in code_cells(nb))
    for token in ("class ", "def ", ".replace(", "simulate(", "run_experiment(", "import simpy",
                  "model_dump", "groupby", "np.", "for f in", "import pandas", "from workbench._",
                  "import _", "._"):
        assert token not in code, f"{path.name}: {token!r} belongs in the workbench package"
    for c in code_cells(nb):
        assert len(c.source.splitlines()) <= 20, "keep notebook cells short; logic goes in the package"


def execute(path: Path, out: Path, **parameters):
    import papermill as pm

    pm.execute_notebook(str(path), str(out), parameters=parameters, cwd=str(NOTEBOOKS),
                        kernel_name="python3", progress_bar=False, execution_timeout=300)
    return nbformat.read(out, as_version=4)


def outputs(nb):
    return [o for c in code_cells(nb) for o in c.outputs]


def test_explore_notebook_runs_and_shows_results(tmp_path):
    nb = execute(EXPLORE, tmp_path / "explore.ipynb", replications=2, years=0.25,
                 executor="serial", run_now=True)
    outs = outputs(nb)
    assert not [o for o in outs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outs)
    # the widgets' saved state holds what the manager would see after the first run
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    text = json.dumps([m["state"].get("value") for m in state.values()
                       if isinstance(m["state"].get("value"), str)])
    assert "Done in" in text
    assert "Assessments finished within 45 working days" in text
    assert "Extra recruits a year" in json.dumps(state)  # the controls are there


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """The compare notebook run once on every bundled scenario, with Gateshead set beside
    Sunderland from a folder of downloads (a copy of the example files, so not said to be
    invented): its tests only read it."""
    import shutil

    d = tmp_path_factory.mktemp("compare")
    shutil.copytree(PUBLISHED, d / "downloads")
    return execute(COMPARE, d / "compare.ipynb", replications=2, years=0.25,
                   executor="process", authority="Gateshead", neighbours=["Sunderland"],
                   published_data=str(d / "downloads"))


def test_compare_notebook_runs_every_bundled_scenario(compared):
    nb = compared
    outs = outputs(nb)
    assert not [o for o in outs if o.output_type == "error"]
    pngs = [o for o in outs if "image/png" in o.get("data", {})]
    assert len(pngs) >= 8  # differences, trade-offs, timeliness, waiting, caseloads, changes, workforce, cost
    html = "\n".join(o["data"]["text/html"] for o in outs if "text/html" in o.get("data", {}))
    for name in BUNDLED:
        assert f">{name}<" in html, name  # a column of the side-by-side table
    assert "Assessments finished within 45 working days" in html
    assert "no clear change" in html or "better" in html or "worse" in html
    assert "Replications per scenario" in html


def test_compare_notebook_shows_the_neighbour_view(compared):
    """Issue 18 (moved here from test_present_neighbours.py, its checks unchanged, to share this
    module's run of the notebook instead of running it again)."""
    nb = compared
    outs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outs if o.output_type == "error"]
    html = "\n".join(o["data"]["text/html"] for o in outs if "text/html" in o.get("data", {}))
    assert "Gateshead against its neighbours and England" in html
    section = html.split("Gateshead against its neighbours and England")[-1]
    assert 'alt="Dot plot in 11 panels' in section and "invented" not in section
