"""The scenario explorer (issue 5): levers map onto scenario fields, and the widgets work without a
browser: set the controls, press Run, and the charts and the table update and reflect the lever."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.analysis.registry import KPIS
from workbench.experiment.executors import _ProgressExecutor
from workbench.present import tables
from workbench.present.explorer import Explorer
from workbench.decision.levers import (
    LEVERS, build_scenario, describe_levers, extra_recruitment, lever_values,
)
from workbench.scenario import (ScenarioError, load_scenario, load_scenario_files, project_root,
                                scenario_files)

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"


def content(sc):
    d = sc.to_dict()
    d.pop("name")
    d.pop("description")
    return d


# ------------------------------------------------------------------------------ levers
@pytest.mark.parametrize("path", scenario_files(SC), ids=lambda p: p.stem)
def test_controls_left_alone_give_the_starting_scenario(path):
    sc = load_scenario(path)
    same = build_scenario(sc, lever_values(sc), name="Copy")
    assert same.name == "Copy"
    assert content(same) == content(sc)
    assert describe_levers(sc, lever_values(sc)) == []


def test_each_lever_sets_its_scenario_field(baseline):
    sc = build_scenario(baseline, {
        "advert_success_pct": 30, "time_to_hire_weeks": 8,
        "academy_intake_per_year": 24, "academy_start_month": 9,
        "agency_cover_pct": 40, "agency_cap_pct": 10,
        "retention_payment_gbp": 3000, "retention_effect_pct": 25,
        "demand_change_pct": 20,
    }, years=2)
    assert sc.recruitment.success_pct == 30
    assert sc.recruitment.time_to_hire_weeks.mean == 8
    assert sc.recruitment.time_to_hire_weeks.cv == baseline.recruitment.time_to_hire_weeks.cv
    assert sc.academy.intake_per_year == 24 and sc.academy.start_month == 9
    assert sc.agency.cover_share_pct == 40 and sc.agency.cap_share_pct == 10
    assert sc.retention.enabled and sc.retention.payment_gbp_per_year == 3000
    assert sc.retention.turnover_reduction_pct == 25
    assert sc.retention.start_date == baseline.start_date
    assert sc.demand.referrals_per_year == pytest.approx(baseline.demand.referrals_per_year * 1.2)
    assert sc.recruitment.campaigns == ()  # no extra recruits asked for
    lines = describe_levers(baseline, lever_values(sc) | {"demand_change_pct": 20})
    assert "Academy places a year: 12 → 24" in lines
    assert any(l.startswith("Change in referrals (%): +20% (6,250 → 7,500 a year)") for l in lines)
    assert "Baseline with: " in sc.description


def test_switching_off_a_retention_payment_and_removing_an_agency_limit():
    ret = load_scenario(SC / "retention_payment.yaml")
    assert lever_values(ret)["retention_payment_gbp"] == 2000
    off = build_scenario(ret, {"retention_payment_gbp": 0})
    assert not off.retention.enabled
    red = load_scenario(SC / "agency_reduction.yaml")
    assert lever_values(red)["agency_cap_pct"] == 5
    assert build_scenario(red, {"agency_cap_pct": None}).agency.cap_share_pct is None


def test_extra_recruits_arrive_at_the_rate_asked_and_cost_what_they_cost(baseline):
    camps = extra_recruitment(dt.date(2017, 10, 31), 2, per_year=10, cost_each=20000)
    assert sum(c["hires"] for c in camps) == 20
    for year in range(2):  # every twelve months bring exactly ten
        months = [c for c in camps if year * 12 <= (c["start_date"].year - 2017) * 12
                  + c["start_date"].month - 10 < (year + 1) * 12]
        assert sum(c["hires"] for c in months) == 10
    assert all(c["cost_gbp"] == 20000 * c["hires"] for c in camps)
    assert sum(c["hires"] for c in extra_recruitment(dt.date(2017, 10, 31), 0.5, 10, 0)) == 5
    sc = build_scenario(baseline, {"extra_recruits_per_year": 10, "cost_per_extra_recruit_gbp": 15000},
                        years=1)
    assert sum(c.hires for c in sc.recruitment.campaigns) == 10
    assert sum(c.cost_gbp for c in sc.recruitment.campaigns) == 150000
    # a scenario's own campaigns are kept; extra recruits come on top
    drive = load_scenario(SC / "recruitment_drive.yaml")
    more = build_scenario(drive, {"extra_recruits_per_year": 12}, years=1)
    assert more.recruitment.campaigns[0] == drive.recruitment.campaigns[0]
    assert sum(c.hires for c in more.recruitment.campaigns) == 20 + 12


def test_bad_controls_fail_with_plain_messages(baseline):
    with pytest.raises(ScenarioError, match="unknown control"):
        build_scenario(baseline, {"academy_places": 3})
    with pytest.raises(ScenarioError, match="above -100%"):
        build_scenario(baseline, {"demand_change_pct": -100})


def test_every_lever_has_a_label_and_a_description():
    assert {lv.key for lv in LEVERS} == set(lever_values(load_scenario(SC / "baseline.yaml")))
    for lv in LEVERS:
        assert lv.label and len(lv.help) > 40
        assert "_" not in lv.label  # plain English, no field names


def test_scenario_files_put_the_baseline_first_and_load_from_anywhere(tmp_path, monkeypatch):
    files = scenario_files(SC)
    assert files[0].name == "baseline.yaml" and len(files) >= 7
    monkeypatch.chdir(ROOT / "notebooks")
    assert project_root() == ROOT
    scs, paths = load_scenario_files(["scenarios/baseline.yaml", "scenarios/demand_surge.yaml"])
    assert list(scs) == ["Baseline", "Demand surge"]
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario_files(["scenarios/nope.yaml"])


# ------------------------------------------------------------------------------ tables
def test_table_formatting_and_readings():
    assert tables.format_value("pct", 91.84) == "91.8%"
    assert tables.format_value("pct", -2.5, sign=True) == "-2.5 pts"
    assert tables.format_value("gbp_m", 13_830_000) == "£13.83m"
    assert tables.format_value("gbp_m", 250_000, sign=True) == "+£0.25m"
    assert tables.format_value("count", float("nan")) == "n/a"
    assert tables.reading(2, 1, 3, +1) == "better"
    assert tables.reading(2, 1, 3, -1) == "worse"
    assert tables.reading(2, -1, 3, -1) == "no clear change"
    assert tables.reading(-2, -3, -1, 0) == "lower"
    # a clear but tiny difference, smaller than the last digit shown, is not called better or
    # worse: the tables would show "+0.0 pts (0.0 to 0.0), better" (found: paired runs told
    # apart 0.006 pts of assessments within 45 working days)
    pct = KPIS["assessment_within_45wd_pct"]
    assert pct.resolution == pytest.approx(0.1)
    assert KPIS["cost_per_year_gbp"].resolution == pytest.approx(10_000)
    assert tables.reading(0.006, 0.0034, 0.0094, +1, pct.resolution) == "too small to show"
    assert tables.reading(-0.006, -0.0094, -0.0034, +1, pct.resolution) == "too small to show"
    # +0.04 shows as +0.0 (its range reaches 0.1): "better" beside +0.0 contradicted the table
    # (round 9); +0.06 shows as +0.1
    assert tables.reading(0.04, 0.01, 0.07, +1, pct.resolution) == "too small to show"
    assert tables.reading(0.06, 0.01, 0.09, +1, pct.resolution) == "better"
    assert tables.reading(0.006, -0.001, 0.01, +1, pct.resolution) == "no clear change"
    assert tables.reading(0.006, 0.0034, 0.0094, +1) == "better"  # no resolution given
    html = tables.table_html(pd.DataFrame({"Measure": ["a", "b"], "Reading": ["better", "worse"]}))
    assert "color:#1a7f37" in html and "color:#b42318" in html


# ------------------------------------------------------------------------------ the widgets
@pytest.fixture(scope="module")
def explorer():
    ex = Explorer(executor="serial", replications=2, years=0.5, seed=3)
    yield ex
    ex.close()


def academy_fte(exp, label):
    ts = exp.timeseries
    return float(ts.loc[ts.scenario == label, "fte_academy"].mean())


def test_run_button_without_changes_shows_the_starting_scenario(explorer):
    assert not explorer.changed()
    assert "No changes yet" in explorer.changes_note.value
    explorer.run_button.click()
    assert explorer.last_error is None, explorer.last_error
    exp = explorer.exp
    assert list(exp.scenarios) == ["Baseline"] and exp.replications == 2
    assert "Done in" in explorer.status.value
    assert explorer.progress.value == explorer.progress.max == 2
    # charts are drawn when their tab is opened: the summary comes first
    assert "workforce" not in explorer._figures
    explorer.results.selected_index = explorer.results.titles.index("Workforce")
    assert explorer._tab_images["Workforce"]["workforce"].value[:4] == b"\x89PNG"
    explorer.results.selected_index = 0
    for name in ("timeliness", "unallocated", "caseloads", "workforce", "sw_changes",
                 "sw_changes_over_time", "cost"):
        assert explorer.figures[name][:8] == b"\x89PNG\r\n\x1a\n", name
    assert list(explorer.table.columns) == ["Measure", "Baseline: average (95% range)"]
    summary = explorer._tab_html["Summary"].value
    assert "Assessments finished within 45 working days" in summary and "<table" in summary
    assert explorer._tab_images["Workforce"]["workforce"].value == explorer.figures["workforce"]


def test_moving_the_academy_lever_shows_more_academy_staff(explorer):
    before = dict(explorer.figures)
    explorer.controls["academy_intake_per_year"].value = 40
    explorer.controls["academy_start_month"].value = 1  # January: inside the half-year simulated
    assert explorer.changed()
    assert "Academy places a year: 12 → 40" in explorer.changes_note.value
    explorer.run_button.click()
    assert explorer.last_error is None, explorer.last_error
    exp = explorer.exp
    assert list(exp.scenarios) == ["Baseline", "Your scenario"]
    assert exp.scenarios["Your scenario"].academy.intake_per_year == 40
    # common random numbers: the same seeds in both scenarios
    seeds = exp.kpis.pivot(index="replication", columns="scenario", values="seed")
    assert (seeds["Baseline"] == seeds["Your scenario"]).all()
    # the starting scenario's runs were kept: only the two new runs were simulated
    assert explorer.progress.max == 2 and "reused" in explorer.status.value
    assert academy_fte(exp, "Your scenario") > academy_fte(exp, "Baseline") + 10
    assert explorer.figures["workforce"] != before["workforce"]
    assert "caseload_mean" in explorer.figures  # the two scenarios' averages, with bands
    table = explorer.table.set_index("Measure")
    assert list(table.columns) == ["Baseline", "Your scenario", "Difference",
                                   "95% CI of the difference", "Reading"]
    assert table.loc["Workforce cost a year", "Difference"].startswith("+£")
    summary = explorer._tab_html["Summary"].value
    assert "Academy places a year: 12 → 40" in summary and "95% CI" in summary


def test_limiting_agency_staff_lowers_the_agency_share(explorer):
    explorer.reset()
    assert not explorer.changed()
    explorer.set_levers(agency_cap_pct=0)
    explorer.run_button.click()
    assert explorer.last_error is None, explorer.last_error
    k = explorer.exp.kpis.groupby("scenario")["agency_share_pct"].mean()
    assert k["Your scenario"] < k["Baseline"]
    row = explorer.table.set_index("Measure").loc["Agency workers (share of all social workers)"]
    assert row["Difference"].startswith("-")


def test_picking_a_scenario_resets_the_controls_to_it(explorer):
    explorer.pick("Academy expansion")
    assert explorer.base.name == "Academy expansion"
    assert explorer.controls["academy_intake_per_year"].value == 24
    assert not explorer.changed()
    assert "(The results below are for earlier settings: press Run.)" in explorer.changes_note.value
    explorer.pick("Agency reduction")
    assert explorer.levers()["agency_cap_pct"] == 5
    explorer.pick("Baseline")
    assert explorer.levers() == lever_values(explorer.base)


def test_a_bad_setting_is_reported_in_the_status_line_not_raised(explorer):
    explorer.reset()
    explorer.set_levers(demand_change_pct=-100)
    explorer.run_button.click()  # must not raise
    assert "Could not run" in explorer.status.value and "-100" in explorer.status.value
    assert not explorer.run_button.disabled
    explorer.reset()


def test_the_process_pool_reports_progress_as_runs_finish():
    ex = _ProgressExecutor("process", max_workers=2)
    done = []
    ex.on_done = lambda: done.append(1)
    try:
        futs = [ex.submit(pow, 2, k) for k in range(5)]
        assert [f.result(timeout=60) for f in futs] == [1, 2, 4, 8, 16]
        assert len(done) == 5
        bad = ex.submit(divmod, 1, 0)
        with pytest.raises(ZeroDivisionError):
            bad.result(timeout=60)
        assert len(done) == 6
    finally:
        ex.shutdown()


def test_explorer_on_the_process_pool():
    ex = Explorer(executor="process", max_workers=2, replications=2, years=0.25, seed=1)
    try:
        ex.set_levers(demand_change_pct=30)
        exp = ex.run()
        assert exp.kpis.groupby("scenario").size().to_dict() == {"Baseline": 2, "Your scenario": 2}
        ref = exp.kpis.groupby("scenario")["referrals_per_year"].mean()
        assert ref["Your scenario"] > ref["Baseline"] * 1.15
        assert ex.progress.value == ex.progress.max == 4
        assert np.isfinite(ex.last_run_s)
    finally:
        ex.close()
