"""Round 13 audit of decision support and experiments: are the numbers and sentences true?

Each test recomputes, by hand, what a command says (from the tables it writes, or from a toy
model whose answer is known) and checks the words against it.
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd

from workbench import load_scenario
from workbench.decision import LeverRange, optimise

BASE = load_scenario("scenarios/baseline.yaml")
ACADEMY = (LeverRange("academy_intake_per_year", 12, 13, 1),)


def noisy(scenario, seed, years=None, warmup_days=0.0):
    """Children waiting: 100 on average whatever the plan, but +-60 from run to run."""
    rng = np.random.default_rng(seed)
    return SimpleNamespace(
        kpis={"unallocated_mean": 100.0 + rng.normal(0, 60),
              "cost_gbp": 1e6 + 1e4 * scenario.academy.intake_per_year},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def _optimise(target, **kw):
    args = dict(max_trials=2, budget_minutes=None, executor="serial", out=None,
                simulate_fn=noisy, progress=False, years=1, replications=2,
                confirm_replications=3, candidates=2, confidence=0.9)
    args.update(kw)
    return optimise(BASE, [target], ACADEMY, **args)


# ------------------------------------------------------------------ 1. optimise: why no plan
def test_a_plan_that_meets_the_target_on_average_but_not_surely_is_not_called_out_of_reach():
    # 100 children waiting on average against at most 140: every plan meets it on average, but
    # 3 fresh runs with a spread of 60 give bounds too wide to be 90% sure. The advice was
    # "widen the levers' ranges, give the search more time, or relax a target", as if the
    # target could not be reached; what helps is more fresh runs (or less confidence)
    res = _optimise("unallocated_mean<=140")
    assert res.chosen is None
    c = res.candidates
    assert len(c) == 2 and (c["unallocated_mean_mean"] <= 140).all()
    assert not c["passed"].any()
    said = res.statement()
    assert said.startswith("No plan the search tried met every target")
    assert ("2 plans met every target on average in the search and were checked on 3 fresh "
            "runs each: all of them met every target on average there too") in said
    assert "more fresh runs" in said and "less confidence" in said
    # no plan met the target even on the search's averages: the advice stays as it was
    res = _optimise("unallocated_mean<=5")
    assert res.chosen is None and not len(res.candidates)
    assert res.statement().endswith("Widen the levers' ranges, give the search more time, or "
                                    "relax a target.")
