"""Sensitivity analysis (issue 17): Morris ranks a known dominant input first, Sobol agrees,
the tornado and the sentence name it, and serial and process runs give the same numbers."""
from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from workbench import load_scenario
from workbench.decision.sensitivity import DEFAULT_INPUTS, default_inputs, sensitivity
from workbench.errors import UserError
from workbench.scenario.basics import Uniform

BASE = load_scenario("scenarios/baseline.yaml")
INPUTS = {
    "stages.assessment.work_hours.mean": Uniform(dist="uniform", low=6, high=14),
    "demand.referrals_per_year": Uniform(dist="uniform", low=5500, high=7000),
    "working_time.absence_pct": Uniform(dist="uniform", low=1, high=4),
}


def toy(scenario, seed, years=None, warmup_days=0.0):
    """Timeliness hangs on assessment hours (strongly), referrals (a little), absence (barely)."""
    rng = np.random.default_rng(seed)
    h = scenario.stages["assessment"].work_hours.mean
    r = scenario.demand.referrals_per_year
    a = scenario.working_time.absence_pct
    timely = 120 - 5 * h - 0.002 * r - 0.1 * a + rng.normal(0, 0.5)
    return SimpleNamespace(
        kpis={"assessment_within_45wd_pct": timely, "unallocated_mean": r / 100 + h,
              "cost_gbp": 1e6 + rng.normal(0, 100)},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def _run(**kw):
    args = dict(inputs=INPUTS, trajectories=4, sobol_top=2, sobol_n=8, tornado_top=3,
                replications=2, executor="serial", out=None, progress=False, simulate_fn=toy)
    args.update(kw)
    return sensitivity(BASE, **args)


def test_morris_ranks_the_dominant_input_first_and_sobol_agrees():
    res = _run()
    assert res.top(1) == ["stages.assessment.work_hours.mean"]
    m = res.morris[res.morris["kpi"] == "assessment_within_45wd_pct"].set_index("input")
    assert m.loc["stages.assessment.work_hours.mean", "mu_star"] > \
        5 * m.loc["working_time.absence_pct", "mu_star"]
    s = res.sobol[res.sobol["kpi"] == "assessment_within_45wd_pct"].set_index("input")
    assert list(s.index) == res.top(2)
    assert s["ST"].idxmax() == "stages.assessment.work_hours.mean"
    assert s.loc["stages.assessment.work_hours.mean", "S1"] > 0.8
    # the tornado: widest swing first, timeliness falls as assessments take longer
    t = res.tornado
    assert t["input"].iloc[0] == "stages.assessment.work_hours.mean"
    assert t["kpi_high"].iloc[0] < t["kpi_low"].iloc[0]
    assert t["swing"].is_monotonic_decreasing
    text = res.sentence()
    assert text.startswith("Assessments finished within 45 working days depends most on "
                           "how long an assessment takes")
    assert set(res.morris["kpi"]) == {"assessment_within_45wd_pct", "unallocated_mean", "cost_gbp"}


def test_same_numbers_serial_and_process(tmp_path):
    a = _run()
    b = _run(executor="process", max_workers=2, out=tmp_path, name="sens")
    pd.testing.assert_frame_equal(a.morris, b.morris)
    pd.testing.assert_frame_equal(a.tornado, b.tornado)
    assert (tmp_path / "sens" / "morris.csv").exists()
    c = _run(out=tmp_path, name="sens")  # resumed: nothing runs again
    assert c.n_run == 0 and c.n_loaded == b.n_run + b.n_loaded


def test_default_inputs_and_bad_settings():
    got = default_inputs(BASE)
    assert len(got) >= 15 and set(got) <= set(DEFAULT_INPUTS)
    v = BASE.stages["assessment"].work_hours.mean
    d = got["stages.assessment.work_hours.mean"]
    assert (d.low, d.high) == pytest.approx((0.8 * v, 1.2 * v))
    with_block = BASE.replace({"uncertain": {"demand.referrals_per_year":
                                             {"dist": "uniform", "low": 5000, "high": 7000}}})
    assert list(default_inputs(with_block)) == ["demand.referrals_per_year"]
    for kw in ({"kpi_name": "nonsense"}, {"trajectories": 1}, {"sobol_n": 10},
               {"inputs": {"demand.referrals_per_year": INPUTS["demand.referrals_per_year"]}}):
        with pytest.raises(UserError):
            _run(**kw)


def test_a_tiny_real_run_gives_a_ranking_and_a_sentence():
    inputs = {"stages.assessment.work_hours.mean": Uniform(dist="uniform", low=5, high=20),
              "academy.months": Uniform(dist="uniform", low=11, high=13)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sensitivity(BASE, inputs=inputs, trajectories=2, sobol_top=0, tornado_top=2,
                          replications=1, years=0.25, executor="serial", out=None,
                          progress=False)
    m = res.morris[res.morris["kpi"] == res.kpi]
    assert sorted(m["rank"]) == [1, 2] and m["mu_star"].notna().all()
    assert res.sobol.empty and len(res.tornado) == 2
    assert "depends most on" in res.sentence() or "hardly changed" in res.sentence()
