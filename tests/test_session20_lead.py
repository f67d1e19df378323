"""Session 20, the lead.

1. Statutory visits to children in care proceedings and to looked-after children were in no KPI:
   ``cp_visits_on_time_pct`` counts the child protection stage only, so a service whose court
   team visited 1 child in 10 on time read as well as one visiting all of them (the baseline's
   court visits: 6-13% on time in two years, the England-average file's 9-17%, while its CP
   visits were 96% on time). ``court_visits_on_time_pct`` and ``lac_visits_on_time_pct`` count
   them, as the CP one does: a visit made by its deadline is on time; a late visit and one still
   due when the plan or the run ended are late.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from workbench.analysis.kpis import VISIT_KPIS
from workbench.analysis.registry import KPIS
from workbench.analysis.run import simulate
from workbench.model import log as R
from workbench.scenario import STAGES
from conftest import SCENARIOS as SCENARIOS_DIR


@pytest.fixture(scope="module")
def run(baseline_raw):
    from conftest import small_from_baseline
    from workbench.scenario import validate_scenario
    sc = validate_scenario(small_from_baseline(baseline_raw, 0.25, 1.0), source="<small>")
    return simulate(sc, 3)


def _by_hand(ev, stage: str) -> float:
    s = STAGES.index(stage)
    done = ev[(ev.event == R.VISIT) & (ev.stage == s)].value.to_numpy()
    missed = int(((ev.event == R.VISIT_MISSED) & (ev.stage == s)).sum())
    return 100.0 * float(np.sum(done <= 0)) / (len(done) + missed)


@pytest.mark.parametrize("stage", ["cp", "court", "lac"])
def test_each_visiting_stage_has_its_kpi_counted_from_the_log(run, stage):
    name = VISIT_KPIS[stage]
    ev = run.record.events
    assert 0 < run.kpis[name] < 100 or stage != "court"
    assert run.kpis[name] == pytest.approx(_by_hand(ev, stage), abs=1e-9)
    assert name in KPIS and KPIS[name].better == +1 and KPIS[name].fmt == "pct"


def test_court_visits_are_counted_apart_from_child_protection():
    # the defect's shape: in the England-average file the court team's visits are late while
    # the CP team's are on time, and only the CP ones had a measure (a year: 0.3% against 96%)
    from workbench import load_scenario
    from conftest import SCENARIOS
    k = simulate(load_scenario(SCENARIOS / "england_average.yaml"), 1, years=1).kpis
    assert k["cp_visits_on_time_pct"] > 90
    assert k["court_visits_on_time_pct"] < 50


def test_a_stage_without_visits_has_no_value(small):
    sc = small(years=0.25)
    r = simulate(sc.replace({"stages.court.visits": None}), 1)
    assert sc.stages["court"].visits is not None
    assert math.isnan(r.kpis["court_visits_on_time_pct"])
    assert not math.isnan(r.kpis["lac_visits_on_time_pct"])


# 2. H83 (round 16): a recruitment campaign with no hires and a cost was in the cost with no
#    warm-up (the model charges it whole on its first day) and left out with any warm-up: a
#    GBP 400,000 campaign moved the cost a year from GBP 14.53m to 13.70m with a 1-day warm-up.
def test_a_campaign_with_no_hires_costs_the_same_whatever_the_warm_up(small):
    from workbench.analysis.kpis import campaign_cost, costs_in_window
    from workbench.analysis.run import Run
    sc = small(years=0.5)
    start = sc.start_date + dt.timedelta(days=40)
    sc = sc.replace({"recruitment.campaigns": [
        {"name": "Drive", "start_date": start, "end_date": start + dt.timedelta(days=300),
         "hires": 0, "cost_gbp": 400000}]})
    r = simulate(sc, 1)
    recorded = float(r.record.costs.query("category == 'campaigns'").gbp.sum())
    assert recorded == 400000
    assert campaign_cost(sc, 1.0, 180.0) == 400000       # its first day (40) is measured
    assert campaign_cost(sc, 41.0, 180.0) == 0           # ... or not
    for warm in (0, 1, 30):
        k = Run.from_record(r.record, warm).kpis
        assert costs_in_window(r.record.costs, float(warm), r.record.horizon_days, sc) >= 400000
        assert k["cost_gbp"] > 0


# 3. H83 (round 16): scenario words the model did not keep.
def _variant(tmp_path, body: str):
    (tmp_path / "baseline.yaml").write_text(
        (SCENARIOS_DIR / "baseline.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    p = tmp_path / "v.yaml"
    p.write_text("base: baseline.yaml\nname: V\n" + body, encoding="utf-8")
    return p


@pytest.mark.parametrize("weeks", ["2.5", "6.5", "0.5"])
def test_a_round_interval_of_part_weeks_is_refused(tmp_path, capsys, weeks):
    # before: 2.5 ran every 2 weeks, 6.5 every 6 (rounded half to even), 0.5 every week: OK
    from conftest import validate_says
    p = _variant(tmp_path, f"recruitment: {{round_interval_weeks: {weeks}}}\n")
    validate_says(p, "recruitment.round_interval_weeks", capsys)
    validate_says(p, "a whole number of weeks", capsys)


def _notes(path, capsys) -> str:
    from workbench.cli import main
    assert main(["validate", str(path)]) == 0
    return capsys.readouterr().out + capsys.readouterr().err


def test_agency_staff_at_the_start_who_would_never_leave_are_noted(tmp_path, capsys):
    # before: agency cover off with the baseline's agency turnover of 0 kept its agency staff for
    # the whole run, paid at the agency rate, and validate said OK
    p = _variant(tmp_path, "agency: {enabled: false}\n")
    said = _notes(p, capsys)
    assert "workforce.turnover_pct_per_year.agency: the agency workers in post at the start" in said
    assert "stay for the whole run" in said


def test_an_agency_turnover_rate_that_is_not_used_is_noted(tmp_path, capsys):
    p = _variant(tmp_path, "workforce: {turnover_pct_per_year: {experienced: 15, nqsw: 18, "
                           "academy: 8, agency: 40}}\n")
    said = _notes(p, capsys)
    assert "workforce.turnover_pct_per_year.agency: 40 is not used" in said
    # the bundled files say nothing of either
    for name in ("baseline.yaml", "england_average.yaml", "agency_reduction.yaml"):
        assert "turnover_pct_per_year.agency" not in _notes(SCENARIOS_DIR / name, capsys)


def test_turnover_is_described_as_the_model_uses_it():
    from workbench.scenario.policies import Workforce
    text = Workforce.model_fields["turnover_pct_per_year"].description
    assert "-ln(1 - p)" in text and "16.2 leavers a year per FTE" in text


# 4. H85 (round 16): a referral while the same child's earlier episode was still open was read
#    in silence, the child counted twice among open cases.
def test_episodes_beginning_while_the_childs_earlier_one_is_open_are_counted_in_a_note():
    import pandas as pd

    from workbench.calibration.extracts.cases import CaseData
    from workbench.calibration.plausibility import note_episodes_overlapping
    nan = float("nan")
    ep = pd.DataFrame({"child": [0, 0, 1, 1, 2, 2, 3],
                       "referral": [10.0, 50.0, 10.0, 30.0, 10.0, 90.0, 5.0],
                       "closure": [nan, nan, 40.0, 60.0, 80.0, nan, nan]})
    # child 0: a second referral with the first never closed; child 1: referred at 30 while
    # open to 40; child 2: referred again after closing (fine); child 3: one episode
    notes: list[str] = []
    note_episodes_overlapping(notes, CaseData(episodes=ep, stages=pd.DataFrame(), source="c.csv"))
    assert notes == [
        "c.csv: 2 referral episode(s) of 2 child(ren) begin while the same child's earlier "
        "episode is still open (no CINclosureDate, or one after the new CINreferralDate): each "
        "is counted as an open case of its own, so open cases and caseloads may read high by up "
        "to 2. A referral while a case is open is usually recorded on the open episode: were "
        "closures recorded late, or episodes copied?"]
    clean = ep[ep.child >= 2]
    notes = []
    note_episodes_overlapping(notes, CaseData(episodes=clean, stages=pd.DataFrame(), source="c"))
    assert notes == []


def test_the_bundled_sample_has_no_overlapping_episodes():
    from workbench.calibration import read_extracts
    from workbench.calibration.plausibility import note_episodes_overlapping
    from conftest import ROOT
    cases, _ = read_extracts(ROOT / "data" / "sample" / "cases.csv",
                             ROOT / "data" / "sample" / "workforce.csv")
    notes: list[str] = []
    note_episodes_overlapping(notes, cases)
    assert notes == []


# 5. H89 (round 16): dates in the report with a leading zero ("09 January 2018") beside the
#    warm-up sentence's "9 January 2018"
def test_report_dates_have_no_leading_zero(monkeypatch):
    import datetime as _dt
    from types import SimpleNamespace

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from workbench.present import report_page, report_sections

    class Day(_dt.date):
        @classmethod
        def today(cls):
            return cls(2026, 12, 2)
    monkeypatch.setattr(report_page.dt, "date", Day)
    head = report_page.masthead_html("Paper", "Council")
    assert "2 December 2026" in head and "02 December" not in head
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    start = _dt.date(2018, 1, 1)
    r = SimpleNamespace(warmup=SimpleNamespace(days=8),
                        exp=SimpleNamespace(scenarios={"b": SimpleNamespace(start_date=start)}),
                        design=SimpleNamespace(baseline="b"))
    said = report_sections.shade_warmup(fig, r)
    plt.close(fig)
    assert "(to 9 January 2018)" in said, said     # was "(to 09 January 2018)"


# 6. H87 (round 16): a Dask cluster whose workers all died without being restarted (a worker
#    ending with an exit status is not always restarted) left the experiment waiting for ever
#    with no word; its pending replications are now reported as failed once the cluster has
#    had no worker for NO_WORKER_WAIT seconds.
def test_a_dask_cluster_with_no_worker_left_fails_the_pending_jobs_instead_of_waiting(
        monkeypatch):
    import distributed

    from workbench.experiment import executors as X
    from workbench.experiment.isolation import WorkerDied

    class Pending:
        def __init__(self, key, done=False):
            self.key, self._done = key, done

        def done(self):
            return self._done

    class Client:
        workers: dict = {}

        def scheduler_info(self):
            return {"workers": self.workers}

    def wait(fs, timeout=None, return_when=None):
        raise TimeoutError

    monkeypatch.setattr(distributed, "wait", wait)
    monkeypatch.setattr(X, "NO_WORKER_WAIT", 0.05)
    monkeypatch.setattr(X, "_DASK_POLL", 0.01)
    dask = X._Dask.__new__(X._Dask)
    dask.client = Client()
    futures = [Pending("a", done=True), Pending("b"), Pending("c")]
    got = list(dask._as_done(futures))        # before: waited for ever
    assert [(f.key, e) for f, e in got][0] == ("a", None)
    assert [f.key for f, _ in got[1:]] == ["b", "c"]
    assert all(isinstance(e, WorkerDied) and "no worker left" in str(e) for _, e in got[1:])
    # a cluster with a worker is not given up on: the jobs finish when their worker is done
    dask.client.workers = {"tcp://w": {}}
    later = Pending("d")
    polls = []

    def wait_then_done(fs, timeout=None, return_when=None):
        polls.append(1)
        if len(polls) >= 3:
            later._done = True
        raise TimeoutError

    monkeypatch.setattr(distributed, "wait", wait_then_done)
    assert [(f.key, e) for f, e in dask._as_done([later])] == [("d", None)]
    assert len(polls) == 3
