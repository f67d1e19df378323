"""The engine: the one place that drives SimPy, on its fast path and on SimPy's public API."""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from workbench import load_scenario
from workbench.analysis.run import Run
from workbench.model import simulate
from workbench.model.engine import Engine, fast_path_available

ROOT = Path(__file__).resolve().parents[1]


class _Marker:
    """Stands in for a worker: records when the engine re-times it."""

    def __init__(self, log):
        self.log = log

    def retime(self, now):
        self.log.append(("retime", now))


def _trace(fast: bool) -> list:
    eng = Engine(wake_step_days=1 / 24, fast=fast)
    log: list = []
    marker = _Marker(log)

    def call(tag):
        log.append((tag, eng.now()))
        if tag == "b":
            eng.dirty.append(marker)   # re-timed once the call returns

    eng.call_at(2.5, call, "a")
    eng.call_at(2.5, call, "b")        # same time: after "a" (first scheduled, first run)
    eng.call_in(0.25, call, "c")
    eng.call_at(40.125, call, "far")   # beyond tomorrow: waits on the day wheel
    eng.start_days(50, lambda day: log.append(("morning", day)) if day in (2, 40) else None)

    def proc():
        yield eng.timeout(3.0)
        log.append(("process", eng.now()))

    eng.process(proc())
    eng.run(until=60)
    return log


@pytest.mark.parametrize("fast", [True, False])
def test_calls_run_at_their_exact_times_in_order(fast):
    assert _trace(fast) == [
        ("c", 0.25), ("morning", 2), ("a", 2.5), ("b", 2.5), ("retime", 2.5), ("process", 3.0),
        ("morning", 40), ("far", 40.125)]


def test_this_simpy_has_the_fast_path():
    import simpy
    assert fast_path_available(simpy.Environment())


def test_public_path_reproduces_the_reference_results():
    """SimPy's public API alone (a Timeout per call) gives the recorded results exactly, so a
    SimPy release that changes its internals still runs the model correctly."""
    sys.path.insert(0, str(ROOT / "tests" / "data"))
    import make_golden

    ref = json.loads(gzip.open(ROOT / "tests" / "data" / "golden.json.gz", "rt").read())
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    run = Run.from_record(simulate(sc, seed=1, years=make_golden.YEARS, fast_engine=False))
    got = json.loads(json.dumps({k: make_golden._clean(v) for k, v in run.kpis.items()}))
    assert got == ref["baseline.yaml:1"]["kpis"]
