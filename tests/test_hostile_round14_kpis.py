"""Round 14 audit of the KPIs and experiments: every KPI recomputed from the event log, and
metamorphic checks that need no oracle.

The recomputations here are written from the run record's raw tables (events, workers, costs,
the weekly observations), not from :mod:`workbench.analysis.kpis`; runs are short and shared.
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from workbench import load_scenario
from workbench.experiment import Sequential, run_experiment

BASE = load_scenario("scenarios/baseline.yaml")


# ------------------------------------------------------------------ 1. sequential precision
def constant(scenario, seed, *, years=None, warmup_days=0.0):
    """A KPI that is 0 in every replication (nothing happened), one at 100%, one small count
    that comes out equal, and one that varies."""
    rng = np.random.default_rng(seed)
    return SimpleNamespace(kpis={"zero": 0.0, "all_on_time": 100.0, "peak": 3.0,
                                 "x": 50.0 + rng.normal(0, 1)},
                           timeseries=pd.DataFrame({"week": [0], "t_days": [0.0],
                                                    "unallocated": [0.0]}),
                           horizon_days=7.0)


@pytest.mark.parametrize("kpi", ["zero", "all_on_time", "peak"])
def test_a_kpi_the_same_in_every_replication_does_not_stop_a_sequential_experiment(kpi):
    # a KPI with no spread had a half-width of 0, "0% of the mean", and stopped the experiment
    # as precise after the first replications: an all-zero measure (nothing happened) or a
    # small count that came out equal says nothing about how well the mean is known
    rule = Sequential(kpis=[kpi], half_width_pct=5, min_replications=2, max_replications=4,
                      batch=1)
    e = run_experiment({"Base": BASE}, rule, executor="serial", out=None, progress=False,
                       simulate_fn=constant)
    assert e.stopped == "max_replications" and e.replications == 4
    p = e.precision().iloc[0]
    assert not p["met"] and math.isnan(p["half_width_pct"])
    assert "same value" in p["note"] and "in all 4 replications" in p["note"]
    assert "does not show precision" in p["note"]


def test_a_kpi_that_varies_still_stops_when_precise():
    rule = Sequential(kpis=["x"], half_width_pct=5, min_replications=2, max_replications=4)
    e = run_experiment({"Base": BASE}, rule, executor="serial", out=None, progress=False,
                       simulate_fn=constant)
    assert e.stopped == "precision" and e.replications == 2
    p = e.precision().iloc[0]
    assert p["met"] and p["note"] == ""
