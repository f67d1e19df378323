"""Round 16 (H83): the workforce and the money against the scenario, and KPIs against the log.

Each test pins what the scenario file (or a KPI's written definition) says, recomputed here
independently from the run's records: the workers' spells, the event log and the cost records.
The runs are short and shared (a module fixture each): the baseline scaled to a tenth over three
years for the workforce's mechanisms, half a year of the demand surge for the KPIs and money
with a warm-up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import simulate, validate_scenario
from workbench.analysis.run import Run
from workbench.model import log as R
from workbench.scenario import STAGES, WORKER_TYPES

from conftest import SCENARIOS, small_from_baseline

S = {s: i for i, s in enumerate(STAGES)}
TYPE = {t: i for i, t in enumerate(WORKER_TYPES)}
MONTH = 30.4375
WARMUP = 45.0


@pytest.fixture(scope="module")
def small3(baseline_raw):
    """The baseline at a tenth of its size, over three years (one replication)."""
    d = small_from_baseline(baseline_raw, scale=0.1, years=3)
    # every recruitment round every 4 weeks, so the rounds are not the baseline's 6
    d["recruitment"]["round_interval_weeks"] = 4
    return simulate(validate_scenario(d, source="<small3>"), seed=5)


@pytest.fixture(scope="module")
def surge():
    """Half a year of the demand surge (one replication), its KPIs with no warm-up."""
    from workbench import load_scenario

    return simulate(load_scenario(SCENARIOS / "demand_surge.yaml"), seed=3, years=0.5)


@pytest.fixture(scope="module")
def surge_w(surge):
    """The same run's KPIs after a warm-up of 45 days."""
    return Run.from_record(surge.record, warmup_days=WARMUP)


# ------------------------------------------------------------------ 1. the workforce
def test_recruitment_offers_fall_on_the_rounds_and_each_costs_the_files_amount(small3):
    rec = small3.scenario.recruitment
    costs = small3.record.costs
    offers = costs[costs.category == "recruitment"]
    assert len(offers) > 3
    every = rec.round_interval_weeks * 7
    assert np.allclose(offers.t_days / every, np.round(offers.t_days / every))
    assert (offers.gbp == rec.cost_per_hire_gbp).all()
    # each offer brings one permanent starter (some after the run's end), never more
    ev = small3.events
    starts = ev[(ev.event == R.WORKER_JOINED) & (ev.t_days > 0)
                & ev.stage.isin([TYPE["experienced"], TYPE["nqsw"]])]
    assert 0 < len(starts) <= len(offers)
    # a starter starts after the round that offered her the post
    assert starts.t_days.min() > offers.t_days.min()


def test_a_newly_qualified_worker_leaves_her_asye_year_within_a_week_of_its_end(small3):
    """workforce.asye_months: an NQSW becomes experienced at the first weekly round after she
    has been qualified that long (hires start newly qualified; staff in post at the start are
    months_qualified into it)."""
    sc = small3.scenario
    asye = sc.workforce.asye_months * MONTH
    spells = small3.workers.sort_values(["worker", "joined_days"], kind="stable")
    first = spells.groupby("worker").first()
    nqsw = first[first.type == "nqsw"]
    start_mq = {(name, g.type): g.months_qualified for name, t in sc.teams.items()
                for g in t.staff}
    checked = 0
    for wid, row in nqsw.iterrows():
        mine = spells[spells.worker == wid]
        qualified = (row.joined_days - start_mq[(row.team, "nqsw")] * MONTH
                     if row.joined_days == 0 else row.joined_days)
        due = qualified + asye
        if due + 7 > small3.horizon_days or row.worker_left_days < due + 7:
            continue
        assert list(mine.type) == ["nqsw", "experienced"]
        assert 0 <= mine.joined_days.iloc[1] - due < 7 + 1e-9
        checked += 1
    assert checked >= 2


def test_academy_cohorts_join_on_the_first_of_the_start_month_and_graduate_a_year_on(small3):
    sc = small3.scenario
    ac = sc.academy
    ev = small3.events
    joins = ev[(ev.event == R.WORKER_JOINED) & (ev.stage == TYPE["academy"]) & (ev.t_days > 0)]
    dates = (pd.Timestamp(sc.start_date) + pd.to_timedelta(joins.t_days, unit="D")).dt.date
    by_date = dates.value_counts().sort_index()
    assert [(d.month, d.day) for d in by_date.index] == [(ac.start_month, 1)] * 3
    assert (by_date == ac.intake_per_year).all()
    assert set(joins.team) == {small3.record.team_names.index(ac.team)}
    # each trainee who stays graduates ac.months later, into experienced staff
    grads = ev[ev.event == R.GRADUATED].set_index("worker").t_days
    for wid, t in zip(joins.worker, joins.t_days):
        if t + ac.months * MONTH < small3.horizon_days and wid in grads.index:
            assert grads.loc[wid] == pytest.approx(t + ac.months * MONTH)


def test_long_term_absences_last_the_weeks_drawn_for_them(small3):
    ev = small3.events
    sc = small3.scenario
    w = ev[ev.child == -1]
    starts = w[w.event == R.ABSENCE_START]
    ends = w[w.event == R.ABSENCE_END]
    left = w[w.event == R.WORKER_LEFT].set_index("worker").t_days
    assert len(starts) >= 2
    for wid, t, weeks in zip(starts.worker, starts.t_days, starts.value):
        back = t + weeks * 7
        later = ends[(ends.worker == wid) & (ends.t_days >= t)].t_days
        gone = left.get(wid, np.inf)
        if back < min(small3.horizon_days, gone):
            assert later.min() == pytest.approx(back)
        else:
            assert later.empty or later.min() > min(small3.horizon_days, gone)
    # cases of a worker away longer than the threshold move to others after it, never before
    # (a child who then waits for a worker changes when she is allocated, later)
    after = sc.workforce.long_term_absence.reallocate_after_weeks * 7
    moved = ev[(ev.event == R.SW_CHANGE) & (ev.value == R.REASON_ABSENCE)]
    long = starts[starts.value * 7 > after]
    assert len(moved) > 0
    due = np.sort(long.t_days.to_numpy() + after)
    assert (moved.t_days.to_numpy() >= due[0] - 1e-9).all()
    assert np.isin(np.round(due, 6), np.round(moved.t_days, 6)).any()


def test_weekly_vacancies_are_each_teams_posts_less_its_permanent_staff(small3):
    """vacancies_fte (and the vacancy KPI) per team: establishment less experienced and NQSW
    FTE in post, never below 0; academy trainees and agency staff fill no post; the front door
    is not counted."""
    sc = small3.scenario
    spells = small3.workers
    perm = spells[spells.type.isin(["experienced", "nqsw"])]
    ts = small3.timeseries
    for t, got in zip(ts.t_days[1:-1], ts.vacancies_fte[1:-1]):
        inpost = perm[(perm.joined_days <= t) & (perm.left_days > t)]
        want = sum(max(cfg.establishment_fte - inpost[inpost.team == name].fte.sum(), 0.0)
                   for name, cfg in sc.teams.items() if cfg.case_holding)
        assert got == pytest.approx(want, abs=1e-9), t


def test_agency_assignments_are_never_counted_as_turnover(small3):
    ev = small3.events
    left = ev[ev.event == R.WORKER_LEFT]
    assert (left.stage == TYPE["agency"]).any()
    employed = left[left.stage != TYPE["agency"]].value.sum()
    ts = small3.timeseries
    fte = ts.fte_employed_case_holding.mean()
    years = small3.horizon_days / 365.25
    assert small3.kpis["turnover_pct"] == pytest.approx(100 * employed / fte / years)


# ------------------------------------------------------------------ 2. the money
def _pay(spells, rates, start, end):
    days = (np.minimum(spells.left_days, end) - np.maximum(spells.joined_days, start)).clip(lower=0)
    return float(np.sum(spells.fte * days / 7 * spells.type.map(rates)))


def test_the_cost_after_a_warm_up_is_pay_and_the_costs_of_its_days_to_the_pound(surge, surge_w):
    rec = surge.record
    sc, end = rec.scenario, rec.horizon_days
    rates = sc.costs.gbp_per_fte_week
    pay = _pay(rec.workers, rates, WARMUP, end)
    c = rec.costs
    hires = c[(c.category == "recruitment") & (c.t_days >= WARMUP)].gbp.sum()
    ac = c[c.category == "academy"]
    week = np.minimum(7.0, end - ac.t_days)
    inside = (np.minimum(ac.t_days + week, end) - np.maximum(ac.t_days, WARMUP)).clip(0, None)
    academy = float(np.sum(ac.gbp * inside / week))
    assert surge_w.kpis["cost_gbp"] == pytest.approx(pay + hires + academy, abs=0.01)
    agency = _pay(rec.workers[rec.workers.type == "agency"], rates, WARMUP, end)
    assert surge_w.kpis["agency_cost_gbp"] == pytest.approx(agency, abs=0.01)
    years = (end - WARMUP) / 365.25
    assert surge_w.kpis["cost_per_year_gbp"] == pytest.approx(surge_w.kpis["cost_gbp"] / years)


def test_academy_places_cost_the_files_amount_a_trainee_year(small3):
    sc = small3.scenario
    spells = small3.workers
    ac = spells[spells.type == "academy"]
    years = float(np.sum(ac.fte * (ac.left_days - ac.joined_days))) / 365.25
    c = small3.record.costs
    got = c[c.category == "academy"].gbp.sum()
    # charged a week at a time from each weekly round: within a week a trainee of each cohort
    assert got == pytest.approx(years * sc.academy.cost_per_place_gbp, rel=0.01)


def test_a_converted_agency_worker_is_paid_the_agency_rate_then_the_permanent_one(baseline):
    sc = baseline.replace({"agency.conversion_pct_per_year": 100})
    run = simulate(sc, seed=1, years=0.3)
    ev = run.events
    conv = ev[ev.event == R.CONVERTED]
    assert len(conv) > 0
    spells = run.workers
    for wid, t in zip(conv.worker, conv.t_days):
        mine = spells[spells.worker == wid].sort_values("joined_days")
        assert list(mine.type) == ["agency", "experienced"]
        assert mine.left_days.iloc[0] == mine.joined_days.iloc[1] == t
    rates = sc.costs.gbp_per_fte_week
    assert run.kpis["agency_cost_gbp"] == pytest.approx(
        _pay(spells[spells.type == "agency"], rates, 0, run.horizon_days))


# ------------------------------------------------------------------ 3. the KPIs after a warm-up
def test_kpis_after_a_warm_up_recomputed_from_the_log(surge, surge_w):
    rec = surge.record
    ev, end = rec.events, rec.horizon_days
    k = surge_w.kpis
    f = ev[ev.t_days >= WARMUP]
    e, st, v = f.event.to_numpy(), f.stage.to_numpy(), f.value.to_numpy()
    years = (end - WARMUP) / 365.25
    assert k["referral_decision_within_1wd_pct"] == pytest.approx(
        100 * np.mean(v[e == R.DECISION] <= 1))
    a = v[(e == R.TASK_DONE) & (st == S["assessment"])]
    assert k["assessment_within_45wd_pct"] == pytest.approx(100 * np.mean(a <= 45))
    assert k["assessment_median_wd"] == np.median(a)
    assert k["assessments_completed_per_year"] == pytest.approx(len(a) / years)
    ic = v[(e == R.TASK_DONE) & (st == S["icpc"])]
    assert k["icpc_within_15wd_pct"] == pytest.approx(100 * np.mean(ic <= 15))
    cp = v[(e == R.VISIT) & (st == S["cp"])]
    missed = np.sum((e == R.VISIT_MISSED) & (st == S["cp"]))
    assert k["cp_visits_on_time_pct"] == pytest.approx(100 * np.sum(cp <= 0) / (len(cp) + missed))
    assert k["referrals_per_year"] == pytest.approx(np.sum(e == R.REFERRAL) / years)
    # children waiting, walked through the whole log in its order; only the time after the
    # warm-up is averaged, and the peak is the most at once after it (those already waiting
    # when it ends count)
    waiting, level, area, last, peak = set(), 0, 0.0, 0.0, 0
    for ee, tt, ch in zip(ev.event.to_numpy(), ev.t_days.to_numpy(), ev.child.to_numpy()):
        if ee not in (R.QUEUED, R.ALLOCATED, R.CLOSED, R.CENSORED):
            continue
        if tt > WARMUP:
            area += level * (tt - max(last, WARMUP))
        last = tt
        if ee == R.QUEUED and ch not in waiting:
            waiting.add(ch)
            level += 1
        elif ee != R.QUEUED and ch in waiting:
            waiting.discard(ch)
            level -= 1
        if tt >= WARMUP:
            peak = max(peak, level)
    area += level * (end - max(last, WARMUP))
    assert k["unallocated_mean"] == pytest.approx(area / (end - WARMUP))
    assert k["unallocated_peak"] == peak
    # allocations after the warm-up, the waits of children allocated then
    al = f[(f.event == R.ALLOCATED) & (f.value >= 0)]
    assert k["allocation_wait_mean_days"] == pytest.approx(al.value.mean())
    # caseloads: the weekly observations from the warm-up on
    obs = [r for r in rec.observations if r["t_days"] >= WARMUP]
    assert k["caseload_mean"] == pytest.approx(np.mean([r["caseload_per_fte"] for r in obs]))
    assert k["caseload_p90"] == pytest.approx(
        np.percentile(np.concatenate([r["caseloads"] for r in obs]), 90))


def test_the_stocks_at_the_end_are_the_children_censored_at_the_end(surge):
    ev = surge.events
    cens = ev[ev.event == R.CENSORED]
    by = cens.stage.value_counts()
    n = {s: int(by.get(S[s], 0)) for s in STAGES}
    k = surge.kpis
    assert k["open_cases_end"] == sum(n.values())
    assert k["cin_end"] == n["cin"] + n["cin_disability"]
    assert k["cp_end"] == n["cp"]
    assert k["lac_end"] == n["lac"] + n["court"]


def test_workforce_shares_after_a_warm_up_are_the_weekly_shares_averaged(surge, surge_w):
    ts = surge.timeseries
    wk = ts[ts.t_days >= WARMUP]
    total = wk[[f"fte_{t}" for t in WORKER_TYPES]].sum(axis=1)
    k = surge_w.kpis
    assert k["agency_share_pct"] == pytest.approx(100 * (wk.fte_agency / total).mean())
    assert k["nqsw_share_pct"] == pytest.approx(
        100 * ((wk.fte_nqsw + wk.fte_academy) / total).mean())
    assert k["vacancy_rate_pct"] == pytest.approx(
        100 * (wk.vacancies_fte / wk.establishment_fte).mean())
    # the front door's staff are among all social workers, not among the posts that fall vacant
    fd = surge.scenario.teams[surge.scenario.front_door.team]
    assert (wk.establishment_fte == sum(t.establishment_fte for t in surge.scenario.teams.values()
                                        if t.case_holding)).all()
    assert (total >= wk.fte_employed_case_holding + fd.staff[0].count).all()


def test_looked_after_children_with_3_social_workers_walked_through_the_log(small3):
    """lac_3plus_sw_pct after a warm-up of a quarter: each whole year after it, the children
    looked after at some time in the year, and the social workers each had in it (the one she
    held when it began and everyone allocated to her during it), averaged over the years."""
    w0 = 0.25 * 365.25
    run = Run.from_record(small3.record, warmup_days=w0)
    ev = small3.events
    ev = ev[ev.child >= 0]
    lac = S["lac"]
    shares = []
    for y in range(2):
        a, b = w0 + y * 365.25, w0 + (y + 1) * 365.25
        current, in_lac, cohort, seen = {}, {}, set(), {}
        for t, c, e, s, wk in zip(ev.t_days, ev.child, ev.event, ev.stage, ev.worker):
            if t >= b:
                break
            if t >= a and c not in seen:
                # the year begins for her: her worker then, and whether she is looked after
                seen[c] = {current[c]} if current.get(c) is not None else set()
                if in_lac.get(c):
                    cohort.add(c)
            if s == lac and e in (R.STAGE_START, R.SNAPSHOT):
                in_lac[c] = True
                if t >= a:
                    cohort.add(c)
            elif s == lac and e == R.STAGE_END:
                in_lac[c] = False
            if e == R.ALLOCATED:
                current[c] = wk
                if t >= a:
                    seen[c].add(wk)
            elif e in (R.CLOSED, R.QUEUED, R.UNQUALIFIED):
                current[c] = None
        # children with no event in the year: looked after throughout, with the worker she had
        for c, v in in_lac.items():
            if v and c not in seen:
                cohort.add(c)
                seen[c] = {current[c]} if current.get(c) is not None else set()
        assert len(cohort) > 30
        shares.append(100 * sum(len(seen[c]) >= 3 for c in cohort) / len(cohort))
    assert run.kpis["lac_3plus_sw_pct"] == pytest.approx(np.mean(shares))
