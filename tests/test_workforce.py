"""Workforce dynamics and the levers (issue 3)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from workbench import simulate, validate_scenario
from workbench.analysis.run import Run
from workbench.model import log as R
from workbench.model.simulation import Simulation
from workbench.scenario import WORKER_TYPES
from conftest import mmc_data
from test_model_invariants import assert_conserved

TYPE = {t: i for i, t in enumerate(WORKER_TYPES)}


def _static(sc):
    """No movement at all: no leavers, no recruitment, no academy, no agency, no absence."""
    return sc.replace({
        "workforce.turnover_pct_per_year": {t: 0 for t in WORKER_TYPES},
        "workforce.long_term_absence.starts_pct_per_year": 0,
        "recruitment.enabled": False, "academy.intake_per_year": 0, "agency.enabled": False,
    })


def test_academy_cohort_joins_on_its_date_and_graduates_after_12_months(baseline):
    sc = _static(baseline).replace({"academy.intake_per_year": 10, "academy.start_month": 5,
                                    "horizon_years": 2})
    run = simulate(sc, seed=1)
    ev = run.events
    joined = ev[(ev.event == R.WORKER_JOINED) & (ev.stage == TYPE["academy"]) & (ev.t_days > 0)]
    first_may = (np.datetime64("2018-05-01") - np.datetime64(sc.start_date)).astype(int)
    second_may = (np.datetime64("2019-05-01") - np.datetime64(sc.start_date)).astype(int)
    assert sorted(joined.t_days.unique()) == [first_may, second_may]  # a cohort each May
    joined = joined[joined.t_days == first_may]
    assert len(joined) == 10
    grads = ev[(ev.event == R.GRADUATED) & ev.worker.isin(joined.worker)]
    assert len(grads) == 10
    assert np.allclose(grads.t_days - first_may, 12 * 30.4375)
    # weekly FTE: the snapshot's cohort (6 months in at the start) graduates as the new one arrives
    ts = run.timeseries
    before = ts[ts.t_days < first_may].fte_academy.iloc[-1]
    after = ts[ts.t_days >= first_may + 7].fte_academy.iloc[0]
    assert (before, after) == (12, 10)


def test_no_turnover_no_recruitment_keeps_fte_constant(baseline):
    run = simulate(_static(baseline), seed=2, years=1.5)
    ts = run.timeseries
    total = ts[["fte_experienced", "fte_nqsw", "fte_academy", "fte_agency"]].sum(axis=1)
    assert np.allclose(total, total.iloc[0])
    assert (run.events.event == R.WORKER_LEFT).sum() == 0


def test_fte_decays_at_the_turnover_rate(baseline):
    """With turnover r and nobody replacing leavers, FTE(t) = FTE(0) x (1 - r)^t in expectation."""
    r = 0.25
    sc = _static(baseline).replace({
        "workforce.turnover_pct_per_year": {"experienced": 100 * r, "nqsw": 100 * r,
                                            "academy": 100 * r, "agency": 100 * r},
        "workforce.pressure_turnover_effect": 0.0})
    ratios = []
    for seed in range(6):
        ts = simulate(sc, seed=seed, years=2).timeseries
        case_fte = ts.fte_total - 15  # the front door's 15 FTE are not subject to turnover
        ratios.append(case_fte.iloc[-1] / case_fte.iloc[0])
    t_years = ts.t_days.iloc[-1] / 365.25
    expected = (1 - r) ** t_years
    n0 = case_fte.iloc[0]
    # binomial sampling error of the share remaining, pooled over replications
    se = math.sqrt(expected * (1 - expected) / (n0 * len(ratios)))
    assert abs(np.mean(ratios) - expected) < 4 * se + 0.01, (np.mean(ratios), expected)


def test_pressure_makes_leaving_more_likely(baseline):
    calm = _static(baseline).replace({"workforce.turnover_pct_per_year.experienced": 15,
                                      "workforce.pressure_turnover_effect": 0.0})
    strong = calm.replace({"workforce.pressure_turnover_effect": 5.0,
                           "demand.referrals_per_year": 8000})
    leavers = lambda sc: np.mean([(simulate(sc, seed=s, years=1).events.event == R.WORKER_LEFT).sum()
                                  for s in range(3)])
    assert leavers(strong) > leavers(calm)


def test_agency_cover_never_exceeds_its_cap(baseline):
    sc = baseline.replace({"agency.cap_share_pct": 5.0, "agency.cover_share_pct": 100})
    run = simulate(sc, seed=3, years=2)
    ts = run.timeseries
    share = ts.fte_agency / ts[["fte_experienced", "fte_nqsw", "fte_academy", "fte_agency"]].sum(axis=1)
    # the snapshot starts above the cap; from the first weekly round on the cap holds
    assert (share.iloc[1:] <= 0.05 + 1e-9).all()
    sc2 = baseline.replace({"agency.cap_fte": 8, "agency.cover_share_pct": 100})
    ts2 = simulate(sc2, seed=3, years=2).timeseries
    assert (ts2.fte_agency.iloc[1:] <= 8 + 1e-9).all()


def test_costs_add_up_to_staff_days_times_day_rates():
    d = mmc_data(c=3, arrivals_per_day=0.5, mean_service_days=1.0, years=1.0)
    sc = validate_scenario(d, "<cost>")
    run = simulate(sc, seed=1)
    days = run.horizon_days
    expected = (3 * 1000 + 1 * 1000) * days / 7  # 3 duty + 1 front-door experienced, GBP 1,000 a week
    assert run.kpis["cost_gbp"] == pytest.approx(expected, rel=1e-12)


def test_costs_match_weekly_fte_in_a_moving_workforce(baseline):
    run = simulate(baseline, seed=4, years=2)
    ts = run.timeseries
    rates = baseline.costs.gbp_per_fte_week
    weekly = sum(ts[f"fte_{t}"] * rates[t] for t in WORKER_TYPES)
    approx_pay = weekly.sum()  # each observation stands for the following week
    extras = run.kpis["cost_gbp"] - run.workers.pipe(
        lambda w: (w.fte * (w.left_days - w.joined_days) / 7 * w["type"].map(rates)).sum())
    assert extras >= 0  # academy places and recruitment add to pay, never subtract
    assert (run.kpis["cost_gbp"] - extras) == pytest.approx(approx_pay, rel=0.01)
    assert run.kpis["agency_cost_gbp"] == pytest.approx((ts.fte_agency * rates["agency"]).sum(), rel=0.03)


def test_leavers_cases_are_all_reallocated_or_queued(baseline):
    sc = baseline.replace({"workforce.turnover_pct_per_year.experienced": 60, "horizon_years": 1})
    sim = Simulation(sc, seed=5)
    run = Run.from_record(sim.run())
    assert (run.events.event == R.WORKER_LEFT).sum() > 50
    assert_conserved(run)
    for w in sim.workers:
        if w.left_at < math.inf:
            assert w.cases == [], "a leaver still holds cases"
    for c in sim.journey.children:
        if c.open and c.stage:  # in a stage (not at the front door)
            # with a worker still in post, waiting in a queue, or held by non-qualified staff
            assert (c.unqualified or (c.worker is not None and c.worker.left_at == math.inf)
                    or c.queued_team is not None)
    changes = run.events[run.events.event == R.SW_CHANGE]
    assert (changes.value == R.REASON_LEAVER).sum() > 0


def test_long_term_absence_reallocates_after_the_threshold(baseline):
    sc = _static(baseline).replace({"workforce.long_term_absence.starts_pct_per_year": 40,
                                    "workforce.long_term_absence.reallocate_after_weeks": 2})
    run = simulate(sc, seed=6, years=1)
    ev = run.events
    assert (ev.event == R.ABSENCE_START).sum() > 20
    assert (ev[ev.event == R.SW_CHANGE].value == R.REASON_ABSENCE).sum() > 0
    assert_conserved(run)


def test_nqsw_completes_asye_and_becomes_eligible(baseline):
    run = simulate(_static(baseline), seed=7, years=1)
    spells = run.workers
    nqsw_ids = set(spells[spells["type"] == "nqsw"].worker)
    promoted = spells[spells.worker.isin(nqsw_ids) & (spells["type"] == "experienced")]
    assert len(promoted) == len(nqsw_ids)  # all began 4-7 months qualified: done within the year
    # after promotion some of them hold child protection cases
    ev = run.events
    cp = ev[(ev.event == R.ALLOCATED) & (ev.stage == 5) & ev.worker.isin(nqsw_ids)]
    start = promoted.set_index("worker").joined_days
    assert (cp.t_days.to_numpy() >= start.loc[cp.worker].to_numpy()).all()


def test_caseload_balancing_moves_cases_and_counts_changes(baseline):
    """Balancing moves plan cases from overloaded workers to colleagues with room, each move a
    change of social worker; with it off there are no balancing changes."""
    roomy = _static(baseline).replace({"caseload.hard_limit_pct": 200,
                                       "caseload.balancing.trigger_pct": 110,
                                       "caseload.balancing.target_pct": 100})
    on = simulate(roomy, seed=9, years=0.5)
    off = simulate(roomy.replace({"caseload.balancing.enabled": False}), seed=9, years=0.5)
    reasons_on = on.events[on.events.event == R.SW_CHANGE].value
    reasons_off = off.events[off.events.event == R.SW_CHANGE].value
    assert (reasons_on == R.REASON_BALANCING).sum() > 0
    assert (reasons_off == R.REASON_BALANCING).sum() == 0
    assert on.kpis["sw_changes_per_child_year"] > off.kpis["sw_changes_per_child_year"]
    assert on.kpis["caseload_p90"] <= off.kpis["caseload_p90"]
    assert_conserved(on)


def test_lac_stability_and_turnover_kpis_present(baseline):
    k = simulate(baseline, seed=8, years=1).kpis
    for name in ("turnover_pct", "vacancy_rate_pct", "agency_share_pct", "nqsw_share_pct",
                 "cost_gbp", "agency_cost_gbp", "cost_per_child_gbp", "lac_3plus_sw_pct"):
        assert np.isfinite(k[name]), name
    assert 0 < k["lac_3plus_sw_pct"] < 100
    assert 5 < k["turnover_pct"] < 40


SCENARIOS = ["baseline", "recruitment_drive", "academy_expansion", "agency_reduction", "demand_surge"]


@pytest.fixture(scope="module")
def lever_runs():
    """Each bundled lever scenario, 3 replications of 2 years on common random numbers."""
    from workbench import load_scenario
    from conftest import SCENARIOS as DIR
    out = {}
    for name in SCENARIOS:
        sc = load_scenario(DIR / f"{name}.yaml")
        runs = [simulate(sc, seed=s, years=2) for s in range(3)]
        k = {key: np.mean([r.kpis[key] for r in runs]) for key in runs[0].kpis}
        out[name] = k
    return out


def test_directions_recruitment_and_academy_reduce_vacancies_and_unallocated(lever_runs):
    b = lever_runs["baseline"]
    for name in ("recruitment_drive", "academy_expansion"):
        assert lever_runs[name]["vacancy_rate_pct"] < b["vacancy_rate_pct"], name
        assert lever_runs[name]["unallocated_mean"] < b["unallocated_mean"], name


def test_directions_agency_reduction(lever_runs):
    b, a = lever_runs["baseline"], lever_runs["agency_reduction"]
    assert a["unallocated_mean"] > b["unallocated_mean"]
    assert a["cost_per_fte_gbp"] < b["cost_per_fte_gbp"]
    assert a["agency_share_pct"] < b["agency_share_pct"]


def test_directions_demand_surge_worsens_timeliness(lever_runs):
    b, s = lever_runs["baseline"], lever_runs["demand_surge"]
    assert s["assessment_within_45wd_pct"] < b["assessment_within_45wd_pct"]
    assert s["cp_visits_on_time_pct"] < b["cp_visits_on_time_pct"]
