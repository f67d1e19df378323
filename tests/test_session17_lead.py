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


# --------------------------------------------------------------------------------------------
# A value given for an uncertain input is the value used
# --------------------------------------------------------------------------------------------

UNCERTAIN_BASE = ("name: Ranged\nuncertain:\n  demand.referrals_per_year: {dist: uniform, "
                  "low: 5800, high: 6800}\n  academy.intake_per_year: {dist: uniform, low: 10, "
                  "high: 14}\n")


def _ranged(tmp_path):
    f = tmp_path / "ranged.yaml"
    f.write_text(f"base: {BASE}\n{UNCERTAIN_BASE}", encoding="utf-8")
    return f


def test_a_variant_s_own_value_replaces_its_base_s_range(tmp_path):
    """A variant setting referrals to 9,000 on a base with a range for them ran on the base's
    5,800-6,800 in every run (the draw replaced the value): its value is now used, the base's
    other ranges kept, and validate/run say so in a note."""
    from workbench.scenario.load import file_notes
    from workbench.scenario.uncertain import draw_inputs

    _ranged(tmp_path)
    variant = tmp_path / "more.yaml"
    variant.write_text("base: ranged.yaml\nname: More\ndemand:\n  referrals_per_year: 9000\n",
                       encoding="utf-8")
    sc = load_scenario(variant)
    assert list(sc.uncertain) == ["academy.intake_per_year"]
    assert draw_inputs(sc, 3).demand.referrals_per_year == 9000
    assert file_notes(variant, sc) == [
        "uncertain.demand.referrals_per_year: more.yaml gives it a value of its own, so the "
        "range ranged.yaml gives it (uncertain:) is not used; to keep a range, give one in "
        "more.yaml's uncertain: block"]
    # a variant that restates the range keeps a range (its own), with no note
    again = tmp_path / "again.yaml"
    again.write_text("base: ranged.yaml\nname: Again\ndemand:\n  referrals_per_year: 9000\n"
                     "uncertain:\n  demand.referrals_per_year: {dist: uniform, low: 8500, "
                     "high: 9500}\n", encoding="utf-8")
    sc = load_scenario(again)
    assert sc.uncertain["demand.referrals_per_year"].low == 8500
    assert file_notes(again, sc) == []
    # a variant changing something else keeps both ranges
    other = tmp_path / "other.yaml"
    other.write_text("base: ranged.yaml\nname: Other\ndemand:\n  trend_pct_per_year: 2\n",
                     encoding="utf-8")
    assert list(load_scenario(other).uncertain) == ["demand.referrals_per_year",
                                                    "academy.intake_per_year"]


def test_a_change_to_an_uncertain_input_is_the_value_used(tmp_path):
    """A control (the explorer's, the app's, optimise's levers) setting academy places on a
    scenario with a range for them changed nothing: each run drew the places again."""
    from workbench.scenario.uncertain import draw_inputs

    sc = load_scenario(_ranged(tmp_path))
    changed = sc.replace({"academy.intake_per_year": 30})
    assert list(changed.uncertain) == ["demand.referrals_per_year"]
    assert draw_inputs(changed, 1).academy.intake_per_year == 30
    # a block holding the input, given whole, fixes it too
    assert "demand.referrals_per_year" not in sc.replace({"demand": sc.demand.model_dump()}).uncertain
    # changes that give uncertain: themselves are taken as given
    kept = sc.replace({"academy.intake_per_year": 30, "uncertain": sc.model_dump()["uncertain"]})
    assert list(kept.uncertain) == ["demand.referrals_per_year", "academy.intake_per_year"]


def test_a_scaled_authority_s_ranges_are_scaled(tmp_path):
    """scale_authority(x2) set twice the referrals, and each run's draw put the authority's own
    back (5,800-6,800 for an authority twice the size)."""
    from workbench.scenario.derive import scale_authority
    from workbench.scenario.uncertain import draw_inputs

    sc = load_scenario(_ranged(tmp_path))
    big = scale_authority(sc, 2.0)
    u = big.uncertain["demand.referrals_per_year"]
    assert (u.low, u.high) == (11600, 13600)
    assert (big.uncertain["academy.intake_per_year"].low,
            big.uncertain["academy.intake_per_year"].high) == (20, 28)
    drawn = draw_inputs(big, 4).demand.referrals_per_year
    assert drawn == pytest.approx(2 * draw_inputs(sc, 4).demand.referrals_per_year)


def test_the_controls_set_what_they_say_on_a_scenario_with_ranges(tmp_path):
    """Levers on a scenario with ranges: academy places set are the places every run uses; a
    change in referrals moves their range (it was drawn again from the unchanged range, so a
    20% rise in referrals changed nothing)."""
    from workbench.decision.levers import build_scenario
    from workbench.scenario.uncertain import draw_inputs

    sc = load_scenario(_ranged(tmp_path))
    option = build_scenario(sc, {"academy_intake_per_year": 30, "demand_change_pct": 20})
    assert "academy.intake_per_year" not in option.uncertain
    moved = option.uncertain["demand.referrals_per_year"]
    assert (moved.low, moved.high) == pytest.approx((6960, 8160))
    for seed in (1, 2):
        run = draw_inputs(option, seed)
        assert run.academy.intake_per_year == 30
        assert run.demand.referrals_per_year == pytest.approx(
            1.2 * draw_inputs(sc, seed).demand.referrals_per_year)
    # no lever moved: the ranges as they were
    assert build_scenario(sc, {}).uncertain == sc.uncertain


def test_the_report_s_sensitivity_section_gives_each_estimate_s_range_and_the_caution():
    """The report showed the Sobol total bare ("1.94", a share of the variance, at most 1) from
    a sample too small to read, and the Morris effects bare: `workbench sensitivity` now gives
    each with its 95% range and the caution; the report's section does the same."""
    import importlib

    from workbench.present.report_sections import sensitivity_section

    decision_tests = importlib.import_module("test_hostile_round13_decision")
    res = decision_tests._sens()
    page = sensitivity_section(res)
    assert "The Sobol indices are not usable" in page
    rows = page.split("<tr")
    hours = next(r for r in rows if "How long an assessment takes" in r)
    assert hours.count(" ± ") == 2, hours            # the Morris effect and the Sobol total
    assert "± gives each estimate&#x27;s 95% range" in page or \
        "± gives each estimate's 95% range" in page
    # no Sobol indices asked for: no column and no caution
    assert "The Sobol indices are" not in sensitivity_section(decision_tests._sens(sobol_top=0))


def test_the_labelled_tables_never_show_minus_zero():
    """A range end of -0.04 shown to one decimal read "-0.0" in differences_labelled.csv."""
    import math

    from workbench.present.export import _round

    for v, digits in ((-0.04, 1), (-0.4, 0), (-0.0, 2)):
        shown = _round(v, digits)
        assert shown == 0 and math.copysign(1, shown) == 1, (v, shown)
    assert _round(-0.06, 1) == -0.1 and _round(float("nan"), 1) is None


def test_a_campaign_running_past_the_end_of_the_run_is_noted_with_its_hires_in_it():
    """The recruitment drive (20 hires, April 2018 to March 2019) in a one-year run from October
    2017 brings 12 of its hires in the run and is charged that share: nothing said so."""
    sc = load_scenario(PACKAGE_ROOT / "scenarios" / "recruitment_drive.yaml")
    assert scenario_notes(sc, 365.25) == [
        "recruitment.campaigns.0.end_date: 2019-03-31 is after the run ends (2018-10-31), so 12 "
        "of its 20 hires start in this run, and the run counts that share of its cost"]
    assert scenario_notes(sc) == []            # its own five years hold the whole campaign
    # the count is the model's: the campaign's cost over the run is 12/20 of it
    from workbench import simulate

    costs = simulate(sc, seed=1, years=1.0).record.costs
    assert costs[costs.category == "campaigns"].gbp.sum() == pytest.approx(400_000 * 12 / 20)


def test_neighbours_in_files_without_codes_are_told_apart_by_name(tmp_path):
    """Published files whose rows have no new_la_code: the report's neighbours refused
    Sunderland beside Durham as "the same authority" (both codes blank)."""
    import shutil

    import pandas as pd

    from workbench.present.neighbours import neighbour_view
    from workbench.published.read import PublishedError

    folder = tmp_path / "published"
    shutil.copytree(PACKAGE_ROOT / "tests" / "data" / "published", folder,
                    ignore=shutil.ignore_patterns("*.py"))
    for p in folder.glob("*.csv"):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        df.loc[df.geographic_level == "Local authority", "new_la_code"] = ""
        df.to_csv(p, index=False)
    view = neighbour_view("Durham", ["Sunderland"], data=folder)
    assert view.neighbours == ("Sunderland",)
    with pytest.raises(PublishedError, match="are the same authority"):
        neighbour_view("Durham", ["County Durham"], data=folder)


def test_the_ranges_sentence_names_each_scenario_s_own_ranged_inputs(tmp_path):
    """A variant adding a range on turnover beside a baseline with a range on referrals: the
    report said the ranges of both included how fast experienced staff leave. A fixed value is
    no uncertainty and is not named."""
    from workbench.present.report_text import ranges_sentence

    sc = load_scenario(_ranged(tmp_path))
    wider = sc.replace({"name": "Wider", "uncertain": {
        **sc.model_dump(mode="python")["uncertain"],
        "workforce.turnover_pct_per_year.experienced": {"dist": "uniform", "low": 10,
                                                        "high": 20}}})
    said = ranges_sentence({"Ranged": sc, "Wider": wider})
    assert "differ between the scenarios: for Ranged, " in said, said
    ranged_part = said.split("for Ranged, ")[1].split(";")[0]
    wider_part = said.split("for Wider, ")[1]
    assert "experienced staff leave" not in ranged_part and "experienced staff leave" in wider_part
    # the same inputs in both: one list, as before
    same = ranges_sentence({"Ranged": sc, "Again": sc.replace({"name": "Again"})})
    assert same.startswith("These ranges include uncertainty in ") and "differ" not in same
    fixed = sc.replace({"uncertain": {"demand.referrals_per_year": {"dist": "fixed",
                                                                    "value": 6250}}})
    assert ranges_sentence({"Fixed": fixed}).startswith("These ranges show chance only")


def test_an_input_whose_own_value_lies_outside_its_range_is_noted(tmp_path):
    """Referrals of 6,250 with a range of 8,000-9,000 validated with no word, and the report
    quoted 6,250, which no run used."""
    f = tmp_path / "out.yaml"
    f.write_text(f"base: {BASE}\nname: Out\nuncertain:\n  demand.referrals_per_year: {{dist: "
                 f"uniform, low: 8000, high: 9000}}\n  academy.intake_per_year: {{dist: uniform, "
                 f"low: 10, high: 14}}\n", encoding="utf-8")
    assert scenario_notes(load_scenario(f)) == [
        "uncertain.demand.referrals_per_year: the scenario's own value (6,250) lies outside its "
        "range (8,000 to 9,000), so no run uses it: every run draws from the range; give the "
        "field a value inside it"]
    assert scenario_notes(load_scenario(_ranged(tmp_path))) == []   # 6,250 in 5,800-6,800


def test_an_uncertain_input_given_a_value_is_told_to_give_a_distribution(tmp_path):
    from workbench.scenario.errors import ScenarioError

    f = tmp_path / "d.yaml"
    f.write_text(f"base: {BASE}\nname: D\nuncertain:\n  demand.referrals_per_year: 6000\n",
                 encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(f)
    assert ("uncertain.demand.referrals_per_year: an uncertain input takes a distribution, e.g. "
            "{dist: uniform, low: <lowest>, high: <highest>}; a single known value goes at the "
            "field "
            "itself (got 6000)") in str(caught.value)


def test_posts_filled_the_day_the_leaver_went_are_given_apart_from_the_gaps(monkeypatch):
    """Replacements starting the day the leaver went (a gap of none) were fitted as half-day
    gaps among gaps of weeks: the log-normal's spread ran without bound and its mean far above
    every gap there was."""
    import numpy as np

    from workbench.calibration import derive_workforce as dw
    from workbench.calibration.derive import Draft

    template = load_scenario(BASE)
    weeks = np.random.default_rng(2).lognormal(np.log(10), 0.5, 30) * 7
    dur = np.concatenate([weeks, np.zeros(15)])          # a third filled the same day
    monkeypatch.setattr(dw, "vacancy_gaps", lambda *a: (dur, np.ones(len(dur), dtype=bool)))
    d = Draft(data=template.model_dump(mode="json"), window="", template_name="t")
    dw.derive_vacancy_gaps(d, None, template, 0.0, 365.0)
    got = {e.parameter: e for e in d.rows}
    at_once = got["vacancy_gap_weeks.filled_at_once_pct"]
    assert at_once.estimate == pytest.approx(100 / 3) and at_once.n == 45
    assert at_once.lower < 100 / 3 < at_once.upper
    mean = got["vacancy_gap_weeks.mean"]
    assert mean.n == 30 and 8 < mean.estimate < 13          # the gaps there were: about 10 weeks
    assert got["vacancy_gap_weeks.cv"].estimate < 1


def test_a_calibrated_scenario_s_comments_cannot_write_fields():
    """A template or extract named with a character YAML reads as a line break (U+2028) ended
    its comment in the calibrated scenario, and the rest was read as fields (as published files'
    names did in from-published)."""
    import yaml

    from workbench.calibration.yaml_out import scenario_yaml

    text = scenario_yaml({"name": "Ours", "demand": {"referrals_per_year": 6250}},
                         {"demand.referrals_per_year": "from tmpl\u2028seed: 7\u2028#.yaml: kept"},
                         header="from cases\u2029horizon_years: 1\u2029.csv")
    data = yaml.safe_load(text)
    assert data == {"name": "Ours", "demand": {"referrals_per_year": 6250}}
    assert "tmpl\\u2028seed: 7" in text
    assert "# horizon_years: 1" in text          # a header's lines are each a comment


def test_the_back_test_s_overall_sentence_says_both_only_when_there_are_two():
    """With one year of history (no trend forecast on any row) the last sentence said the model
    'beat both naive forecasts', as the summary's head did before round 13."""
    import pandas as pd

    from workbench.calibration.backtesting import overall_verdict

    one = pd.DataFrame({"measure": ["Referrals", "Caseload"], "better_than_naive": ["yes", "no"],
                        "naive_trend": [float("nan")] * 2})
    said = overall_verdict(one)
    assert said.startswith("Overall the model beat last year's value (one year of history gives "
                           "no trend forecast) on 1 of 2 measures"), said
    assert "trend line" not in said and "last year's figure forecast better" in said
    two = one.assign(naive_trend=[1.0, 2.0])
    assert overall_verdict(two).startswith("Overall the model beat both naive forecasts on 1 of 2")


def test_a_terminal_is_shown_control_characters_as_escapes(tmp_path, monkeypatch):
    """A file named with a terminal's escape sequence, quoted in a message, recoloured (or could
    clear) the user's terminal; printed to a terminal it now shows as an escape. Output to a
    file or pipe is left as written, and the streams are as they were after the command."""
    import io
    import sys

    from workbench.cli.main import main

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    bad = tmp_path / "bad\x1b[31mred\x1b[0m.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    screen, piped = Terminal(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setattr(sys, "stderr", screen)
    assert main(["validate", str(bad)]) == 2
    assert "bad\\x1b[31mred\\x1b[0m.yaml: " in screen.getvalue() and "\x1b" not in screen.getvalue()
    assert sys.stdout is screen and sys.stderr is screen
    monkeypatch.setattr(sys, "stderr", piped)
    monkeypatch.setattr(sys, "stdout", piped)
    assert main(["validate", str(bad)]) == 2
    assert "bad\x1b[31mred\x1b[0m.yaml: " in piped.getvalue()


def test_the_run_details_say_what_each_run_drew(tmp_path):
    """The labelled run details (CSV and workbook) said inputs were given as ranges but not what
    any run used; `run`'s JSON does. Each scenario with ranges now has a row of its runs' draws,
    seed by seed, the values the runs used."""
    from workbench.experiment import run_experiment
    from workbench.present.export import _run_details
    from workbench.scenario.uncertain import draw_inputs

    sc = load_scenario(_ranged(tmp_path))
    base = load_scenario(BASE)
    exp = run_experiment({"Baseline": base, "Ranged": sc}, replications=2, seed=3, years=0.05,
                         executor="serial", out=None, progress=False)
    details = dict(_run_details(exp, files=None).values)
    assert "Inputs drawn (Baseline)" not in details
    said = details["Inputs drawn (Ranged)"]
    seeds = list(exp.kpis[exp.kpis.scenario == "Ranged"].seed)
    assert said.count("seed ") == 2
    for seed in seeds:
        used = draw_inputs(sc, int(seed))
        assert (f"seed {int(seed)}: demand.referrals_per_year = "
                f"{used.demand.referrals_per_year:,.4g}; academy.intake_per_year = "
                f"{used.academy.intake_per_year:,.4g}") in said, said
