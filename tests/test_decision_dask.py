"""Decision support on a Dask cluster (issue 17): ``workbench optimise`` and ``workbench
sensitivity`` given a scheduler's address (``--executor dask --scheduler ADDRESS``, the options
of :func:`workbench.cli.args.add_executor_options`) give exactly the answers they give in this
process and on the process pool: the same plans tried with the same numbers, the same chosen
plan, the same Morris and Sobol indices.

A LocalCluster of two worker processes stands in for a cluster; the runs are tiny (a quarter of a
year, a few plans, two Morris trajectories), as the question is identity, not the answer.
"""
from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli.main import main

import distributed  # noqa: E402,F401  (a core dependency: dask[distributed]; never skipped)

TINY = ["--years", "0.25", "--no-progress", "--workers", "2"]
OPTIMISE = ["optimise", "scenarios/baseline.yaml", "--target", "assessment_within_45wd_pct>=1",
            "--max-trials", "4", "--replications", "2", "--candidates", "2",
            "--confirm-replications", "3", "--lever", "academy_intake_per_year=0:24:12",
            "--lever", "agency_cover_pct=0:100:50", *TINY]


@pytest.fixture(scope="module")
def scheduler():
    """The address of a two-worker LocalCluster (no dashboard), closed after the module."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def two_inputs(tmp_path_factory):
    path = tmp_path_factory.mktemp("sens") / "two_inputs.yaml"
    path.write_text(
        f"base: {Path('scenarios/baseline.yaml').resolve()}\nname: Two uncertain inputs\n"
        "uncertain:\n"
        "  stages.assessment.work_hours.mean: {dist: uniform, low: 5, high: 20}\n"
        "  workforce.turnover_pct_per_year.experienced: {dist: uniform, low: 8, high: 30}\n",
        encoding="utf-8")
    return path


def _run(argv, out: Path, executor: list[str]) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return main([*argv, "--out", str(out), *executor])


def test_optimise_on_a_dask_cluster_gives_the_same_plan_and_numbers(scheduler, tmp_path, capsys):
    outs = {}
    for kind, executor in (("serial", ["--executor", "serial"]),
                           ("process", ["--executor", "process"]),
                           ("dask", ["--executor", "dask", "--scheduler", scheduler])):
        outs[kind] = tmp_path / kind
        assert _run(OPTIMISE, outs[kind], executor) == 0, capsys.readouterr().out
    said = capsys.readouterr().out
    assert said.count("The cheapest plan found that meets every target") == 3
    info = {k: json.loads((p / "result.json").read_text()) for k, p in outs.items()}
    for kind in ("process", "dask"):
        for f in ("trials.csv", "candidates.csv"):
            pd.testing.assert_frame_equal(pd.read_csv(outs["serial"] / f, dtype={"plan": str}),
                                          pd.read_csv(outs[kind] / f, dtype={"plan": str}),
                                          check_exact=True, obj=f"{kind} {f}")
        for key in ("chosen", "statement", "cost_mean", "plan_lines", "confidence"):
            assert info[kind][key] == info["serial"][key], (kind, key)
    assert info["dask"]["chosen"] is not None


def test_sensitivity_on_a_dask_cluster_gives_the_same_indices(scheduler, two_inputs, tmp_path):
    argv = ["sensitivity", str(two_inputs), "--trajectories", "2", "--replications", "1",
            "--sobol-top", "2", "--sobol-n", "2", *TINY]
    outs = {}
    for kind, executor in (("serial", ["--executor", "serial"]),
                           ("process", ["--executor", "process"]),
                           ("dask", ["--executor", "dask", "--scheduler", scheduler])):
        outs[kind] = tmp_path / kind
        assert _run(argv, outs[kind], executor) == 0
    for kind in ("process", "dask"):
        for f in ("morris.csv", "sobol.csv", "tornado.csv"):
            a, b = pd.read_csv(outs["serial"] / f), pd.read_csv(outs[kind] / f)
            assert len(a) > 0, f
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=f"{kind} {f}")
        sa = json.loads((outs["serial"] / "result.json").read_text())
        sk = json.loads((outs[kind] / "result.json").read_text())
        assert sa["sentence"] == sk["sentence"] and sa["inputs"] == sk["inputs"]
