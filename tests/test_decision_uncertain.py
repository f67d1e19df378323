"""Inputs not known exactly (issue 17): the scenario's ``uncertain:`` block, its validation, the
per-replication draw (seeded, the same for every scenario), and experiments that use it."""
from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from workbench import load_scenario
from workbench.experiment import replication_seed, run_experiment
from workbench.scenario import ScenarioError
from workbench.scenario.uncertain import apply_inputs, describe, draw_inputs, quantile

BASE = load_scenario("scenarios/baseline.yaml")
UNC = {"stages.assessment.work_hours.mean": {"dist": "uniform", "low": 8, "high": 12},
       "academy.intake_per_year": {"dist": "uniform", "low": 6, "high": 18},
       "workforce.turnover_pct_per_year.experienced": {"dist": "lognormal", "mean": 15, "cv": 0.2}}


def _unc(**extra):
    return BASE.replace({"uncertain": {**UNC, **extra}})


def test_the_schema_takes_paths_of_numbers_and_names_bad_ones():
    sc = _unc()
    assert set(sc.uncertain) == set(UNC) and sc.digest() != BASE.digest()
    with pytest.raises(ScenarioError, match=r"uncertain.stages.assessment.work_hourz.mean: "
                                            r"'stages.assessment.work_hourz' is not a field"):
        BASE.replace({"uncertain": {"stages.assessment.work_hourz.mean":
                                    {"dist": "uniform", "low": 1, "high": 2}}})
    with pytest.raises(ScenarioError, match="uncertain.stages.assessment.work_hours: is not a number"):
        BASE.replace({"uncertain": {"stages.assessment.work_hours":
                                    {"dist": "uniform", "low": 1, "high": 2}}})
    with pytest.raises(ScenarioError, match="uncertain"):
        BASE.replace({"uncertain": {"demand.referrals_per_year": {"dist": "uniform", "low": 9,
                                                                  "high": 2}}})


def test_draws_are_seeded_within_range_and_the_same_for_every_scenario():
    sc = _unc()
    other = _unc().replace({"name": "Other", "academy.start_month": 4})
    a, b = draw_inputs(sc, 11), draw_inputs(sc, 11)
    assert a == b and not a.uncertain and a.name == sc.name
    c = draw_inputs(other, 11)  # another scenario, same replication: the same inputs
    assert c.stages["assessment"].work_hours.mean == a.stages["assessment"].work_hours.mean
    assert c.academy.intake_per_year == a.academy.intake_per_year
    hours = [draw_inputs(sc, replication_seed(3, i)).stages["assessment"].work_hours.mean
             for i in range(60)]
    assert 8 <= min(hours) and max(hours) <= 12 and len(set(hours)) == 60
    assert np.std(hours) > 0.5  # spread over the range, not stuck
    assert isinstance(a.academy.intake_per_year, int)
    # adding an uncertain input leaves the others' draws as they were
    more = _unc(**{"demand.referrals_per_year": {"dist": "uniform", "low": 5000, "high": 7000}})
    assert draw_inputs(more, 11).stages["assessment"].work_hours.mean == \
        a.stages["assessment"].work_hours.mean
    assert draw_inputs(BASE, 11) is BASE


def test_quantiles_of_every_distribution():
    from workbench.scenario.basics import Exponential, Fixed, Gamma, Histogram, LogNormal, Uniform
    dists = [Fixed(dist="fixed", value=3), Exponential(dist="exponential", mean=2),
             LogNormal(dist="lognormal", mean=10, cv=0.5), Gamma(dist="gamma", mean=10, cv=0.5),
             Uniform(dist="uniform", low=1, high=3),
             Histogram(dist="histogram", edges=(0, 10, 20), probs=(0.5, 0.5))]
    u = (np.arange(4000) + 0.5) / 4000
    for d in dists:
        q = [quantile(d, x) for x in u]
        assert np.all(np.diff(q) >= 0), d
        assert abs(np.mean(q) - d.mean_value) < 0.02 * max(1, d.mean_value), d
    assert quantile(dists[5], 0.5) == 10 and quantile(dists[4], 0.25) == 1.5


def test_apply_inputs_names_what_was_refused():
    with pytest.raises(ScenarioError, match="working_time.case_time_pct = 150"):
        apply_inputs(BASE, {"working_time.case_time_pct": 150})


def echo(scenario, seed, years=None, warmup_days=0.0):
    """A stand-in model whose KPIs are the inputs it was given."""
    return SimpleNamespace(
        kpis={"hours": scenario.stages["assessment"].work_hours.mean,
              "intake": float(scenario.academy.intake_per_year),
              "left_uncertain": float(len(scenario.uncertain))},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def test_experiments_draw_the_inputs_per_replication_on_common_random_numbers():
    scs = {"A": _unc(), "B": _unc().replace({"name": "B", "academy.start_month": 3})}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exp = run_experiment(scs, replications=6, seed=5, executor="serial", out=None,
                             progress=False, simulate_fn=echo)
    k = exp.kpis
    a, b = k[k.scenario == "A"], k[k.scenario == "B"]
    assert a["hours"].tolist() == b["hours"].tolist()          # the same draws in both
    assert a["hours"].nunique() == 6 and (k["left_uncertain"] == 0).all()
    for row in a.itertuples():
        assert row.hours == draw_inputs(scs["A"], row.seed).stages["assessment"].work_hours.mean


def test_describe_says_what_a_range_includes():
    assert "not included" in describe(BASE)
    text = describe(_unc())
    assert "both chance events and uncertainty in 3 inputs" in text
