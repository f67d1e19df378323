"""Tier 3: any valid scenario runs and keeps every invariant (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import simulate, validate_scenario
from conftest import small_from_baseline
from test_model_invariants import assert_conserved


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    demand=st.floats(200, 2500),
    staff_scale=st.floats(0.3, 2.0),
    cap=st.integers(3, 30),
    hard=st.floats(100, 200),
    seed=st.integers(0, 10_000),
    siblings=st.sampled_from([[1.0], [0.5, 0.5], [0.4, 0.3, 0.2, 0.1]]),
    working_days=st.booleans(),
)
def test_any_valid_scenario_conserves_children(baseline_raw, demand, staff_scale, cap, hard, seed,
                                               siblings, working_days):
    d = small_from_baseline(baseline_raw, scale=0.08, years=0.4)
    d["demand"]["referrals_per_year"] = demand
    d["demand"]["sibling_group_probs"] = siblings
    d["calendar"]["working_days"] = working_days
    for team in d["teams"].values():
        for g in team["staff"]:
            g["count"] = max(1, int(round(g["count"] * staff_scale)))
    d["caseload"]["caps"]["experienced"] = cap
    d["caseload"]["hard_limit_pct"] = hard
    run = simulate(validate_scenario(d, "<hypothesis>"), seed=seed)
    assert_conserved(run)
    k = run.kpis
    assert k["unallocated_peak"] >= k["unallocated_mean"] >= 0
    assert k["caseload_p90"] >= 0
