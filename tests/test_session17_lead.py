"""Session 17's mends found by the lead: ``validate`` notes settings that a valid scenario
accepts but that cannot do what their author meant (a conference needing more notice than its
whole timescale, a manager's checkpoint after the timescale, a retention scheme that changes
nothing)."""

from __future__ import annotations

import pytest

from workbench.scenario.catalog import PACKAGE_ROOT
from workbench.scenario.checks import scenario_notes
from workbench.scenario.load import load_scenario

BASE = PACKAGE_ROOT / "scenarios" / "baseline.yaml"


def _notes(tmp_path, body: str) -> list[str]:
    f = tmp_path / "variant.yaml"
    f.write_text(f"base: {BASE}\nname: Variant\n{body}", encoding="utf-8")
    return scenario_notes(load_scenario(f))


def test_the_bundled_baseline_has_no_notes():
    assert scenario_notes(load_scenario(BASE)) == []


@pytest.mark.parametrize("body, expected", [
    ("conferences:\n  min_notice_wd: 20\n",
     "conferences.min_notice_wd: 20 working days' notice is more than the initial conference's "
     "timescale of 15 working days, so every conference that has to be rebooked is held late"),
    ("stages:\n  assessment:\n    checkpoints_wd: [10, 28, 400]\n",
     "stages.assessment.checkpoints_wd: 400 (working days) is after the stage's timescale of 45 "
     "working days, so only work already late meets it"),
    ("stages:\n  assessment:\n    checkpoints_wd: [10, 50, 60]\n",
     "stages.assessment.checkpoints_wd: 50, 60 (working days) are after the stage's timescale "
     "of 45 working days, so only work already late meets them"),
    ("retention:\n  enabled: true\n",
     "retention: enabled, but with no payment (payment_gbp_per_year) and no cut in turnover "
     "(turnover_reduction_pct), so it changes nothing in the run"),
])
def test_a_setting_that_cannot_do_what_was_meant_is_noted(tmp_path, body, expected):
    assert expected in _notes(tmp_path, body)


@pytest.mark.parametrize("body", [
    "conferences:\n  min_notice_wd: 15\n",                 # just in time
    "stages:\n  assessment:\n    checkpoints_wd: [10, 28, 45]\n",
    "retention:\n  enabled: true\n  payment_gbp_per_year: 2000\n",   # costs, even if it cuts nothing
    "retention:\n  enabled: false\n",
])
def test_settings_that_can_work_are_not_noted(tmp_path, body):
    assert _notes(tmp_path, body) == []


def test_the_count_of_problems_is_the_count_listed(tmp_path):
    """Two problems from the whole-scenario checks (an unknown team, a campaign before the
    start) were headed "1 problem(s)": pydantic counts those checks as one error."""
    from workbench.scenario.errors import ScenarioError

    f = tmp_path / "two.yaml"
    f.write_text(f"base: {BASE}\nname: Two\nrecruitment:\n  campaigns: [{{start_date: 2017-01-01, "
                 f"end_date: 2018-01-01, hires: 10, team: nowhere}}]\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(f)
    lines = str(caught.value).splitlines()
    listed = [line for line in lines if line.startswith("  - ")]
    assert len(listed) == 2, lines
    assert lines[0].endswith("2 problem(s) in the scenario:"), lines[0]


def test_a_folder_given_as_a_scenario_file_is_told_which_files_it_holds(tmp_path):
    """`workbench validate scenarios` said only that it was a folder; it now says how to give
    the files in it (and when there are none)."""
    from workbench.scenario.errors import ScenarioError

    folder = tmp_path / "mine"
    folder.mkdir()
    with pytest.raises(ScenarioError, match=r"is a folder, not a scenario file; it holds no "
                                            r"\.yaml file$"):
        load_scenario(folder)
    (folder / "b.yml").write_text("name: B\n", encoding="utf-8")
    (folder / "a.yaml").write_text("name: A\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    assert str(caught.value) == (f"{folder}: is a folder, not a scenario file; give a file in it "
                                 f"({folder / 'a.yaml'}), or every one ({folder / '*.yaml'})")


@pytest.mark.parametrize("path, parent", [("teams.families_first.staff.0.count",
                                            "teams.families_first.staff"),
                                           ("demand.seasonality.3", "demand.seasonality")])
def test_an_uncertain_entry_of_a_list_is_told_so(tmp_path, path, parent):
    """An uncertain input naming an entry of a list (a staff group's count, a month's
    seasonality) was told "'...staff.0' is not a field of this scenario", which is not true."""
    from workbench.scenario.errors import ScenarioError

    f = tmp_path / "u.yaml"
    f.write_text(f"base: {BASE}\nname: U\nuncertain:\n  {path}: {{dist: uniform, low: 1, "
                 f"high: 2}}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(f)
    said = str(caught.value)
    assert f"uncertain.{path}: '{parent}' is a list, and an entry of a list cannot be uncertain" \
        in said, said
    assert "is not a field" not in said
