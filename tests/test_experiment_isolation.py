"""A worker process that dies (a crash, the system out of memory) sinks only its own replication.

The deaths are simulated by a test-only model that kills its own process (SIGKILL, as the
out-of-memory killer does; SIGSEGV, as a crash in compiled code does; or ``os._exit``) on one
scenario and seed. Every executor with worker processes must then: run the innocent
replications again and give the same numbers as the serial executor, report the guilty one
with the right scenario, replication and seed, and leave no worker process behind, also when
the experiment itself is killed or interrupted.
"""

from __future__ import annotations

import concurrent.futures as cf
import faulthandler
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import psutil
import pytest

from workbench import simulate
from workbench.experiment import replication_seed, run_experiment
from workbench.experiment.executors import _ProgressExecutor
from workbench.experiment.isolation import WorkerDied, death_message, run_isolated

from conftest import ROOT, pids_written, still_running

YEARS = 0.1
GUILTY = ("Crash", 1)  # scenario name, replication (base seed 0)
HOW = {"SIGKILL": lambda: os.kill(os.getpid(), signal.SIGKILL),
       "SIGSEGV": lambda: (faulthandler.disable(), os.kill(os.getpid(), signal.SIGSEGV)),
       "exit": lambda: os._exit(3)}


# ------------------------------------------------------------------ test-only models
# Module level, so that worker processes (fork or spawn) can import them.

def dying_simulate(scenario, seed, *, years=None, warmup_days=0.0):
    """The real model, except that scenario 'Crash' kills its own process on replication 1;
    how it dies is in the scenario's description (a key of HOW)."""
    if scenario.name == GUILTY[0] and seed == replication_seed(0, GUILTY[1]):
        HOW[scenario.description]()
    return simulate(scenario, seed, years=years, warmup_days=warmup_days)


def sleeping_simulate(scenario, seed, *, years=None, warmup_days=0.0):
    """Writes this worker's pid to the folder in the scenario's description, then sleeps."""
    with open(os.path.join(scenario.description, f"{os.getpid()}.pid"), "w") as fh:
        fh.write(str(os.getpid()))
    time.sleep(120)
    return simulate(scenario, seed, years=years, warmup_days=warmup_days)


def square(x):
    return x * x


def die_on_three(x):
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


@pytest.fixture(scope="module")
def pair(baseline):
    return {"Baseline": baseline,
            "Crash": baseline.replace({"name": "Crash", "description": "SIGKILL"})}


@pytest.fixture(scope="module")
def serial(baseline):
    """The numbers every executor must give for the innocent replications."""
    return run_experiment({"Baseline": baseline}, 3, seed=0, years=YEARS, executor="serial",
                          out=None, progress=False)


def assert_only_the_guilty_failed(exp, serial, how):
    assert len(exp.failures) == 1, exp.failures[["scenario", "replication", "error"]]
    f = exp.failures.iloc[0]
    assert (f["scenario"], f["replication"], f["seed"]) == (*GUILTY, replication_seed(0, 1))
    assert "WorkerDied" in f["error"]
    assert (how if how != "exit" else "exit code 3") in f["error"]
    # every innocent replication, of both scenarios, has the serial executor's numbers
    base = exp.kpis[exp.kpis.scenario == "Baseline"].reset_index(drop=True)
    pd.testing.assert_frame_equal(base, serial.kpis, check_exact=True)
    crash = exp.kpis[exp.kpis.scenario == "Crash"]
    assert sorted(crash.replication) == [0, 2]
    cols = list(exp.kpi_names)
    ref = serial.kpis.set_index("replication").loc[[0, 2], cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(crash[cols].reset_index(drop=True), ref, check_exact=True)
    ts = exp.timeseries[exp.timeseries.scenario == "Baseline"].reset_index(drop=True)
    pd.testing.assert_frame_equal(ts, serial.timeseries, check_exact=True)


# ------------------------------------------------------------------ the pieces
def test_death_messages_name_the_signal():
    assert "SIGKILL" in death_message(-9) and "memory" in death_message(-9)
    assert "SIGSEGV" in death_message(-11) and "crash" in death_message(-11)
    assert "exit code 3" in death_message(3)


def test_run_isolated_blames_only_the_job_whose_process_died():
    out = {tag: (res, exc) for tag, res, exc in
           run_isolated(die_on_three, [(i, (i,)) for i in range(6)], workers=2)}
    assert {k: v[0] for k, v in out.items() if k != 3} == {0: 0, 1: 1, 2: 4, 4: 16, 5: 25}
    assert isinstance(out[3][1], WorkerDied) and "SIGKILL" in str(out[3][1])
    # an exception is handed back as such
    (tag, res, exc), = run_isolated(divmod, [("d", (1, 0))], workers=1)
    assert tag == "d" and res is None and isinstance(exc, ZeroDivisionError)


def test_the_explorer_pool_starts_afresh_after_a_death():
    ex = _ProgressExecutor("process", max_workers=2)
    try:
        with pytest.raises(cf.BrokenExecutor):
            ex.submit(die_on_three, 3).result(timeout=60)
        assert ex.submit(square, 4).result(timeout=60) == 16
    finally:
        ex.shutdown()


# ------------------------------------------------------------------ every executor
@pytest.mark.parametrize("how", sorted(HOW))
def test_a_dead_worker_sinks_only_its_own_replication(pair, serial, how):
    sc = dict(pair, Crash=pair["Crash"].replace({"description": how}))
    with pytest.warns(RuntimeWarning, match=rf"1 of 6 replications failed; first: scenario "
                                            rf"'Crash', replication 1, seed "
                                            rf"{replication_seed(0, 1)}: WorkerDied"):
        exp = run_experiment(sc, 3, seed=0, years=YEARS, executor="process", max_workers=2,
                             out=None, progress=False, simulate_fn=dying_simulate)
    assert_only_the_guilty_failed(exp, serial, how)


def test_a_spawned_pool_and_a_plain_process_pool_isolate_the_death_too(pair, serial):
    kw = dict(seed=0, years=YEARS, out=None, progress=False, simulate_fn=dying_simulate)
    spawned = _ProgressExecutor("process", max_workers=2, mp_context="spawn")
    try:
        with pytest.warns(RuntimeWarning, match="'Crash', replication 1"):
            exp = run_experiment(pair, 3, executor=spawned, **kw)
        assert_only_the_guilty_failed(exp, serial, "SIGKILL")
    finally:
        spawned.shutdown()
    # a pool the caller made cannot be restarted: what is left runs one process a replication
    with cf.ProcessPoolExecutor(2) as plain:
        with pytest.warns(RuntimeWarning, match="'Crash', replication 1"):
            exp = run_experiment(pair, 3, executor=plain, **kw)
    assert_only_the_guilty_failed(exp, serial, "SIGKILL")


def test_dask_reports_the_replication_that_kills_its_workers(pair, serial):
    import dask
    # distributed's defaults must be in dask's config before the change below: leaving the
    # `with` removes every key that was not there on entering it
    import distributed  # noqa: F401
    # Dask runs a dead worker's jobs again elsewhere; one that kills a worker twice is reported
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with pytest.warns(RuntimeWarning, match="'Crash', replication 1, seed .*WorkerDied"):
            exp = run_experiment(pair, 3, seed=0, years=YEARS, executor="dask", max_workers=2,
                                 out=None, progress=False, simulate_fn=dying_simulate)
    assert_only_the_guilty_failed(exp, serial, "Dask worker")


# ------------------------------------------------------------------ no worker left behind
_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from workbench import load_scenario
from workbench.experiment import run_experiment
from test_experiment_isolation import sleeping_simulate
base = load_scenario({baseline!r}).replace({{"description": {folder!r}}})
print("started", flush=True)
run_experiment({{"Baseline": base}}, 4, years=0.1, executor={executor!r}, max_workers=2,
               out=None, progress=False, simulate_fn=sleeping_simulate)
"""


@pytest.mark.parametrize("executor,stop", [("process", signal.SIGKILL), ("process", signal.SIGINT),
                                           ("process", signal.SIGTERM), ("dask", signal.SIGKILL)])
def test_no_worker_survives_a_killed_or_interrupted_experiment(tmp_path, executor, stop):
    code = textwrap.dedent(_SCRIPT).format(tests=str(ROOT / "tests"),
                                           baseline=str(ROOT / "scenarios" / "baseline.yaml"),
                                           folder=str(tmp_path), executor=executor)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        pids = pids_written(tmp_path)
        assert all(psutil.pid_exists(p) for p in pids)
        proc.send_signal(stop)
        proc.wait(timeout=30)
        assert still_running(pids) == [], f"workers still running after {stop.name}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if stop == signal.SIGINT:  # Ctrl-C: a KeyboardInterrupt, not a hang on the sleeping jobs
        assert "KeyboardInterrupt" in proc.stderr.read()
