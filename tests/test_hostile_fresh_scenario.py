"""A fresh hostile-input audit of scenario files (issue 13's acceptance): inputs that were not in
the first corpus (tests/test_scenario.py HOSTILE), each reduced to its essence.

Each case is a file (text over the bundled baseline) that validation once accepted and that then
gave a silently wrong answer, a traceback, a hang or a run that ate memory; it must now fail at
validation, naming the file and the field (or line) and what was expected, with no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from workbench.scenario import ScenarioError, load_scenario

from conftest import ROOT, refused_naming, validate_says

V = "base: baseline.yaml\n"
COSTS = "costs:\n  gbp_per_fte_week: {experienced: %s, nqsw: 1, academy: 1, agency: 1}\n"

# name -> (file text, what the message must say: the field or line first)
FRESH = {
    # YAML reads these as booleans, and a number field took them as 1: `referrals_per_year: yes`
    # ran one referral a year
    "yes_for_referrals": (V + "demand:\n  referrals_per_year: yes\n",
                          ["demand.referrals_per_year", "yes/no value", "write the number"]),
    "on_for_a_staff_count": (V + "teams:\n  disability:\n    staff:\n"
                             "      - {type: experienced, count: on}\n",
                             ["teams.disability.staff.0.count", "yes/no value"]),
    "true_for_the_horizon": (V + "horizon_years: true\n", ["horizon_years", "yes/no value"]),
    "yes_in_a_list_of_numbers": (V + "demand:\n  seasonality: [1, 1, 1, 1, 1, 1, 1, yes, 1, 1, 1, 1]\n",
                                 ["demand.seasonality", "yes/no value"]),
    # YAML 1.1 reads a leading zero as octal (06250 -> 3240) and 1:45:00 as base 60 (6300)
    "octal_referrals": (V + "demand:\n  referrals_per_year: 06250\n",
                        ["line 3", "'06250' has a leading zero", "octal", "3240"]),
    "base_60_referrals": (V + "demand:\n  referrals_per_year: 1:45:00\n",
                          ["line 3", "'1:45:00'", "base-60"]),
    "base_60_float": (V + "working_time:\n  hours_per_fte_week: 37:30.5\n",
                      ["line 3", "base-60"]),
    # a cost of 1e308 a week passed (finite) and the run's cost KPIs came out as inf
    "cost_overflowing": (V + COSTS % "1.0e+308",
                         ["costs.gbp_per_fte_week.experienced", "at most 1,000,000,000,000",
                          "overflow"]),
    "campaign_cost_overflowing": (V + "recruitment:\n  campaigns:\n    - {start_date: 2018-01-01, "
                                  "end_date: 2018-06-01, hires: 1, cost_gbp: 1.7e+308}\n",
                                  ["recruitment.campaigns.0.cost_gbp", "at most"]),
    # validate said OK, then the run raised NotImplementedError from the holidays package
    "unknown_calendar_country": (V + "calendar:\n  country: XX\n",
                                 ["calendar", "'XX'", "holidays", "GB"]),
    "unknown_calendar_subdivision": (V + "calendar:\n  subdivision: ZZZ\n",
                                     ["calendar", "'ZZZ'", "ENG"]),
    # validate said OK, then the run never ended (a conference day never had a free slot)
    "conference_slots_below_one": (V + "conferences:\n  enabled: true\n"
                                   "  slots_per_working_day: 0.5\n",
                                   ["conferences.slots_per_working_day", "greater than or equal to 1"]),
    # validate said OK, then the run grew by gigabytes: zero-hour visits arranged for a day
    # before the visit they follow came one after another at one instant
    "visit_booked_before_the_last": (V + "stages:\n  cp:\n    visits: {interval_wd: 2, window_wd: 2, "
                                     "hours: {dist: fixed, value: 0}, booked_lead_wd: 3}\n",
                                     ["stages.cp.visits", "booked_lead_wd (3) must be less than "
                                      "interval_wd (2)"]),
    "visit_booked_before_the_last_later": (
        V + "stages:\n  lac:\n    visits: {interval_wd: 30, window_wd: 15, later_interval_wd: 4, "
        "booked_lead_wd: 5, hours: {dist: fixed, value: 1}}\n",
        ["stages.lac.visits", "less than later_interval_wd (4)"]),
    # validate said OK, then the run raised 'math domain error' (log of 0)
    "everyone_absent_every_year": (V + "workforce:\n  long_term_absence:\n    starts_pct_per_year: 100\n",
                                   ["workforce.long_term_absence.starts_pct_per_year", "less than 100"]),
    # names that are not one line of visible text (they reached tables and the report)
    "name_with_a_line_separator": (V + 'name: "Two\\Llines"\n', ["name", "one line", "U+2028"]),
    "name_with_a_next_line_character": (V + 'name: "Two\\Nlines"\n', ["name", "U+0085"]),
    "name_with_a_right_to_left_override": (V + 'name: "Baseline \\u202egnp.exe"\n',
                                           ["name", "U+202E"]),
    "name_with_a_zero_width_space": (V + 'name: "Base\\u200bline"\n', ["name", "U+200B"]),
    "name_with_an_escape_character": (V + 'name: "bad\\x9b31m"\n', ["name", "U+009B"]),
    "authority_on_two_lines": (V + 'authority: "Borough\\nCouncil"\n', ["authority", "one line"]),
    "team_with_an_empty_name": (V + "teams:\n  '':\n    establishment_fte: 1\n",
                                ["teams", "a team needs a name"]),
    "team_name_on_two_lines": (V + 'teams:\n  "a\\nb":\n    establishment_fte: 1\n',
                               ["teams", "one line", "team 'a"]),
    # the message said 'could reach nan a year'
    "seasonality_overflowing": (V + "demand:\n  seasonality: [" + ", ".join(["1.0e+308"] * 12) + "]\n",
                                ["demand.seasonality", "at most 1000"]),
    # a horizon of a second gave a cost of GBP 4.5 billion a year per child
    "horizon_of_a_second": (V + "horizon_years: 1.0e-9\n",
                            ["horizon_years", "greater than or equal to 0.02"]),
    # validate said OK, then every replication of `compare` that drew above 250,000 failed
    "uncertain_draws_past_the_limit": (V + "uncertain:\n  demand.referrals_per_year: "
                                       "{dist: uniform, low: 0, high: 1.0e+6}\n",
                                       ["uncertain.demand.referrals_per_year", "draws values the "
                                        "input does not accept", "at most 250,000"]),
    # validate said OK, then 2,000 checkpoints on day 1 overflowed the task's priority and the
    # run failed ('cannot convert float NaN to integer')
    "checkpoints_repeated": (V + "stages:\n  assessment:\n    checkpoints_wd: ["
                             + ", ".join(["1"] * 2000) + "]\n",
                             ["stages.assessment.checkpoints_wd", "distinct working days"]),
    "too_many_checkpoints": (V + "stages:\n  assessment:\n    checkpoints_wd: ["
                             + ", ".join(str(i) for i in range(1, 40)) + "]\n",
                             ["stages.assessment.checkpoints_wd", "at most 20"]),
    # validate said OK; every child waited the whole run and the timeliness KPIs were n/a
    "every_cap_zero": (V + "caseload:\n  caps: {experienced: 0, nqsw: 0, academy: 0, agency: 0}\n",
                       ["teams.families_first: every worker type's caseload cap is 0"]),
    # a device or a pipe: /dev/zero was read until memory ran out, a pipe waited for ever
    "base_is_dev_zero": (V.replace("baseline.yaml", "/dev/zero"),
                         ["base: '/dev/zero' is not a regular file"]),
}


def write(tmp_path, text: str, name: str = "bad.yaml"):
    (tmp_path / "baseline.yaml").write_text((ROOT / "scenarios" / "baseline.yaml").read_text())
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("case", sorted(FRESH))
def test_fresh_hostile_file_fails_validation_naming_the_field(tmp_path, case):
    refused_naming(write(tmp_path, FRESH[case][0]), FRESH[case][1])


@pytest.mark.parametrize("case", sorted(FRESH))
def test_fresh_hostile_file_gets_no_traceback_from_validate(tmp_path, capsys, case):
    validate_says(write(tmp_path, FRESH[case][0]), FRESH[case][1][0], capsys)


def test_a_long_value_is_shortened_in_the_message(tmp_path):
    # a 100,000-character name was echoed whole
    p = write(tmp_path, V + "name: " + "x" * 100_000 + "\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    msg = str(exc.value)
    # the name's length (round 9: not its quoted form's, 100,002)
    assert "name" in msg and "100,000 characters" in msg and len(msg) < 1000


@pytest.mark.parametrize("value", ["0x186A", "6_250", "'6250'"])
def test_plain_spellings_of_a_number_still_load(tmp_path, value):
    p = write(tmp_path, V + f"demand:\n  referrals_per_year: {value}\n")
    assert load_scenario(p).demand.referrals_per_year == 6250


def test_an_emoji_name_and_a_joined_emoji_are_still_allowed(tmp_path):
    p = write(tmp_path, V + 'name: "Baseline \\U0001F469\\u200d\\U0001F467"\n')
    assert load_scenario(p).name.startswith("Baseline")


def test_a_pipe_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    res = subprocess.run([sys.executable, "-m", "workbench.cli", "validate", str(fifo)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "not a regular file" in res.stderr


def test_dev_zero_is_refused_without_reading_it():
    res = subprocess.run([sys.executable, "-m", "workbench.cli", "validate", "/dev/zero"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "not a regular file" in res.stderr


def test_a_long_chain_of_bases_is_refused_not_a_recursion_error(tmp_path):
    write(tmp_path, "")
    previous = "baseline.yaml"
    for i in range(1500):
        (tmp_path / f"v{i}.yaml").write_text(f"base: {previous}\nname: v{i}\n")
        previous = f"v{i}.yaml"
    with pytest.raises(ScenarioError, match="more than 20 files deep"):
        load_scenario(tmp_path / previous)
