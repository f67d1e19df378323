"""``workbench optimise`` and ``workbench sensitivity`` (issue 17): a tiny real run each, the
files they write, and one clear message for a mistake (no traceback)."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd

from workbench.cli.main import main

TINY = ["--years", "0.25", "--executor", "serial", "--no-progress"]


def test_optimise_writes_the_answer_and_the_frontier(tmp_path, capsys):
    out = tmp_path / "opt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rc = main(["optimise", "scenarios/baseline.yaml", "--target",
                   "assessment_within_45wd_pct>=1", "--max-trials", "3", "--replications", "2",
                   "--candidates", "1", "--confirm-replications", "3",
                   "--lever", "academy_intake_per_year=0:24:12", "--out", str(out), *TINY])
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "The cheapest plan found that meets every target" in text
    assert "Academy places a year" in text and "meets targets" in text
    for f in ("trials.csv", "candidates.csv", "result.json", "frontier.png"):
        assert (out / f).stat().st_size > 0, f
    info = json.loads((out / "result.json").read_text())
    assert info["chosen"] is not None and info["targets"] == ["assessment_within_45wd_pct>=1"]
    assert pd.read_csv(out / "candidates.csv")["chosen"].sum() == 1


def test_sensitivity_prints_a_sentence_and_a_ranking(tmp_path, capsys):
    out = tmp_path / "sens"
    scenario = tmp_path / "two_inputs.yaml"
    scenario.write_text(
        f"base: {Path('scenarios/baseline.yaml').resolve()}\nname: Two uncertain inputs\n"
        "uncertain:\n"
        "  stages.assessment.work_hours.mean: {dist: uniform, low: 5, high: 20}\n"
        "  academy.months: {dist: uniform, low: 11, high: 13}\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rc = main(["sensitivity", str(scenario), "--trajectories", "2",
                   "--sobol-top", "0", "--replications", "1", "--out", str(out), *TINY])
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "Morris effect" in text and "rank" in text
    assert "depends most on" in text or "hardly changed" in text
    for f in ("morris.csv", "sobol.csv", "tornado.csv", "tornado.png"):
        assert (out / f).exists(), f


def test_mistakes_are_one_line(capsys):
    for argv, words in (
            (["optimise", "scenarios/baseline.yaml", "--target", "foo>=3"], "target 'foo': unknown KPI"),
            (["optimise", "scenarios/baseline.yaml", "--target", "unallocated_mean<=9",
              "--lever", "academy_intake_per_year=9:1"], "high > low"),
            (["optimise", "nope.yaml", "--target", "unallocated_mean<=9"], "not found"),
            (["optimise", "scenarios/baseline.yaml", "--target", "unallocated_mean<=9",
              "--confidence", "1.5"], "--confidence must be"),
            (["sensitivity", "scenarios/baseline.yaml", "--sobol-n", "x"], "--sobol-n must be"),
            (["sensitivity", "scenarios/baseline.yaml", "--kpi", "nonsense"], "unknown KPI")):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err


def test_the_notebooks_run_briefly(tmp_path):
    """05_optimise and 06_sensitivity run top to bottom with tiny settings and show the answer."""
    import nbformat
    import papermill as pm

    for name, params, words in (
            ("05_optimise", {"targets": ["assessment_within_45wd_pct>=1"],
                             "levers": ["academy_intake_per_year=0:24:12"], "max_trials": 2,
                             "budget_minutes": None, "years": 0.25, "replications": 2,
                             "confirm_replications": 3, "executor": "serial"},
             "cheapest plan found"),
            ("06_sensitivity", {"trajectories": 2, "sobol_top": 0, "replications": 1,
                                "years": 0.1, "executor": "serial"}, "Morris screening")):
        nb_in = Path("notebooks") / f"{name}.ipynb"
        nb = nbformat.read(nb_in, as_version=4)
        assert nb.cells[0].cell_type == "markdown"
        assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
        out = tmp_path / f"{name}.ipynb"
        pm.execute_notebook(str(nb_in), str(out), parameters=params, cwd="notebooks",
                            kernel_name="python3", progress_bar=False, execution_timeout=600)
        text = "\n".join(str(o) for c in nbformat.read(out, as_version=4).cells
                         if c.cell_type == "code" for o in c.outputs)
        assert words in text or "depends most on" in text or "hardly changed" in text, name
        assert "image/png" in text, name
