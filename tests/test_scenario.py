"""Scenario files: inheritance, derivation, and a clear message for every kind of mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workbench import Scenario, ScenarioError, load_scenario
from workbench.cli import main

from conftest import refused_naming, validate_says

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, text: str, name="bad.yaml") -> Path:
    (tmp_path / "baseline.yaml").write_text((ROOT / "scenarios" / "baseline.yaml").read_text())
    p = tmp_path / name
    p.write_text(text)
    return p


def error_for(tmp_path, text: str) -> str:
    p = write(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    msg = str(exc.value)
    assert str(p) in msg  # the file is named
    return msg


def test_every_bundled_scenario_is_valid():
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert files
    for f in files:
        assert isinstance(load_scenario(f), Scenario)


def test_variant_states_only_what_differs(tmp_path):
    p = write(tmp_path, "base: baseline.yaml\nname: More demand\ndemand:\n  referrals_per_year: 7000\n")
    sc = load_scenario(p)
    base = load_scenario(tmp_path / "baseline.yaml")
    assert sc.demand.referrals_per_year == 7000
    assert sc.demand.seasonality == base.demand.seasonality  # merged, not replaced
    assert sc.teams == base.teams


def test_scenario_is_immutable_and_replace_validates(baseline):
    with pytest.raises(Exception):
        baseline.horizon_years = 3
    sc = baseline.replace({"demand.referrals_per_year": 7000, "name": "x"})
    assert sc.demand.referrals_per_year == 7000 and baseline.demand.referrals_per_year != 7000
    with pytest.raises(ScenarioError, match="referrals_per_year"):
        baseline.replace({"demand.referrals_per_year": -5})
    with pytest.raises(ScenarioError, match="not a field"):
        baseline.replace({"demnd.referrals_per_year": 5})


def test_missing_field(tmp_path):
    msg = error_for(tmp_path, "base: baseline.yaml\ndemand:\n  referrals_per_year: null\n")
    assert "demand.referrals_per_year" in msg
    raw = yaml.safe_load((ROOT / "scenarios" / "baseline.yaml").read_text())
    del raw["caseload"]
    p = tmp_path / "nocase.yaml"
    p.write_text(yaml.safe_dump(raw))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    assert "caseload: required field is missing" in str(exc.value)


def test_wrong_type(tmp_path):
    msg = error_for(tmp_path, "base: baseline.yaml\nhorizon_years: five\n")
    assert "horizon_years" in msg and "'five'" in msg


def test_negative_rate(tmp_path):
    msg = error_for(tmp_path, "base: baseline.yaml\ndemand:\n  referrals_per_year: -100\n")
    assert "demand.referrals_per_year" in msg and "greater than 0" in msg and "-100" in msg


def test_probabilities_not_summing_to_one(tmp_path):
    msg = error_for(tmp_path, "base: baseline.yaml\nstages:\n  cp:\n    next: {cin: 0.5, close: 0.3}\n")
    assert "stages.cp.next" in msg and "sum to 1" in msg and "0.8" in msg


def test_variant_states_outcomes_and_distributions_whole(tmp_path):
    p = write(tmp_path, "base: baseline.yaml\nstages:\n  cp:\n    next: {cin: 0.6, close: 0.4}\n"
                        "    duration_days: {dist: fixed, value: 200}\n")
    sc = load_scenario(p)
    assert dict(sc.stages["cp"].next) == {"cin": 0.6, "close": 0.4}
    assert sc.stages["cp"].duration_days.dist == "fixed"
    assert sc.stages["cp"].visits is not None  # the rest of the block is still merged


def test_unknown_key(tmp_path):
    msg = error_for(tmp_path, "base: baseline.yaml\ndemand:\n  referals_per_year: 100\n")
    assert "demand.referals_per_year" in msg and "unknown field" in msg


def test_unknown_team_and_outcome(tmp_path):
    msg = error_for(tmp_path, "base: baseline.yaml\nstages:\n  cp:\n    team: nobody\n")
    assert "stages.cp.team" in msg and "'nobody'" in msg


def test_bad_yaml_and_missing_files(tmp_path):
    msg = error_for(tmp_path, "name: [unclosed\n")
    assert "not valid YAML" in msg and "line" in msg
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "nope.yaml")
    msg = error_for(tmp_path, "base: nothere.yaml\n")
    assert "nothere.yaml" in msg and "not found" in msg


def test_several_problems_are_listed_together(tmp_path):
    msg = error_for(tmp_path, "base: baseline.yaml\nhorizon_years: -1\ndemand:\n  rereferral_pct: 140\n")
    assert "horizon_years" in msg and "demand.rereferral_pct" in msg


def test_cli_validate_gives_a_message_not_a_traceback(tmp_path, capsys):
    p = write(tmp_path, "base: baseline.yaml\ndemand:\n  referrals_per_year: -1\n")
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert "demand.referrals_per_year" in err and "Traceback" not in err
    assert main(["validate", str(ROOT / "scenarios" / "baseline.yaml")]) == 0


def cli_message(*args: str) -> str:
    """Run ``workbench ARGS`` as a user would (a new process); it must fail with status 2 and a
    message, not a traceback. Returns what it printed on stderr."""
    res = subprocess.run([sys.executable, "-m", "workbench.cli", *args],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    return res.stderr


def test_cli_run_bad_file_as_a_subprocess(tmp_path):
    p = write(tmp_path, "base: baseline.yaml\nstages:\n  cp:\n    next: {cin: 0.2}\n")
    assert "stages.cp.next" in cli_message("run", str(p))


def test_cli_run_writes_aggregates(tmp_path, capsys):
    assert main(["run", str(ROOT / "scenarios" / "baseline.yaml"), "--years", "0.2",
                 "--seed", "3", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "assessments completed within 45 working days" in out
    files = sorted(x.name for x in tmp_path.iterdir())
    assert files == ["baseline_seed3_kpis.json", "baseline_seed3_weekly.csv"]
    assert "child" not in (tmp_path / "baseline_seed3_weekly.csv").read_text().splitlines()[0]


# ------------------------------------------------------------------ issue 13: hostile input
# Each case: a file's content (text over the bundled baseline, or bytes) and what its message
# must say (the field path first). Every one must fail at validation, never later in a run.
V = "base: baseline.yaml\n"
WORKERS = "{experienced: %s, nqsw: 20, academy: 20, agency: 20}"
HOSTILE = {
    "nan_pay_rate": (V + "costs:\n  gbp_per_fte_week: " + WORKERS % ".nan" + "\n",
                     ["costs.gbp_per_fte_week.experienced", "finite", "nan"]),
    "nan_cap": (V + "caseload:\n  caps: " + WORKERS % ".nan" + "\n",
                ["caseload.caps.experienced", "finite"]),
    "nan_turnover": (V + "workforce:\n  turnover_pct_per_year: " + WORKERS % ".nan" + "\n",
                     ["workforce.turnover_pct_per_year.experienced", "finite"]),
    "nan_team_cap": (V + "teams:\n  families_first:\n    caps: {nqsw: .nan}\n",
                     ["teams.families_first.caps.nqsw", "finite"]),
    "inf_referrals": (V + "demand:\n  referrals_per_year: .inf\n",
                      ["demand.referrals_per_year", "finite", "inf"]),
    "inf_mean_duration": (V + "stages:\n  cp:\n    duration_days: {dist: exponential, mean: .inf}\n",
                          ["stages.cp.duration_days", "mean", "finite"]),
    "inf_in_a_list": (V + "demand:\n  seasonality: [1, 1, 1, 1, 1, 1, 1, .inf, 1, 1, 1, 1]\n",
                      ["demand.seasonality.7", "finite"]),
    "nan_histogram_edge": (V + "stages:\n  cp:\n"
                           "    duration_days: {dist: histogram, edges: [0, .nan, 9], probs: [0.5, 0.5]}\n",
                           ["stages.cp.duration_days", "edges.1", "finite"]),
    "huge_mean_duration": (V + "stages:\n  lac:\n"
                           "    duration_days: {dist: lognormal, mean: 1.0e+9, cv: 1}\n",
                           ["stages.lac.duration_days", "mean", "at most 1,000,000", "clock"]),
    "duplicate_key": (V + "name: One\nhorizon_years: 3\nname: Two\n",
                      ["the key 'name' is given twice", "line 4", "first at line 2"]),
    "duplicate_nested_key": (V + "demand:\n  referrals_per_year: 100\n  trend_pct_per_year: 1\n"
                             "  referrals_per_year: 200\n",
                             ["'referrals_per_year' is given twice", "line 5"]),
    "start_date_far_future": (V + "start_date: 9999-12-01\n",
                              ["start_date", "9999-12-01", "between 2000-01-01 and 2100-12-31"]),
    "surge_date_long_ago": (V + "demand:\n  surges:\n    - {start_date: 1900-01-01, multiplier: 1.2}\n",
                            ["demand.surges.0.start_date", "1900-01-01", "between"]),
    "surge_ends_before_it_starts": (V + "demand:\n  surges:\n    - {start_date: 2019-01-01, "
                                    "end_date: 2018-01-01, multiplier: 1.2}\n",
                                    ["demand.surges.0", "end_date (2018-01-01) must be after"]),
    "impossible_date": (V + "start_date: 2017-02-30\n",
                        ["line 2", "'2017-02-30' is not a date"]),
    "plan_of_no_length": (V + "stages:\n  cp:\n    duration_days: {dist: fixed, value: 0}\n",
                          ["stages.cp", "duration_days", "fixed value of 0", "above 0"]),
    "stage_loops_to_itself_with_no_work": (
        V + "stages:\n  assessment:\n    work_hours: {dist: fixed, value: 0}\n"
        "    next: {assessment: 0.5, close: 0.5}\n",
        ["stages.assessment.next", "assessment -> assessment", "one instant", "work_hours above 0"]),
    "two_stages_loop_with_no_work": (
        V + "stages:\n  s47:\n    work_hours: {dist: fixed, value: 0}\n"
        "    next: {icpc: 0.5, close: 0.5}\n"
        "  icpc:\n    work_hours: {dist: fixed, value: 0}\n    next: {s47: 0.5, cp: 0.5}\n",
        ["stages.s47.next", "s47 -> icpc -> s47", "one instant"]),
    "huge_establishment": (V + "teams:\n  families_first:\n    establishment_fte: 1.0e+12\n",
                           ["teams.families_first.establishment_fte", "at most 10,000", "memory"]),
    "huge_referrals": (V + "demand:\n  referrals_per_year: 1.0e+9\n",
                       ["demand.referrals_per_year", "at most 250,000", "memory"]),
    "huge_open_cases": (V + "initial:\n  open_cases:\n    cin: 1000000000\n",
                        ["initial.open_cases.cin", "at most 100,000", "memory"]),
    "demand_growing_out_of_memory": (V + "horizon_years: 30\ndemand:\n  trend_pct_per_year: 100\n",
                                     ["demand:", "trend of 100%", "at most 5,000,000", "memory"]),
    "too_many_staff": (V + "teams:\n  families_first:\n    staff:\n"
                       + "      - {type: experienced, count: 9000}\n" * 3,
                       ["teams: 27,", "staff in post", "at most 20,000"]),
    "empty_name": (V + "name: ''\n", ["name", "must not be empty", "''"]),
    "blank_name": (V + "name: '   '\n", ["name", "must not be empty"]),
    "name_with_a_line_break": (V + 'name: "Two\\nlines"\n', ["name", "one line"]),
    "negative_team_cap": (V + "teams:\n  families_first:\n    caps: {nqsw: -3}\n",
                          ["teams.families_first.caps.nqsw", "greater than or equal to 0", "-3"]),
    "empty_base": ("base: ''\nname: x\n", ["base:", "file name", "''"]),
    "base_is_a_folder": ("base: .\nname: x\n", ["base:", "is a folder"]),
    "binary_file": (bytes(range(256)) * 8, ["not a text file", "binary"]),
    "utf16_file": ((V + "name: x\n").encode("utf-16"), ["not a text file", "UTF-16"]),
    "latin1_file": ((V + "name: Caf\u00e9\n").encode("latin-1"), ["not UTF-8", "line 2"]),
    "alias_bomb": ("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
                   + "".join(f"{x}: &{x} [{', '.join(['*' + p] * 10)}]\n"
                             for p, x in zip("abcde", "bcdef")),
                   ["more than 100,000 values", "aliases"]),
    "huge_file": ("name: x\n" + "# padding\n" * 200_000, ["bytes", "the right file"]),
}


# Mistakes the schema caught before issue 13 (kept here so that they stay caught): each with
# the field or line its message must name.
SCHEMA_MISTAKES = {
    "horizon_too_long": (V + "horizon_years: 31\n",
        ['horizon_years', 'less than or equal to 30', '31']),
    "unknown_top_level_field": (V + "budget: 5\n",
        ['budget', 'unknown field']),
    "unknown_stage": (V + "stages:\n  foster:\n    team: families_first\n"
        "    kind: plan\n"
        "    duration_days: {dist: fixed, value: 5}\n"
        "    next: {close: 1}\n",
        ['stages.foster', "'foster'"]),
    "unknown_outcome": (V + "stages:\n  cp:\n    next: {adoption: 0.5, close: 0.5}\n",
        ['stages.cp.next.adoption', "'adoption'"]),
    "outcome_probability_above_one": (V + "stages:\n  cp:\n    next: {cin: 1.5, close: -0.5}\n",
        ['stages.cp.next', 'between 0 and 1', '1.5']),
    "nan_outcome_probability": (V + "stages:\n  cp:\n    next: {cin: .nan, close: 1}\n",
        ['stages.cp.next.cin', 'finite']),
    "task_stage_without_work": (V + "stages:\n  assessment:\n    work_hours: null\n",
        ['stages.assessment', 'needs work_hours']),
    "plan_stage_with_a_clock": (V + "stages:\n  cin:\n    clock: {target_wd: 10}\n",
        ['stages.cin', 'not work_hours or clock']),
    "unknown_distribution": (V + "stages:\n  cp:\n"
        "    duration_days: {dist: weibull, mean: 5}\n",
        ['stages.cp.duration_days', "'weibull'"]),
    "uniform_high_below_low": (V + "stages:\n  cp:\n"
        "    duration_days: {dist: uniform, low: 10, high: 5}\n",
        ['stages.cp.duration_days', 'high (5.0) must be greater than low (10.0)']),
    "histogram_probs_not_summing": (V + "stages:\n  cp:\n"
        "    duration_days: {dist: histogram, edges: [0, 5, 9], probs: [0.5, 0.2]}\n",
        ['stages.cp.duration_days', 'sum to 1', '0.7']),
    "histogram_edges_not_increasing": (V + "stages:\n  cp:\n"
        "    duration_days: {dist: histogram, edges: [0, 9, 5], probs: [0.5, 0.5]}\n",
        ['stages.cp.duration_days', 'increase strictly']),
    "lognormal_cv_zero": (V + "stages:\n  cp:\n"
        "    duration_days: {dist: lognormal, mean: 5, cv: 0}\n",
        ['stages.cp.duration_days', 'cv', 'greater than 0']),
    "negative_fixed_time": (V + "agency:\n  lead_time_weeks: {dist: fixed, value: -2}\n",
        ['agency.lead_time_weeks', 'greater than or equal to 0', '-2']),
    "visit_window_above_interval": (V + "stages:\n  cp:\n"
        "    visits: {interval_wd: 10, window_wd: 20}\n",
        ['stages.cp.visits', 'window_wd (20) cannot exceed interval_wd (10)']),
    "visit_interval_zero": (V + "stages:\n  cp:\n    visits: {interval_wd: 0}\n",
        ['stages.cp.visits.interval_wd', 'greater than 0']),
    "clock_target_zero": (V + "stages:\n  assessment:\n    clock: {target_wd: 0}\n",
        ['stages.assessment.clock.target_wd', 'greater than 0']),
    "front_door_team_unknown": (V + "front_door:\n  team: mash\n",
        ['front_door.team', "'mash' is not a team"]),
    "stage_held_by_non_case_holding_team": (V + "stages:\n  cp:\n    team: first_contact\n",
        ['stages.cp.team', 'does not hold cases']),
    "transfer_to_unknown_team": (V + "stages:\n  lac:\n"
        "    transfer: {after_days: 100, to_team: adoption}\n",
        ['stages.lac.transfer.to_team', "'adoption'"]),
    "academy_team_unknown": (V + "academy:\n  team: nowhere\n  intake_per_year: 5\n",
        ['academy.team', "'nowhere'"]),
    "academy_start_month_13": (V + "academy:\n  start_month: 13\n",
        ['academy.start_month', '12', '13']),
    "campaign_ends_before_it_starts": (V + "recruitment:\n  campaigns:\n"
        "    - {start_date: 2019-01-01, end_date: 2018-01-01, hires: 5}\n",
        ['recruitment.campaigns.0', 'must be after']),
    "campaign_team_unknown": (V + "recruitment:\n  campaigns:\n"
        "    - {start_date: 2018-01-01, end_date: 2019-01-01, hires: 5, team: nowhere}\n",
        ['recruitment.campaigns.0.team', "'nowhere'"]),
    "campaign_cost_infinite": (V + "recruitment:\n  campaigns:\n"
        "    - {start_date: 2018-01-01, end_date: 2019-01-01, hires: 5, cost_gbp: .inf}\n",
        ['recruitment.campaigns.0.cost_gbp', 'finite']),
    "unallocated_above_open": (V + "initial:\n  unallocated: {cin: 99999}\n",
        ['initial.unallocated.cin', '99999', 'open cases']),
    "negative_cap": (V + "caseload:\n  caps: {experienced: -1}\n",
        ['caseload.caps', 'experienced', '0 or more']),
    "hard_limit_below_100": (V + "caseload:\n  hard_limit_pct: 50\n",
        ['caseload.hard_limit_pct', '100', '50']),
    "balancing_target_above_trigger": (V + "caseload:\n"
        "  balancing: {trigger_pct: 110, target_pct: 130}\n",
        ['caseload.balancing', 'cannot exceed trigger_pct']),
    "leaver_destinations_not_100": (V + "workforce:\n"
        "  leaver_destinations_pct: {another_council: 50, agency: 10, out_of_sector: 10}\n",
        ['workforce.leaver_destinations_pct', 'sum to 100', '70']),
    "turnover_100_pct": (V + "workforce:\n  turnover_pct_per_year: {nqsw: 100}\n",
        ['workforce.turnover_pct_per_year', 'nqsw', 'below 100']),
    "second_year_cap_zero": (V + "workforce:\n  second_year_cap_pct: 0\n",
        ['workforce.second_year_cap_pct', 'greater than 0']),
    "agency_cover_above_100": (V + "agency:\n  cover_share_pct: 150\n",
        ['agency.cover_share_pct', '100', '150']),
    "retention_reduction_above_100": (V + "retention:\n  turnover_reduction_pct: 120\n",
        ['retention.turnover_reduction_pct', '120']),
    "words_for_a_number": (V + "demand:\n  referrals_per_year: many\n",
        ['demand.referrals_per_year', 'valid number', "'many'"]),
    "list_for_a_block": (V + "demand: [1, 2]\n",
        ['demand', 'dictionary']),
    "top_level_list": ("- name: x\n- name: y\n",
        ['expected a mapping of fields', 'list']),
    "empty_file": ("",
        ['the file is empty']),
    "tab_indentation": (V + "demand:\n\treferrals_per_year: 5\n",
        ['not valid YAML at line 3']),
    "unclosed_bracket": (V + "name: [unclosed\n",
        ['not valid YAML at line']),
    "base_not_a_string": ("base: 5\nname: x\n",
        ['base:', 'file name', '5']),
    "base_missing": ("base: nothere.yaml\nname: x\n",
        ['base:', "'nothere.yaml' not found"]),
    "staff_type_unknown": (V + "teams:\n  disability:\n    staff:\n"
        "      - {type: locum, count: 2}\n",
        ['teams.disability.staff.0.type', "'locum'"]),
    "staff_fte_above_one": (V + "teams:\n  disability:\n    staff:\n"
        "      - {type: experienced, count: 2, fte: 1.5}\n",
        ['teams.disability.staff.0.fte', '1.5']),
    "staff_count_fraction": (V + "teams:\n  disability:\n    staff:\n"
        "      - {type: experienced, count: 2.5}\n",
        ['teams.disability.staff.0.count', 'integer', '2.5']),
    "months_qualified_negative": (V + "teams:\n  disability:\n    staff:\n"
        "      - {type: nqsw, count: 2, months_qualified: -1}\n",
        ['teams.disability.staff.0.months_qualified', '-1']),
    "seasonality_eleven_months": (V + "demand:\n"
        "  seasonality: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n",
        ['demand.seasonality', '12 monthly values', '11']),
    "sibling_probs_not_summing": (V + "demand:\n  sibling_group_probs: [0.5, 0.3]\n",
        ['demand.sibling_group_probs', 'sum to 1', '0.8']),
    "rereferral_100_pct": (V + "demand:\n  rereferral_pct: 100\n",
        ['demand.rereferral_pct', 'less than 100']),
    "trend_below_minus_50": (V + "demand:\n  trend_pct_per_year: -60\n",
        ['demand.trend_pct_per_year', '-50', '-60']),
    "surge_multiplier_zero": (V + "demand:\n  surges:\n"
        "    - {start_date: 2018-04-01, multiplier: 0}\n",
        ['demand.surges.0.multiplier', 'greater than 0']),
    "nfa_above_100": (V + "front_door:\n  nfa_pct: 101\n",
        ['front_door.nfa_pct', '101']),
    "completion_step_two_days": (V + "working_time:\n  completion_step_hours: 48\n",
        ['working_time.completion_step_hours', '24', '48']),
    "no_hours_in_a_week": (V + "working_time:\n  hours_per_fte_week: 0\n",
        ['working_time.hours_per_fte_week', 'greater than or equal to 1']),
    "python_object_tag": (V + "name: !!python/object/apply:os.system [echo hacked]\n",
        ['not valid YAML at line 2', 'python/object']),
    "control_character": (V + "name: bell\x07\n",
        ['not valid YAML at line 2', 'control character']),
    "deep_nesting": (V + "sources: " + "[" * 5000 + "]" * 5000 + "\n",
        ['not valid YAML', 'nested too deeply']),
    "recursive_alias": (V + "sources: &a {x: *a}\n",
        ['more than 100,000 values', 'aliases']),
    "date_in_words": (V + "start_date: 31/10/2017\n",
        ['start_date', 'YYYY-MM-DD', "'31/10/2017'"]),
    "date_as_number": (V + "start_date: 20171031\n",
        ['start_date', 'YYYY-MM-DD', '20171031']),
}
HOSTILE.update(SCHEMA_MISTAKES)


def hostile_file(tmp_path, case: str) -> Path:
    content = HOSTILE[case][0]
    p = write(tmp_path, "") if isinstance(content, bytes) else write(tmp_path, content)
    if isinstance(content, bytes):
        p.write_bytes(content)
    return p


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_fails_validation_with_a_message_naming_the_field(tmp_path, case):
    refused_naming(hostile_file(tmp_path, case), HOSTILE[case][1])


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_gets_no_traceback_from_cli_validate(tmp_path, capsys, case):
    validate_says(hostile_file(tmp_path, case), HOSTILE[case][1][0], capsys)


def test_folder_and_missing_file_get_a_message(tmp_path, capsys):
    for path, expected in ((tmp_path, "is a folder"), (tmp_path / "nope.yaml", "not found")):
        with pytest.raises(ScenarioError, match=expected):
            load_scenario(path)
        assert main(["validate", str(path)]) == 2
        err = capsys.readouterr().err
        assert expected in err and "Traceback" not in err


def test_binary_file_as_a_subprocess_gives_no_traceback(tmp_path):
    p = hostile_file(tmp_path, "binary_file")
    assert "not a text file" in cli_message("validate", str(p))


def test_scenario_error_is_a_user_error():
    from workbench.errors import UserError
    assert issubclass(ScenarioError, UserError) and issubclass(ScenarioError, ValueError)


def test_bounds_keep_the_bundled_scenarios_valid_at_twenty_times_the_size(baseline):
    from workbench.scenario import scale_authority
    big = scale_authority(baseline, 20)
    assert big.demand.referrals_per_year == 20 * baseline.demand.referrals_per_year
    # a zero-work stage that does not loop back is still allowed
    baseline.replace({"stages.icpc.work_hours": {"dist": "fixed", "value": 0}})
