"""The memory estimate before an experiment starts: a smaller pool, or a clear refusal.

The estimate's figures come from benchmarks/memory_replication.py (recorded in
benchmarks/memory.md); here: its shape, the decisions it drives, and one real measurement that
it must cover.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from workbench.errors import UserError
from workbench.experiment import memory, run_experiment
from workbench.scenario.derive import scale_authority

from conftest import ROOT
from test_experiment import fake_simulate

CALLS = []


def never_simulate(scenario, seed, *, years=None, warmup_days=0.0):
    CALLS.append(seed)
    raise AssertionError("the model ran although the experiment should have been refused")


@pytest.fixture(scope="module")
def x20(baseline):
    return scale_authority(baseline, 20)


def test_children_over_run_counts_the_start_and_the_referrals(baseline):
    start = sum(baseline.initial.open_cases.values())
    rate = baseline.demand.referrals_per_year
    assert memory.children_over_run(baseline, 2) == pytest.approx(start + 2 * rate)
    assert memory.children_over_run(baseline) == pytest.approx(start + baseline.horizon_years * rate)
    surge = baseline.replace({"demand.surges": [{"start_date": "2018-04-01", "multiplier": 1.35}]})
    assert memory.children_over_run(surge, 2) == pytest.approx(start + 2 * rate * 1.35)


def test_the_estimate_grows_with_size_and_horizon_and_names_the_largest(baseline, x20):
    small = memory.estimate({"a": baseline}, 1, 2, available_mb=1e6)
    long = memory.estimate({"a": baseline}, 5, 2, available_mb=1e6)
    both = memory.estimate({"a": baseline, "big": x20}, 5, 2, available_mb=1e6)
    assert small.per_worker_mb < long.per_worker_mb < both.per_worker_mb
    assert both.scenario == "big" and both.workers_fit == 2
    # the case: a x20 authority over 5 years on 16 workers needs tens of GB
    assert 16 * both.per_worker_mb > 20_000


def test_a_pool_that_would_not_fit_is_made_smaller_with_a_warning(baseline):
    one = memory.estimate({"Baseline": baseline}, 5, 1, available_mb=1e6).per_worker_mb
    with pytest.warns(RuntimeWarning, match=r"memory: scenario 'Baseline' has about [\d,]+ "
                                            r"children.*MB for 4.*running 3 worker process"):
        assert memory.plan_workers({"Baseline": baseline}, 5, 4, available_mb=3.5 * one) == 3
    assert memory.plan_workers({"Baseline": baseline}, 5, 4, available_mb=10 * one) == 4
    with pytest.warns(RuntimeWarning, match="the pool may run out of memory"):
        assert memory.plan_workers({"Baseline": baseline}, 5, 4, can_shrink=False,
                                   available_mb=2 * one) == 4


def test_an_experiment_that_cannot_fit_is_refused_before_anything_runs(x20, monkeypatch):
    monkeypatch.setattr(memory, "available_memory_mb", lambda: 300.0)
    CALLS.clear()
    for executor in ("serial", "process"):
        with pytest.raises(UserError, match=r"not enough memory for this experiment: scenario "
                                            r"'x20' has about [\d,]+ children over a replication: "
                                            r"about [\d,]+ MB per worker process.* 300 MB "
                                            r"available"):
            run_experiment({"x20": x20}, 2, years=5, executor=executor, out=None,
                           progress=False, simulate_fn=never_simulate)
    assert CALLS == []


def test_the_process_pool_shrinks_to_what_fits(baseline, monkeypatch):
    one = memory.estimate({"Baseline": baseline}, 1, 1, available_mb=1e6).per_worker_mb
    monkeypatch.setattr(memory, "available_memory_mb", lambda: 1.5 * one)
    with pytest.warns(RuntimeWarning, match="running 1 worker process.* instead of 2"):
        exp = run_experiment({"Baseline": baseline}, 3, years=1, executor="process",
                             max_workers=2, out=None, progress=False, simulate_fn=fake_simulate)
    assert len(exp.kpis) == 3 and exp.failures.empty


def test_workbench_memory_mb_caps_what_experiments_may_use(monkeypatch):
    monkeypatch.setenv("WORKBENCH_MEMORY_MB", "250")
    assert memory.available_memory_mb() == pytest.approx(250, abs=1e-6) or \
        memory.available_memory_mb() < 250  # a machine with less free memory than that
    monkeypatch.setenv("WORKBENCH_MEMORY_MB", "lots")
    with pytest.raises(UserError, match="WORKBENCH_MEMORY_MB: expected the megabytes"):
        memory.available_memory_mb()


def test_the_command_refuses_without_a_traceback(tmp_path):
    env = dict(os.environ, WORKBENCH_MEMORY_MB="50")
    res = subprocess.run([sys.executable, "-m", "workbench.cli", "compare",
                          str(ROOT / "scenarios" / "baseline.yaml"),
                          str(ROOT / "scenarios" / "academy_expansion.yaml"),
                          "--replications", "2", "--out", str(tmp_path / "cmp")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 2, res.stderr
    assert "not enough memory for this experiment" in res.stderr
    assert "MB per worker process" in res.stderr and "Traceback" not in res.stderr


def test_the_estimate_covers_a_measured_replication(baseline):
    # one real replication in a fresh process (ru_maxrss never goes down): what it adds to its
    # worker must be within the estimate, and the estimate not wildly above it
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "memory_replication.py"),
                          "--one", "1", "0.5", "1"], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout.strip().splitlines()[-1])
    est = memory.estimate({"b": baseline}, 0.5, 1, available_mb=1e6)
    replication = est.per_worker_mb - memory.WORKER_MB
    assert got["worker_mb"] <= memory.WORKER_MB
    assert got["replication_mb"] <= replication <= 4 * got["replication_mb"] + 50


def test_a_pool_far_larger_than_the_cores_is_capped_with_a_warning(baseline):
    cores = os.cpu_count() or 1
    with pytest.warns(RuntimeWarning, match="worker processes asked for"):
        n = memory.plan_workers({"Baseline": baseline}, 1.0, 100_000, available_mb=1e9)
    assert n == max(4, memory.MAX_WORKERS_PER_CORE * cores)
    # a pool the caller gave is only warned about (by memory), never resized here
    assert memory.plan_workers({"Baseline": baseline}, 1.0, 3, can_shrink=False,
                               available_mb=1e9) == 3
