"""The fifth hostile audit of scenario files and the command line (issue 13): fresh attacks, not
those of tests/test_scenario.py, test_hostile_fresh_*.py or test_mutation_fuzz.py.

Each case once gave a traceback, a run that ate memory, or an answer that was silently wrong
while validation said OK. Each must now be refused before anything runs, with a message naming
the file and the field (or line, or option) and what was expected, and no traceback.
"""

from __future__ import annotations

import os

import pytest

from workbench.cli import main
from workbench.scenario import ScenarioError, load_scenario

from conftest import cli_refused as refused
from conftest import ROOT, refused_naming, validate_says

V = "base: baseline.yaml\n"
BASE = str(ROOT / "scenarios" / "baseline.yaml")
VARIANT = str(ROOT / "scenarios" / "demand_surge.yaml")

# name -> (file text over the bundled baseline, what the message must say: the field or line first)
ROUND5 = {
    # the independent audit: validate said OK, then run spun for ever (a priority 1e15 times
    # smaller than the others, or checkpoints' factors reaching it)
    "a_priority_of_1e-15": (V + "stages:\n  assessment:\n    priority: 1.0e-15\n",
                            ["stages.assessment.priority", "greater than or equal to 0.01"]),
    "checkpoints_pushing_priorities_apart": (
        V + "stages:\n  assessment:\n    priority: 100\n    checkpoints_wd: [1, 2, 3, 4, 5, 6, 7, 8, 9, "
        "10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]\n    checkpoint_priority_factor: 10\n"
        "  cin:\n    priority: 0.01\n",
        ["stages.assessment.priority: with its checkpoints", "1e+24 times stages.cin.priority"]),
    # -20 beside 120 summed to 100: every leaver went to another council
    "a_negative_leaver_destination": (
        V + "workforce:\n  leaver_destinations_pct: {another_council: 120, agency: -20, "
        "out_of_sector: 0}\n",
        ["workforce.leaver_destinations_pct", "each destination is a share of leavers, 0 to 100"]),
    # trainees in the front door were paid and counted, but held no case
    "an_academy_in_a_team_without_cases": (V + "academy:\n  team: first_contact\n",
                                           ["academy.team: 'first_contact' does not hold cases"]),
    # a post with (almost) no hours for cases: every worker left within weeks, and turnover came
    # out n/a (no staff in post to divide by) while the event log showed them all leaving
    "a_millionth_of_an_hour_a_week": (V + "working_time:\n  hours_per_fte_week: 1.0e-6\n",
                                      ["working_time.hours_per_fte_week", "greater than or equal "
                                       "to 1 "]),
    "almost_no_case_time": (V + "working_time:\n  case_time_pct: 1.0e-6\n",
                            ["working_time.case_time_pct", "greater than or equal to 5"]),
    "almost_always_absent": (V + "working_time:\n  absence_pct: 99.999999\n",
                             ["working_time.absence_pct", "less than or equal to 90"]),
    "each_within_bounds_but_together_no_time": (
        V + "working_time:\n  hours_per_fte_week: 30\n  case_time_pct: 20\n  absence_pct: 60\n",
        ["working_time: a full-time post would have 2.4 hours a week for cases", "under 5"]),
    # the whole backlog as this week's work: turnover of 1,343% in a quarter-year
    "backlog_over_a_millionth_of_a_week": (V + "pressure:\n  backlog_weeks: 1.0e-6\n",
                                           ["pressure.backlog_weeks", "greater than or equal "
                                            "to 0.5"]),
    # YAML tags: `!!int 6250.5` and `!!float abc` raised ValueError from PyYAML (a traceback)
    "int_tag_on_a_fraction": (V + "demand:\n  referrals_per_year: !!int 6250.5\n",
                              ["line 3", "'6250.5' is tagged !!int", "whole number"]),
    "float_tag_on_words": (V + "demand:\n  referrals_per_year: !!float many\n",
                           ["line 3", "'many' is tagged !!float", "number"]),
    # base64 bytes were read as the number they spell: 'MTIzNA==' ran 1,234 referrals a year
    "binary_for_a_number": (V + "demand:\n  referrals_per_year: !!binary MTIzNA==\n",
                            ["line 3", "binary value (!!binary"]),
    "binary_for_a_name": (V + "name: !!binary SGVsbG8=\n", ["line 2", "binary value"]),
    # a variant meant to change families_first, spelt with a Cyrillic 's' (U+0455): validate
    # said OK and ran an eighth team of 20 idle staff, diluting the caseload and vacancy measures
    "team_name_with_a_cyrillic_look_alike": (
        V + "teams:\n  families_fir\u0455t:\n    establishment_fte: 130\n"
        "    staff: [{type: experienced, count: 20}]\n",
        ["teams.families_fir\u0455t", "no stage is held by this team", "U+0455", "look-alike"]),
    "team_no_stage_uses": (V + "teams:\n  fostering:\n    establishment_fte: 3\n",
                           ["teams.fostering", "no stage is held by this team", "remove it"]),
    # a plan of a millionth of a day that routes back to itself: MemoryError in the run
    "plan_looping_to_itself_in_no_time": (
        V + "stages:\n  cin:\n    duration_days: {dist: fixed, value: 1.0e-6}\n"
        "    next: {cin: 1.0}\n",
        ["stages.cin.next", "cin -> cin", "under 1 day", "longer duration_days"]),
    "plan_looping_through_an_empty_task": (
        V + "stages:\n  cin:\n    duration_days: {dist: uniform, low: 0, high: 1.0e-6}\n"
        "    next: {s47: 1.0}\n  s47:\n    work_hours: {dist: fixed, value: 0}\n"
        "    next: {cin: 1.0}\n",
        ["stages.", "s47 -> cin -> s47", "without time passing"]),
    # policy dates before the start: a campaign of 2017 brought its 50 hires in on day one (and
    # charged its cost), one of 2010 was silently skipped; academy cohorts since 2010 all joined
    # on day one (cost per year x3)
    "campaign_straddling_the_start": (
        V + "recruitment:\n  campaigns:\n    - {start_date: 2017-01-01, end_date: 2018-01-01, "
        "hires: 50, cost_gbp: 1000000}\n",
        ["recruitment.campaigns.0.start_date", "2017-01-01 is before the scenario's start_date "
         "(2017-10-31)", "first day"]),
    "campaign_long_before_the_start": (
        V + "recruitment:\n  campaigns:\n    - {start_date: 2010-01-01, end_date: 2011-01-01, "
        "hires: 5}\n",
        ["recruitment.campaigns.0.start_date", "before the scenario's start_date"]),
    "academy_first_intake_before_the_start": (
        V + "academy:\n  first_intake_date: 2010-01-01\n",
        ["academy.first_intake_date", "2010-01-01 is before", "every yearly cohort"]),
    # YAML reads NO (Norway), on and off as booleans, and unquoted dates and numbers as such:
    # the message said only "Input should be a valid string"
    "country_code_of_norway": (V + "calendar:\n  country: NO\n  subdivision: ''\n",
                               ["calendar.country", "expected text, got a yes/no value",
                                "quotes", "'NO'"]),
    "name_that_is_a_date": (V + "name: 2020-01-01\n",
                            ["name", "expected text, got a date", "'2020-01-01'"]),
    "team_that_is_a_number": (V + "stages:\n  cp:\n    team: 5\n",
                              ["stages.cp.team", "expected text, got a number", "'5'"]),
}


def write(tmp_path, text: str, name: str = "bad.yaml"):
    (tmp_path / "baseline.yaml").write_text((ROOT / "scenarios" / "baseline.yaml").read_text())
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("case", sorted(ROUND5))
def test_round5_file_fails_validation_naming_the_field(tmp_path, case):
    refused_naming(write(tmp_path, ROUND5[case][0]), ROUND5[case][1])


@pytest.mark.parametrize("case", sorted(ROUND5))
def test_round5_file_gets_no_traceback_from_validate(tmp_path, capsys, case):
    validate_says(write(tmp_path, ROUND5[case][0]), ROUND5[case][1][0], capsys)


# ------------------------------------------------------------------ still accepted
@pytest.mark.parametrize("text", [
    # a team with no work but no staff and no posts either (a placeholder) costs nothing
    V + "teams:\n  fostering:\n    establishment_fte: 0\n",
    # a campaign from the start date, and an academy intake on it
    V + "recruitment:\n  campaigns:\n    - {start_date: 2017-10-31, end_date: 2018-01-01, hires: 5}\n"
        "academy:\n  first_intake_date: 2017-10-31\n",
    # a plan of a day that may repeat, and a short plan that does not loop
    V + "stages:\n  cin:\n    duration_days: {dist: fixed, value: 1}\n"
        "    next: {cin: 0.5, close: 0.5}\n",
    V + "stages:\n  cin_disability:\n    duration_days: {dist: fixed, value: 0.01}\n",
    # quoted text, and tags that say what the value plainly is
    V + "calendar:\n  country: 'NO'\n  subdivision: ''\nname: '2020'\n",
    V + "demand:\n  referrals_per_year: !!int 6250\n  trend_pct_per_year: !!float 1\n",
])
def test_nearby_valid_files_still_load(tmp_path, text):
    load_scenario(write(tmp_path, text))


# ------------------------------------------------------------------ file names
def test_a_loop_of_symbolic_links_is_refused_not_a_traceback(tmp_path, capsys):
    # was: RuntimeError('Symlink loop from ...') from Path.resolve, with a traceback
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    os.symlink(b, a)
    os.symlink(a, b)
    with pytest.raises(ScenarioError, match="cannot be followed to a file"):
        load_scenario(a)
    validate_says(a, "a.yaml", capsys)


def test_an_empty_file_name_is_said_as_such(capsys):
    # was: '.: is a folder, not a scenario file'
    assert main(["validate", ""]) == 2
    assert "name is empty" in capsys.readouterr().err


# ------------------------------------------------------------------ the command line
def test_compare_warm_up_leaving_less_than_a_week(capsys, tmp_path):
    # was: run, with every timeliness KPI n/a and an interval of children waiting from -109 to 132
    out = tmp_path / "c"
    refused(capsys, ["compare", BASE, VARIANT, "-r", "2", "--years", "0.05", "--warmup-days",
                     "18.2", "--executor", "serial", "--no-progress", "--out", str(out)],
            "--warmup-days 18.2", "leave at least 7.3 days", "'Baseline'")
    assert not out.exists()


def test_report_warm_up_leaving_less_than_a_week(capsys, tmp_path):
    refused(capsys, ["report", BASE, "--replications", "2", "--years", "0.05", "--warmup-days",
                     "18", "--executor", "serial", "--out", str(tmp_path / "r.html")],
            "--warmup-days 18", "leave at least 7.3 days")
    assert not list(tmp_path.iterdir())


def test_policies_outside_the_run_are_noted_not_refused(tmp_path, capsys):
    # before: a surge or campaign after the run's end, or a surge over before its start, ran
    # with no effect and no word; a longer run may reach them, so they are noted, not refused
    p = tmp_path / "late.yaml"
    p.write_text(f"base: {BASE}\nname: late\nhorizon_years: 1\ndemand:\n  surges:\n"
                 "    - {start_date: 2030-01-01, multiplier: 1.2}\n"
                 "    - {start_date: 2010-01-01, end_date: 2011-01-01, multiplier: 1.5}\n"
                 "recruitment:\n  campaigns:\n    - {start_date: 2019-01-01, end_date: "
                 "2019-06-01, hires: 5}\n")
    assert main(["validate", str(p)]) == 0
    out = capsys.readouterr().out
    assert "note: demand.surges.0.start_date: 2030-01-01 is after the run ends (2018-10-31)" in out
    assert "note: demand.surges.1.end_date: 2011-01-01 is on or before the start" in out
    assert "note: recruitment.campaigns.0.start_date: 2019-01-01 is after the run ends" in out
    assert main(["run", str(p), "--years", "0.05", "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "note: recruitment.campaigns.0.start_date: 2019-01-01 is after the run ends (2017-11-18)" in err
    assert main(["validate", VARIANT]) == 0
    assert "note" not in capsys.readouterr().out      # the bundled files have none
