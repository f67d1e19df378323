"""Round 17 audit of experiments, executors and decision support.

Worker deaths are real ones (a replication that ends its own worker process); the decision
tests use toy models with known answers (no real run there).
"""
from __future__ import annotations

import os
import time
import warnings

from types import SimpleNamespace

import pandas as pd
import psutil

from workbench import load_scenario, simulate
from workbench.experiment import replication_seed, run_experiment

YEARS = 0.1
BASE = load_scenario("scenarios/baseline.yaml")


def _said(got) -> list[str]:
    return [" ".join(str(w.message).split()) for w in got]


# ------------------------------------------------------------------ 1. a Dask cluster emptied
def closes_its_dask_worker(scenario, seed, *, years=None, warmup_days=0.0):
    """The real model, except that scenario 'Crash' on replication 1 closes the Dask worker
    running it together with its nanny (as when workers die and are not restarted: the
    cluster is left with no worker), and, outside Dask, ends its own process (exit code 3)."""
    if scenario.name == "Crash" and seed == replication_seed(0, 1):
        try:
            from distributed import get_worker

            w = get_worker()
        except ValueError:  # not on a Dask worker: in a process of its own
            os._exit(3)
        w.loop.add_callback(w.close, nanny=True, reason="test: the worker died")
        time.sleep(0.5)
        os._exit(3)
    return simulate(scenario, seed, years=years, warmup_days=warmup_days)


def test_replications_left_on_an_emptied_local_dask_cluster_still_run(baseline, monkeypatch):
    # a local cluster whose workers died and were not restarted failed every pending
    # replication with "the Dask cluster has no worker left": one replication that killed
    # its workers (os._exit(3) in 2 workers) cost 8 innocent ones of 16, and a result
    # made on a worker that died before it was fetched waited for ever, and the guilty one
    # was not named as the one that died. The pending ones now run, each in a process of its
    # own, as the process executor runs those of a broken pool.
    from workbench.experiment import executors as X

    monkeypatch.setattr(X, "NO_WORKER_WAIT", 0.5)
    monkeypatch.setattr(X, "_DASK_POLL", 0.1)
    sc = {"Baseline": baseline, "Crash": baseline.replace({"name": "Crash"})}
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        exp = run_experiment(sc, 2, seed=0, years=YEARS, executor="dask", max_workers=1,
                             out=None, progress=False, simulate_fn=closes_its_dask_worker)
    said = [s for s in _said(got) if "replications failed" in s]
    assert said and said[0].startswith(
        f"1 of 4 replications failed; first: scenario 'Crash', replication 1, seed "
        f"{replication_seed(0, 1)}: WorkerDied: the worker process running this replication "
        f"ended without a result (exit code 3)"), said
    assert len(exp.failures) == 1
    serial = run_experiment({"Baseline": baseline}, 2, seed=0, years=YEARS, executor="serial",
                            out=None, progress=False)
    base = exp.kpis[exp.kpis.scenario == "Baseline"].reset_index(drop=True)
    pd.testing.assert_frame_equal(base, serial.kpis, check_exact=True)
    crash = exp.kpis[exp.kpis.scenario == "Crash"]
    assert sorted(crash.replication) == [0]
    cols = list(exp.kpi_names)
    ref = serial.kpis.set_index("replication").loc[[0], cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(crash[cols].reset_index(drop=True), ref, check_exact=True)
    # nothing of the cluster, nor of the processes run alone, is left running
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = [p for p in psutil.Process().children(recursive=True)
                if p.pid not in before and p.is_running() and p.status() != "zombie"
                and "resource_tracker" not in " ".join(p.cmdline())]
        if not left:
            break
        time.sleep(0.2)
    assert left == []


# ------------------------------------------------------------------ 2. optimise: the start
def calm(scenario, seed, years=None, warmup_days=0.0):
    """Children waiting: 50 give or take 2, whatever the plan; each academy place costs."""
    return SimpleNamespace(
        kpis={"unallocated_mean": 50.0 + seed % 3 - 1,
              "cost_gbp": 1e6 + 1e4 * scenario.academy.intake_per_year},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def _optimise(targets, levers, **kw):
    from workbench.decision import optimise

    args = dict(max_trials=4, budget_minutes=None, executor="serial", out=None,
                simulate_fn=calm, progress=False, years=1, replications=2,
                confirm_replications=3, candidates=1, confidence=0.9)
    args.update(kw)
    return optimise(BASE, list(targets), levers, **args)


def test_a_range_that_leaves_out_the_starting_setting_says_the_start_was_not_tried():
    # the baseline's 12 academy places already meet the target; searched on 20 to 40 places,
    # the answer read "The cheapest plan found that meets every target (...): Academy places
    # a year: 12 -> 20. It costs GBP 1.20m", as if 8 more places were needed, where 12 places
    # (GBP 1.12m) were never run
    from workbench.decision import LeverRange

    res = _optimise(["unallocated_mean<=100"], (LeverRange("academy_intake_per_year", 20, 40,
                                                           1),))
    assert res.chosen is not None and res.chosen["academy_intake_per_year"] == 20
    said = " ".join(res.statement().split())
    assert ("Note: the starting scenario's own setting was not tried, as it lies outside the "
            "range searched: Academy places a year 12 (searched 20 to 40); it may meet every "
            "target at less cost (widen the range to take it in to compare).") in said, said
    # a range that takes in the starting setting says nothing of it
    res = _optimise(["unallocated_mean<=100"], (LeverRange("academy_intake_per_year", 0, 40,
                                                           1),))
    assert "not tried" not in res.statement()


# ------------------------------------------------------------------ 3. Dask's words
def test_a_replication_that_killed_every_dask_worker_is_said_in_plain_words():
    # the failure read "every Dask worker process that ran this replication died (Attempted to
    # run task 'replicate-1796207446794157994-6' on 4 different workers, but all those workers
    # died while running it. The last worker that attempt to run the task was
    # tcp://127.0.0.1:39751. Inspecting worker logs ... see https://distributed.dask.org/...)":
    # an internal key, an address and a link the project did not write, in the failures table,
    # the CLI's messages and the explorer's page
    from distributed.scheduler import KilledWorker

    from workbench.experiment.executors import _dask_outcome
    from workbench.experiment.isolation import WorkerDied

    class Dead:
        def result(self):
            raise KilledWorker(task="replicate-1796207446794157994-6",
                               last_worker=SimpleNamespace(address="tcp://127.0.0.1:39751"),
                               allowed_failures=3)

    res, exc = _dask_outcome(Dead())
    assert res is None and isinstance(exc, WorkerDied)
    assert str(exc) == ("every Dask worker process that ran this replication died (it was tried "
                        "on 4 workers in turn, and each ended while running it: a crash in "
                        "compiled code, or the system out of memory)")


# ------------------------------------------------------------------ 4. sensitivity: a rank
def _screened(mu, conf):
    from workbench.decision.sensitivity import SensitivityResult

    paths = ["stages.assessment.work_hours.mean", "costs.gbp_per_fte_week.agency",
             "working_time.absence_pct"][:len(mu)]
    morris = pd.DataFrame({"kpi": "caseload_mean", "input": paths, "label": paths,
                           "mu_star": mu, "mu_star_conf": conf, "sigma": 0.1,
                           "rank": range(1, len(mu) + 1)})
    return SensitivityResult(base=None, kpi="caseload_mean", kpis=("caseload_mean",),
                             inputs={p: {} for p in paths}, morris=morris,
                             sobol=pd.DataFrame(), tornado=pd.DataFrame(), replications=2,
                             years=1.0)


def test_a_ranking_the_morris_ranges_do_not_settle_is_said_to_be_unsettled():
    # from two trajectories, effects of 10 +- 9 and 3 +- 3 read "depends most on how long an
    # assessment takes; the other input matters less", in the CLI and the report's chair
    # sentence, where the two ranges overlap
    from workbench.analysis.registry import kpi
    from workbench.decision.sensitivity import input_label

    from workbench.decision.sensitivity import input_label

    said = _screened([10.0, 3.0], [9.0, 3.0]).sentence()
    hours, agency = (input_label(p) for p in ("stages.assessment.work_hours.mean",
                                              "costs.gbp_per_fte_week.agency"))
    assert said.startswith(f"{kpi('caseload_mean').label} depends most on {hours}; the other "
                           f"input matters less"), said
    assert said.endswith(f" The ranking is not settled: the 95% range of the Morris effect of "
                         f"{agency} reaches that of {hours}, so it may matter as much; more "
                         f"Morris trajectories narrow the ranges."), said
    # ranges apart: nothing added
    assert "not settled" not in _screened([10.0, 3.0], [1.0, 1.0]).sentence()
    # an input with no effect, or one already named, is not said to be unsettled
    assert "not settled" not in _screened([10.0, 9.0, 0.0], [9.0, 9.0, 0.0]).sentence()


# ------------------------------------------------------------------ 5. an error of no words
def out_of_memory(scenario, seed, *, years=None, warmup_days=0.0):
    """Runs out of memory on replication 1 (as under a memory limit: `ulimit -v`)."""
    if seed == replication_seed(0, 1):
        raise MemoryError
    return simulate(scenario, seed, years=years, warmup_days=warmup_days)


def test_a_replication_out_of_memory_says_so_in_words(baseline):
    # a replication that reached the process's memory limit was reported as "MemoryError: "
    # and nothing more, in the warning, the failures table and the CLI's "failed:" lines
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        exp = run_experiment({"Baseline": baseline}, 2, seed=0, years=YEARS,
                             executor="serial", out=None, progress=False,
                             simulate_fn=out_of_memory)
    said = exp.failures["error"].iloc[0]
    assert said == ("MemoryError: the replication ran out of memory (its process reached the "
                    "memory it may use); run fewer worker processes (--workers), a shorter "
                    "--years or a smaller authority"), said
    assert any("replication 1" in s and said in s for s in _said(got))
