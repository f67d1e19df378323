"""Round 15's leftovers (H82): a --scale that rounds the fictional authority to nothing, the same
file given as --cases and --workforce, an academy's first intake on the run's last (part) day
said to be after it, and a plan target every plan meets typed in the app."""

from __future__ import annotations

import html
import re
import shutil

import pytest

from workbench.cli import main
from workbench.present.app import App
from workbench.scenario import load_scenario
from workbench.scenario.checks import inert_dates

from conftest import SCENARIOS, team_folder

BASELINE = SCENARIOS / "baseline.yaml"


# ------------------------------------------------------------------ synthesize --scale
@pytest.mark.parametrize("scale, lost", [
    # before: "<fictional scenario>: 1 problem(s) ... demand.referrals_per_year: Input should be
    # greater than 0 (got 0)", naming neither --scale nor what would do
    ("1e-9", "demand.referrals_per_year (6,250 a year) to no referrals"),
    # before: written, with teams of 0 funded posts (12 FTE x 0.004 rounds to 0.0)
    ("0.004", "teams.disability.establishment_fte (12) to no funded posts"),
])
def test_a_scale_that_rounds_the_authority_to_nothing_is_refused(tmp_path, capsys, scale, lost):
    out = tmp_path / "syn"
    assert main(["synthesize", "--out", str(out), "--scale", scale, "--years", "0.05"]) == 2
    err = capsys.readouterr().err
    assert f"--scale: {float(scale):g} is too small for the template baseline.yaml" in err
    assert lost in err and "Give --scale 0.0042 or more" in err
    assert "<fictional scenario>" not in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("scale", ["50", "1e308"])
def test_a_scale_past_a_scenarios_limits_is_refused_naming_the_largest(tmp_path, capsys, scale):
    # before: 50 said "<fictional scenario>: 2 problem(s) ... demand.referrals_per_year: must be
    # at most 250,000 ... (got 312500)"; 1e308 a traceback (OverflowError: cannot convert float
    # infinity to integer)
    out = tmp_path / "syn"
    assert main(["synthesize", "--out", str(out), "--scale", scale, "--years", "0.05"]) == 2
    err = capsys.readouterr().err
    assert f"--scale: {float(scale):g} is too large for the template baseline.yaml" in err
    assert "Give --scale 40 or less" in err   # 6,250 referrals x 40 = 250,000, the limit
    assert "<fictional scenario>" not in err and "Traceback" not in err and not out.exists()


def test_a_window_that_starts_before_the_calendar_names_years(tmp_path, capsys):
    # before: "<fictional scenario>: start_date: must be between 2000-01-01 and 2100-12-31 ...
    # (got 1995-04-01)" for a --years its help allows ("at most 30")
    out = tmp_path / "syn"
    assert main(["synthesize", "--out", str(out), "--years", "30"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --years: 30 years of synthetic data") and "start_date" in err
    assert re.search(r"Give --years \d+ or less", err), err
    assert "<fictional scenario>" not in err and not out.exists()


def test_the_smallest_scale_said_is_one_that_works(tmp_path, capsys):
    assert main(["synthesize", "--out", str(tmp_path / "syn"), "--scale", "0.0042",
                 "--years", "0.05"]) == 0
    assert "Wrote synthetic extracts" in capsys.readouterr().out


# ------------------------------------------------------------------ calibrate: one file twice
def test_the_same_file_for_cases_and_workforce_is_said_at_once(tmp_path, capsys):
    cases = tmp_path / "cases.csv"
    shutil.copy(SCENARIOS.parent / "data" / "sample" / "cases.csv", cases)
    link = tmp_path / "roster.csv"
    try:
        link.symlink_to(cases)
    except OSError:
        link = cases
    for other in (cases, link, tmp_path / "." / "cases.csv"):
        argv = ["calibrate", "--cases", str(cases), "--workforce", str(other),
                "--out", str(tmp_path / "fit.yaml"), "--report-dir", str(tmp_path / "rep"),
                "--no-backtest"]
        assert main(argv) == 2
        err = capsys.readouterr().err
        # before: the roster's missing columns, listed under cases.csv's name
        assert f"--cases and --workforce both name {cases}" in err, err
        assert "missing" not in err and "Traceback" not in err
    assert not (tmp_path / "fit.yaml").exists()


# ------------------------------------------------------------------ the academy's first intake
def test_a_first_intake_date_on_the_last_part_day_of_the_run_is_not_noted():
    sc = load_scenario(BASELINE).replace({"academy.first_intake_date": "2018-05-01"})
    # before: "2018-05-01 is after the run ends (2018-05-01)" for a half-year run (182.625
    # days), in which the model takes that intake on day 182
    assert inert_dates(sc, 0.5 * 365.25) == []
    assert inert_dates(sc, 0.49 * 365.25) == [
        "academy.first_intake_date: 2018-05-01 is after the run ends (2018-04-27), so it has "
        "no effect in this run"]


# ------------------------------------------------------------------ the app: a target at the edge
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = team_folder(tmp_path_factory.mktemp("app"), names=("baseline.yaml",))
    a = App(scenarios_dir=folder, executor="serial", replications=2, years=0.05, seed=1)
    yield a
    a.close()


@pytest.mark.parametrize("name, op, value, said", [
    # a new row starts at "at least 0": before, the search refused it once started, as
    # "target assessment_within_45wd_pct>=0: ..."
    ("assessment_within_45wd_pct", ">=", 0.0,
     "Assessments finished within 45 working days: it is never below 0.0%, so a target of at "
     "least 0 is met by every plan"),
    ("assessment_within_45wd_pct", "<=", 100.0, "give a target below 100 (%)"),
    ("unallocated_mean", ">=", 0.0, "give a target above 0 (children)"),
    # a row asking for a worse value, alone on its measure (session 19, the lead): the search
    # ran, chose the plan making it worse, and said so after, in the command line's words
    # ("give unallocated_mean<=20")
    ("unallocated_mean", ">=", 20.0,
     "Target row 2: Children waiting for a social worker (average) at least 20 asks for more, "
     "where lower is better, so the cheapest plan meeting it would make it worse"),
    ("icpc_within_15wd_pct", "<=", 70.0, "at most 70.0% asks for less, where higher is better"),
])
def test_a_target_no_plan_should_be_searched_for_is_refused_in_the_pages_words(app, name, op,
                                                                               value, said):
    measure, comparison, threshold = app.plan_targets[1]
    measure.value = name
    comparison.value, threshold.value = op, value
    try:
        assert app.find_plan(max_trials=1) is None
        status = app.plan_status.value
        assert "Not searched:" in status and said in status, status
        assert name not in status and "&gt;=" not in status
    finally:
        measure.value = ""


def test_a_target_at_the_bottom_of_a_lower_is_better_measure_is_kept(app):
    measure, comparison, threshold = app.plan_targets[1]
    measure.value = "unallocated_mean"
    comparison.value, threshold.value = "<=", 0.0
    try:
        targets, _ = app.plan_settings()
        assert "unallocated_mean<=0.0" in targets
    finally:
        measure.value = ""


@pytest.mark.parametrize("rows, said", [
    # before: "target assessment_within_45wd_pct>= is given twice; give each once"
    ([("assessment_within_45wd_pct", ">=", 80.0), ("assessment_within_45wd_pct", ">=", 90.0)],
     "Target rows 1 and 2 both set Assessments finished within 45 working days 'at least'; "
     "keep one (choose (no target) in the other)"),
    # before: "targets assessment_within_45wd_pct>=90 and assessment_within_45wd_pct<=80
    # contradict each other: ..."
    ([("assessment_within_45wd_pct", ">=", 90.0), None,
      ("assessment_within_45wd_pct", "<=", 80.0)],
     "Target rows 1 and 3: Assessments finished within 45 working days cannot be at least "
     "90.0% and at most 80.0%, so no plan meets both"),
])
def test_two_target_rows_that_clash_are_refused_naming_the_rows(app, rows, said):
    try:
        for (measure, comparison, threshold), row in zip(app.plan_targets, rows):
            measure.value = row[0] if row else ""
            if row:
                comparison.value, threshold.value = row[1], row[2]
        assert app.find_plan(max_trials=1) is None
        status = app.plan_status.value
        assert "Not searched:" in status and said in html.unescape(status), status
        assert "_pct" not in status and "'at least'" not in status   # escaped for the page
    finally:
        app.plan_targets[0][0].value = "assessment_within_45wd_pct"
        app.plan_targets[0][1].value, app.plan_targets[0][2].value = ">=", 85.0
        for measure, _, _ in app.plan_targets[1:]:
            measure.value = ""


def test_at_least_and_at_most_the_same_value_stand_together(app):
    # (also: the "at most" row is half a band, not a target asking for a worse value)
    try:
        app.plan_targets[1][0].value = "assessment_within_45wd_pct"
        app.plan_targets[1][1].value, app.plan_targets[1][2].value = "<=", 85.0
        targets, _ = app.plan_settings()
        assert len(targets) == 2
    finally:
        app.plan_targets[1][0].value = ""
