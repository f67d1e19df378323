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


# ------------------------------------------------------------------ 3. KPIs from the event log
@pytest.fixture(scope="module")
def quarter():
    """A quarter-year of the baseline (shared): its run record and KPIs."""
    from workbench import simulate

    return simulate(BASE, seed=2, years=0.25)


def _working_days(start_date, t0, t1):
    """Working days after the day of t0 up to and including the day of t1 (England's bank
    holidays), counted here with numpy, not the model's calendar."""
    import holidays

    start = np.datetime64(start_date, "D")
    hol = np.array(sorted(holidays.country_holidays(
        "GB", subdiv="ENG", years=range(start_date.year, start_date.year + 2))), "datetime64[D]")
    d0 = start + np.floor(t0).astype(int)
    d1 = start + np.floor(t1).astype(int)
    return np.busday_count(d0 + 1, d1 + 1, holidays=hol)


def test_kpis_recomputed_from_the_event_log(quarter):
    from workbench.model import log as R
    from workbench.scenario import STAGES

    run = quarter
    ev, k, end = run.events, run.kpis, run.horizon_days
    e, t, c, v = ev.event.to_numpy(), ev.t_days.to_numpy(), ev.child.to_numpy(), ev.value.to_numpy()
    refs = pd.DataFrame({"c": c[e == R.REFERRAL], "tr": t[e == R.REFERRAL]}).sort_values("tr")
    # front-door decisions: working days from the referral, counted here
    dec = pd.DataFrame({"c": c[e == R.DECISION], "t": t[e == R.DECISION]}).sort_values("t")
    m = pd.merge_asof(dec, refs, left_on="t", right_on="tr", by="c")
    wd = _working_days(run.scenario.start_date, m.tr.to_numpy(), m.t.to_numpy())
    assert k["referral_decision_within_1wd_pct"] == pytest.approx(100 * np.mean(wd <= 1))
    # assessments referred inside the run: 45 working days of the referral, counted here
    done = (e == R.TASK_DONE) & (ev.stage.to_numpy() == STAGES.index("assessment"))
    a = pd.DataFrame({"c": c[done], "t": t[done], "v": v[done]}).sort_values("t")
    a = pd.merge_asof(a, refs, left_on="t", right_on="tr", by="c").dropna(subset=["tr"])
    assert len(a) > 100
    assert (_working_days(run.scenario.start_date, a.tr.to_numpy(), a.t.to_numpy())
            == a.v.to_numpy()).all()
    # children waiting: walked through the log in its order
    waiting, level, area, last, peak = set(), 0, 0.0, 0.0, 0
    for ee, tt, ch in zip(e, t, c):
        if ee not in (R.QUEUED, R.ALLOCATED, R.CLOSED, R.CENSORED):
            continue
        area, last = area + level * (tt - last), tt
        if ee == R.QUEUED and ch not in waiting:
            waiting.add(ch)
            level += 1
        elif ee != R.QUEUED and ch in waiting:
            waiting.discard(ch)
            level -= 1
        peak = max(peak, level)
    area += level * (end - last)
    assert k["unallocated_mean"] == pytest.approx(area / end)
    assert k["unallocated_peak"] == peak
    assert k["referrals_per_year"] == pytest.approx(np.sum(e == R.REFERRAL) / (end / 365.25))
    # pay: each spell of the workers table (a worker and a type she held: graduates and newly
    # qualified staff become experienced) at her type's weekly rate, with the costs beyond pay
    rate = run.scenario.costs.gbp_per_fte_week
    spells = run.workers
    pay = float(np.sum(spells.fte * (spells.left_days - spells.joined_days) / 7
                       * spells.type.map(rate)))
    assert k["cost_gbp"] == pytest.approx(pay + run.record.costs.gbp.sum())
    joined = ev[e == R.WORKER_JOINED]
    assert set(joined.worker) == set(spells.worker)


def test_the_allocation_wait_says_what_it_averages(quarter):
    # it averages every allocation, 0 days for those made at once; with no warm-up it included
    # each case open at the start (a third or more of a quarter's allocations), which its
    # description ("average over allocations") did not say. Since session 18 (the lead) the
    # warm start's placements at time 0 are left out, and the description says so.
    from workbench.analysis.registry import KPIS
    from workbench.model import log as R

    ev = quarter.events
    al = ev[(ev.event == R.ALLOCATED) & (ev.value >= 0)]
    snap = set(ev.child[ev.event == R.SNAPSHOT])
    at_start = al[(al.t_days == 0) & al.child.isin(snap)]
    assert len(at_start) > len(al) / 3 and (at_start.value == 0).all()
    rest = al.drop(at_start.index)
    assert quarter.kpis["allocation_wait_mean_days"] == pytest.approx(rest.value.mean())
    said = KPIS["allocation_wait_mean_days"].description
    assert "0 for one made at once" in said and "open at the start are placed" in said
    assert "not counted" in said and "still waiting at the end are left out" in said


def test_the_changes_of_social_worker_say_a_new_worker_after_a_closure_counts(quarter):
    from workbench.analysis.registry import KPIS
    from workbench.model import log as R

    ev = quarter.events
    sub = ev[ev.event.isin([R.SW_CHANGE, R.CLOSED, R.ALLOCATED])]
    closed, after_closure, n = set(), set(), 0
    for ee, ch in zip(sub.event, sub.child):
        if ee == R.CLOSED:
            closed.add(ch)
        elif ee == R.ALLOCATED:
            (after_closure.add if ch in closed else after_closure.discard)(ch)
            closed.discard(ch)
        elif ch in after_closure:
            n += 1
    assert n > 0   # counted among the changes
    assert "re-referred after her case closed who gets a new worker counts one" in \
        KPIS["sw_changes_per_child_year"].description


def test_run_says_one_year_not_one_years(tmp_path, capsys):
    from workbench.cli.main import main

    assert main(["run", "scenarios/baseline.yaml", "--years", "1", "--out", str(tmp_path)]) == 0
    assert "one replication, seed 0, 1 year from " in capsys.readouterr().out


def test_the_caseload_says_whose_fte_it_divides_by(quarter):
    # cases over the FTE of every case-holding worker in post, agency staff and staff on
    # long-term absence (who hold no cases) included: the weekly ratio times that FTE is a whole
    # number of cases every week; the description did not say who counts
    from workbench.analysis.registry import KPIS

    ts, spells = quarter.timeseries, quarter.workers
    holding = spells[spells.team != "first_contact"]
    assert (holding.type == "agency").any()
    for t, per_fte in zip(ts.t_days, ts.caseload_per_fte):
        fte = holding[(holding.joined_days <= t) & (holding.left_days > t)].fte.sum()
        assert per_fte * fte == pytest.approx(round(per_fte * fte), abs=1e-6)
    assert "agency staff and staff on long-term absence count in the FTE" in \
        KPIS["caseload_mean"].description


def test_a_sequential_rule_on_a_measure_counted_over_whole_years_is_refused_before_any_run(
        monkeypatch):
    # over less than a year no replication has a value: the rule ran to its maximum (50 runs
    # of every scenario by default) and stopped as "max_replications"
    import workbench.experiment.run as er

    monkeypatch.setattr(er, "simulate", never)   # the real model's name, which must not run
    rule = Sequential(kpis=["unallocated_mean", "lac_3plus_sw_pct"])
    with pytest.raises(ValueError, match=r"Sequential: looked-after children with 3\+ social "
                       r"workers in a year \(lac_3plus_sw_pct\) is counted over whole years, and "
                       r"0\.918 years measured after the warm-up of 30 days is less than one "
                       r"for 'Baseline', .* maximum of 50 replications"):
        run_experiment({"Baseline": BASE}, rule, years=1, warmup_days=30, executor="serial",
                       out=None, progress=False, simulate_fn=never)
