"""Stopping a process pool at once finds its workers by the ids they reported, not by the pool's
private attributes: the workers of a stopped pool are gone while the process that started them
keeps running (so the workers' own watch on their parent plays no part here)."""

from __future__ import annotations

import multiprocessing as mp
import os
import time

import pytest

from workbench.experiment.executors import _ProgressExecutor
from workbench.experiment.isolation import pool_worker_start, pool_workers

from conftest import pids_written, still_running


def sleep_and_report(folder: str) -> int:
    """Writes this worker's pid to ``folder``, then sleeps (module level: spawn can import it)."""
    with open(os.path.join(folder, f"{os.getpid()}.pid"), "w") as fh:
        fh.write(str(os.getpid()))
    time.sleep(120)
    return os.getpid()


@pytest.mark.parametrize("method", [None, "spawn"])
def test_terminate_stops_workers_in_the_middle_of_a_job(tmp_path, method):
    ex = _ProgressExecutor("process", max_workers=2, mp_context=method)
    for _ in range(2):
        ex.submit(sleep_and_report, str(tmp_path))
    pids = pids_written(tmp_path, 2)
    t = time.monotonic()
    ex.terminate()
    assert still_running(pids) == []
    assert time.monotonic() - t < 15.0   # not the 120 s the jobs would take
    # the next job starts a fresh pool
    assert ex.submit(abs, -3).result(timeout=60) == 3
    ex.shutdown()


def test_terminate_right_after_start_leaves_no_worker(tmp_path):
    before = {p.pid for p in mp.active_children()}
    ex = _ProgressExecutor("process", max_workers=2)
    ex.warm_up()                      # workers are starting, some perhaps not yet reported
    for _ in range(4):
        ex.submit(sleep_and_report, str(tmp_path))
    ex.terminate()
    new = [p.pid for p in mp.active_children() if p.pid not in before]
    assert still_running(new) == []
    # no worker took a job after the pool was stopped and lived on
    assert still_running([int(p.stem) for p in tmp_path.glob("*.pid")]) == []


def test_pool_workers_are_found_by_the_ids_they_reported(tmp_path):
    ctx = mp.get_context()
    pids, stopping = ctx.SimpleQueue(), ctx.Event()
    # children that run the pool's initializer, then write a file and sleep as if in a job
    reporters = [ctx.Process(target=_start_then_sleep, args=(pids, stopping, str(tmp_path)))
                 for _ in range(2)]
    other = ctx.Process(target=time.sleep, args=(60,))   # a child that is no pool's worker
    for p in reporters + [other]:
        p.start()
    late = None
    try:
        pids_written(tmp_path, 2)
        found = pool_workers(pids, stopping)
        assert sorted(p.pid for p in found) == sorted(p.pid for p in reporters)
        assert stopping.is_set()
        # a worker starting after the pool was stopped ends by itself, taking no job
        late = ctx.Process(target=_start_then_sleep, args=(pids, stopping, str(tmp_path)))
        late.start()
        late.join(30)
        assert late.exitcode == 1
    finally:
        for p in reporters + [other] + ([late] if late is not None else []):
            if p.is_alive():
                p.kill()
            p.join(5)


def _start_then_sleep(pids, stopping, folder: str) -> None:
    pool_worker_start(pids, stopping)
    sleep_and_report(folder)
