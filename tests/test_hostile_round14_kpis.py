"""Round 14 audit of the KPIs and experiments: every KPI recomputed from the event log, and
metamorphic checks that need no oracle.

The recomputations here are written from the run record's raw tables (events, workers, costs,
the weekly observations), not from :mod:`workbench.analysis.kpis`; runs are short and shared.
"""
from __future__ import annotations

import math
from pathlib import Path
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


# ------------------------------------------------------------------ 2. a measure "in a year"
def never(scenario, seed, *, years=None, warmup_days=0.0):
    raise AssertionError("no run was needed to know the answer")


def test_sensitivity_of_a_measure_counted_over_whole_years_is_refused_before_any_run():
    # `workbench sensitivity --kpi lac_3plus_sw_pct --years 0.2` ran every sample point, then
    # said "nothing it measures happened in so short a run (for instance, no visit or review
    # fell due)": the measure is counted over whole years and has no value over less than one
    from workbench.decision.sensitivity import sensitivity
    from workbench.errors import UserError

    ranged = BASE.replace({"uncertain": {
        "demand.referrals_per_year": {"dist": "uniform", "low": 5800, "high": 6800},
        "academy.intake_per_year": {"dist": "uniform", "low": 10, "high": 14}}})
    with pytest.raises(UserError) as e:
        sensitivity(ranged, "lac_3plus_sw_pct", trajectories=2, sobol_top=0, replications=1,
                    years=0.2, executor="serial", out=None, progress=False, simulate_fn=never)
    said = str(e.value)
    assert "counted over whole years, and 0.2 years is less than one" in said
    assert "visit" not in said and "--years" in said and "--kpi" in said


def test_optimise_for_a_measure_counted_over_whole_years_is_refused_before_any_run():
    from workbench.decision import LeverRange, optimise
    from workbench.errors import UserError

    with pytest.raises(UserError, match=r"target lac_3plus_sw_pct<=30: .*0\.5 years is less "
                                        r"than one, so no plan could meet it"):
        optimise(BASE, ["lac_3plus_sw_pct<=30"],
                 (LeverRange("academy_intake_per_year", 12, 13, 1),), years=0.5, max_trials=2,
                 budget_minutes=None, executor="serial", out=None, simulate_fn=never,
                 progress=False)


def test_compare_says_why_a_measure_counted_over_whole_years_has_no_value(tmp_path, capsys):
    # its row read "no value to compare" with nothing to say why; more runs would not help
    from workbench.cli.main import main

    base = tmp_path / "base.yaml"
    base.write_text("base: " + str(Path("scenarios/baseline.yaml").resolve()) + "\n"
                    "name: Base\ninitial: {open_cases: {assessment: 30, cin: 60, lac: 40}}\n")
    var = tmp_path / "var.yaml"
    var.write_text(f"base: {base}\nname: More academy\nacademy: {{intake_per_year: 20}}\n")
    code = main(["compare", str(base), str(var), "-r", "1", "--years", "0.1",
                 "--warmup-days", "10", "--executor", "serial", "--no-progress",
                 "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0
    said = [line for line in out.splitlines() if line.startswith("n/a:")]
    assert said == ["n/a: Looked-after children with 3+ social workers in a year "
                    "(lac_3plus_sw_pct) is counted over whole years, and 0.0726 years measured "
                    "after the warm-up of 10 days is less than one, so it has no value: give "
                    "--years of at least 1.03 (a year after the warm-up)."]
    # the advice is enough: a year after the warm-up
    assert (1.03 * 365.25 - 10) >= 365.25
