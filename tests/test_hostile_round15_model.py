"""Round 15 (H80): the model against its own scenario and domain.md, mechanism by mechanism.

Each test pins a mechanism that does what the baseline scenario file says (the clocks count the
working days the scenario names, from the start it names; the visit intervals; the demand's
seasonality and surges; the cap weights). Short runs on one shared module fixture.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from workbench import load_scenario
from workbench.calendar import WorkingCalendar
from workbench.model import log as R
from workbench.model import simulate
from workbench.model.demand import daily_referral_rate
from workbench.model.simulation import Simulation
from workbench.scenario import STAGES

from conftest import SCENARIOS

S = {s: i for i, s in enumerate(STAGES)}


@pytest.fixture(scope="module")
def base():
    return load_scenario(SCENARIOS / "baseline.yaml")


@pytest.fixture(scope="module")
def cal(base):
    return WorkingCalendar(base.start_date, 1200, True, base.calendar.country,
                           base.calendar.subdivision)


@pytest.fixture(scope="module")
def events(base):
    """Half a year of the baseline (one replication): the event log."""
    return simulate(base, seed=4, years=0.5).events


def _wd(cal, t0, t1):
    return np.array([cal.wd_between(a, b) for a, b in zip(t0, t1)])


# ------------------------------------------------------------------ demand
def test_seasonality_puts_each_months_factor_on_its_own_calendar_month(base):
    """demand.seasonality is January..December (normalised to mean 1): August's daily rate over
    January's is the file's 0.78 / 1.04, whatever month the run starts in."""
    rate = daily_referral_rate(base, 800)
    start = np.datetime64(base.start_date, "D")

    def day(s):
        return int((np.datetime64(s, "D") - start).astype(int))

    season = np.asarray(base.demand.seasonality)
    assert rate[day("2018-08-15")] / rate[day("2018-01-15")] == pytest.approx(season[7] / season[0])
    assert rate[day("2017-11-15")] / rate[day("2018-12-15")] == pytest.approx(season[10] / season[11])
    # a year of the daily rates is the file's referrals a year (months of unequal length move it
    # by well under 1%)
    assert rate[:365].sum() == pytest.approx(base.demand.referrals_per_year, rel=0.005)


def test_a_surge_multiplies_only_its_own_dates_and_one_after_the_horizon_changes_nothing(base):
    plain = daily_referral_rate(base, 400)
    sc = base.replace({"demand.surges": [
        {"start_date": "2018-02-01", "end_date": "2018-03-01", "multiplier": 1.5}]})
    surged = daily_referral_rate(sc, 400)
    lo = (dt.date(2018, 2, 1) - base.start_date).days
    hi = (dt.date(2018, 3, 1) - base.start_date).days
    assert np.allclose(surged[lo:hi], 1.5 * plain[lo:hi])
    assert np.array_equal(surged[:lo], plain[:lo]) and np.array_equal(surged[hi:], plain[hi:])
    # a surge starting after the run's end: the run is the same run, event for event
    late = base.replace({"demand.surges": [{"start_date": "2031-01-01", "multiplier": 3.0}]})
    a = simulate(base, seed=2, years=0.1).events
    b = simulate(late, seed=2, years=0.1).events
    pd.testing.assert_frame_equal(a, b)


def test_a_rereferral_follows_a_closure_of_the_same_child_within_twelve_months(events):
    """demand.rereferral_pct: re-referrals within 12 months of a closure (domain.md)."""
    ev = events
    rr = ev[ev.event == R.REREFERRAL][["child", "t_days"]].sort_values("t_days")
    closed = ev[ev.event == R.CLOSED][["child", "t_days"]].sort_values("t_days")
    m = pd.merge_asof(rr, closed.rename(columns={"t_days": "closed_t"}), left_on="t_days",
                      right_on="closed_t", by="child", allow_exact_matches=False)
    inside = m.dropna(subset=["closed_t"])   # the others closed before the start (snapshot)
    assert len(inside) > 20
    gap = inside.t_days - inside.closed_t
    assert (gap > 0).all() and (gap <= 365.0).all()


# ------------------------------------------------------------------ statutory clocks
def test_assessment_clock_counts_working_days_from_the_referral(events, cal):
    """stages.assessment.clock: {start: referral}: TASK_DONE's value is working days (bank
    holidays excluded) from the child's latest referral."""
    ev = events
    done = ev[(ev.event == R.TASK_DONE) & (ev.stage == S["assessment"])]
    ref = ev[ev.event == R.REFERRAL][["child", "t_days"]].rename(columns={"t_days": "ref_t"})
    m = done.merge(ref, on="child")
    m = m[m.ref_t <= m.t_days].sort_values("ref_t").groupby(["child", "t_days"]).last().reset_index()
    assert len(m) > 500
    assert np.array_equal(m.value.to_numpy(), _wd(cal, m.ref_t, m.t_days))
    # and the elapsed part of the work spreads to day 45 and beyond, as the file's histogram
    assert m.value.max() > 45 and m.value.min() >= 2


def test_icpc_clock_counts_from_the_strategy_discussion_and_conferences_sit_on_working_days(
        events, cal, base):
    """stages.icpc.clock: {start: previous, target_wd: 15}: from the s47 enquiry's start; a
    conference is held at midday of a working day, never more a day than the chairs' slots."""
    ev = events
    done = ev[(ev.event == R.TASK_DONE) & (ev.stage == S["icpc"])]
    s47 = ev[(ev.event == R.STAGE_START) & (ev.stage == S["s47"]) & (ev.t_days > 0)]
    s47 = s47[["child", "t_days"]].rename(columns={"t_days": "s47_t"})
    m = done.merge(s47, on="child")
    m = m[m.s47_t < m.t_days].sort_values("s47_t").groupby(["child", "t_days"]).last().reset_index()
    assert len(m) > 50
    assert np.array_equal(m.value.to_numpy(), _wd(cal, m.s47_t, m.t_days))
    days = done.t_days.to_numpy()
    assert np.allclose(days % 1.0, 0.5)
    wd = np.asarray(cal.is_working_day)
    assert wd[days.astype(int)].all()
    assert done.t_days.value_counts().max() <= base.conferences.slots_per_working_day


def _visit_pairs(ev, stage):
    """Consecutive statutory visits of one child within one spell in ``stage``."""
    sub = ev[((ev.event == R.VISIT) & (ev.stage == S[stage])) | (ev.event == R.STAGE_START)]
    sub = sub.sort_values(["child", "t_days", "event"], kind="stable")
    sub = sub.assign(spell=(sub.event == R.STAGE_START).groupby(sub.child).cumsum())
    starts = sub[sub.event == R.STAGE_START].set_index(["child", "spell"])
    vis = sub[sub.event == R.VISIT].copy()
    vis["prev_t"] = vis.groupby(["child", "spell"]).t_days.shift()
    vis = vis.dropna(subset=["prev_t"])
    st = starts.loc[list(zip(vis.child, vis.spell))]
    vis["stage_start"] = (st.t_days - st.value).to_numpy()
    return vis


def test_cp_visits_are_due_every_20_working_days(events, cal):
    """stages.cp.visits.interval_wd: 20 (domain.md: CP visits every 20 working days): a visit's
    value is the working days since the last visit less 20 (late when above 0)."""
    v = _visit_pairs(events, "cp")
    assert len(v) > 1000
    assert np.array_equal(v.value.to_numpy(), _wd(cal, v.prev_t, v.t_days) - 20)
    # a visit arranged ahead (booked_lead_wd: 3) falls three working days before its deadline
    assert (v.value == -3).mean() > 0.2


def test_lac_visits_every_30_working_days_in_the_first_year_then_65(events, cal):
    """stages.lac.visits: interval 30 wd (6 weeks, Care Planning Regs 2010) for the first
    365 days in care, then 65 (later_interval_wd)."""
    v = _visit_pairs(events, "lac")
    later = (v.prev_t - v.stage_start) >= 365
    assert later.sum() > 200 and (~later).sum() > 200
    interval = np.where(later, 65, 30)
    assert np.array_equal(v.value.to_numpy(), _wd(cal, v.prev_t, v.t_days) - interval)


def test_working_day_deadlines_skip_englands_bank_holidays(cal, base):
    """calendar.working_days with England's holidays: from Friday 22 December 2017, the first
    working day is Wednesday 27 (Christmas and Boxing Day), and 45 working days run to the
    file's date counted without 1 January."""
    def t(d):
        return float((d - base.start_date).days)

    friday = t(dt.date(2017, 12, 22)) + 0.5
    assert cal.deadline(friday, 1) == t(dt.date(2017, 12, 27)) + 1.0
    # 45 working days from 22 Dec 2017: 27 Dec .. 28 Feb 2018 (1 Jan is a holiday)
    assert cal.deadline(friday, 45) == t(dt.date(2018, 2, 28)) + 1.0


# ------------------------------------------------------------------ caps
def test_a_workers_load_is_her_cases_cap_weights_and_a_court_case_weighs_one_and_a_half(base):
    """stages.court.cap_weight: 1.5: a worker's load against her cap is the sum of her cases'
    weights, a court case counting 1.5 (checked every week of a quarter)."""
    sim = Simulation(base, 6, 91.0)
    sim.start()
    court_seen = 0
    for t in range(7, 92, 7):
        sim.advance(float(t))
        for w in sim.workers:
            if w.left_at < np.inf:
                continue
            weights = [c.load_weight for c in w.cases]
            assert w.load == pytest.approx(sum(weights))
            for c in w.cases:
                want = base.stages[c.stage].cap_weight if c.stage else c.load_weight
                assert c.load_weight == pytest.approx(want)
                court_seen += c.stage == "court"
    assert court_seen > 100


def test_each_stage_routes_onward_with_the_files_shares(events, base):
    """stages.*.next: what follows the end of an assessment (the commonest stage end in half a
    year) is the file's shares, within sampling error."""
    ev = events[events.child >= 0].reset_index(drop=True)
    ev = ev.assign(i=np.arange(len(ev)))
    ends = ev[(ev.event == R.STAGE_END) & (ev.stage == S["assessment"])]
    nxt = ev[(ev.event == R.STAGE_START) | (ev.event == R.CLOSED)][
        ["i", "child", "event", "stage", "t_days"]].rename(
        columns={"event": "nev", "stage": "nst", "t_days": "nt"})
    m = pd.merge_asof(ends, nxt, on="i", by="child", direction="forward")
    m = m[m.nt == m.t_days]
    out = np.where(m.nev == R.CLOSED, "close",
                   [STAGES[int(s)] for s in m.nst.fillna(0)])
    assert len(out) > 1500
    shares = pd.Series(out).value_counts(normalize=True)
    for stage, p in base.stages["assessment"].next.items():
        assert shares.get(stage, 0.0) == pytest.approx(p, abs=0.035)


def test_a_stage_nobody_in_its_team_may_hold_waits_visibly_and_is_never_given_to_them(base):
    """A team staffed only by NQSWs in their ASYE year (court: nqsw_allowed false): court
    children wait unallocated (QUEUED) rather than go to an NQSW, even when managers allocate
    after a wait under pressure."""
    sc = base.replace({
        "teams.cp_court.staff": [{"type": "nqsw", "count": 6, "fte": 1.0, "months_qualified": 1}],
        "agency.enabled": False, "recruitment.enabled": False, "academy.intake_per_year": 0})
    run = simulate(sc, seed=3, years=0.1)
    ev = run.events
    nqsw_ids = run.workers[(run.workers.team == "cp_court") & (run.workers.type == "nqsw")].worker
    court = ev[ev.stage == S["court"]]
    assert not court[court.event == R.ALLOCATED].worker.isin(nqsw_ids).any()
    assert (court.event == R.QUEUED).sum() >= base.initial.open_cases["court"]
