"""Audit round 13: inputs given as ranges (``uncertain:``), end to end: what run, compare and
sensitivity do and say with them."""

from __future__ import annotations

import pytest

from workbench.scenario.catalog import PACKAGE_ROOT
from workbench.scenario.errors import ScenarioError
from workbench.scenario.load import load_scenario

BASE = PACKAGE_ROOT / "scenarios" / "baseline.yaml"


def _write(tmp_path, name: str, body: str):
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    return f


@pytest.mark.parametrize("line, parent, total, others, given", [
    ("workforce.leaver_destinations_pct.agency: {dist: uniform, low: 10, high: 20}",
     "workforce.leaver_destinations_pct", "100", "another_council, out_of_sector", "17"),
    ("stages.s47.next.icpc: {dist: uniform, low: 0.3, high: 0.4}",
     "stages.s47.next", "1", "cin, close, lac", "0.35"),
])
def test_a_share_that_must_sum_with_others_is_told_it_cannot_be_a_range(
        tmp_path, line, parent, total, others, given):
    """A range on one leaver destination (or one next: outcome) was told to 'narrow it to the
    input's range', which no narrowing can do: any value but the one given breaks the sum."""
    f = _write(tmp_path, "share.yaml", f"base: {BASE}\nname: S\nuncertain:\n  {line}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(f)
    said = str(caught.value)
    path = line.split(":")[0]
    assert (f"uncertain.{path}: is one of the shares in {parent}, which must sum to {total} "
            f"with {others}; drawn on its own, any value but the {given} given breaks that "
            f"sum, so a share cannot be given a range; take it out of the uncertain: block") \
        in said, said
    assert "narrow it" not in said


RANGED = ("name: Ranged\nuncertain:\n  demand.referrals_per_year: {dist: uniform, low: 5800, "
          "high: 6800}\n  academy.intake_per_year: {dist: uniform, low: 10, high: 14}\n")
WIDER = ("base: ranged.yaml\nname: Wider\nuncertain:\n  demand.referrals_per_year: {dist: uniform, "
         "low: 5000, high: 8000}\n  workforce.turnover_pct_per_year.experienced: {dist: uniform, "
         "low: 10, high: 20}\n")


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """compare of a scenario with ranges and a variant with other ranges (and no other change):
    the printed text, run once for the module."""
    import contextlib
    import io

    from workbench.cli.main import main

    d = tmp_path_factory.mktemp("cmp")
    ranged = _write(d, "ranged.yaml", f"base: {BASE}\n{RANGED}")
    wider = _write(d, "wider.yaml", WIDER)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["compare", str(ranged), str(wider), "-r", "2", "--years", "0.5",
                     "--executor", "serial", "--no-progress", "--out", str(d / "c")])
    assert code == 0
    return out.getvalue()


def test_compare_says_what_a_difference_of_ranged_scenarios_includes(compared):
    """A variant whose only change was a wider range for referrals and a range for turnover
    was compared under 'common random numbers' with nothing said of the ranges: its differences
    read as a policy's effect. compare now says which inputs share their draws, and which
    differences come of a change in the ranges themselves."""
    assert ("Ranges: academy.intake_per_year is drawn afresh in each run from the same range in "
            "both, so each pair of runs uses the same values and the interval covers the "
            "difference across that range; the difference also includes a change in what is "
            "known of inputs, not only the variant's policy (demand.referrals_per_year: Wider "
            "draws it from 5,000 to 8,000 (uniform), Ranged draws it from 5,800 to 6,800 "
            "(uniform); workforce.turnover_pct_per_year.experienced: Wider draws it from 10 to "
            "20 (uniform), Ranged gives 15).") in compared, compared


def test_ranges_said_of_scenarios_without_or_with_the_same_ranges(tmp_path):
    from workbench.cli.compare import ranges_said

    base = load_scenario(BASE)
    ranged = load_scenario(_write(tmp_path, "ranged.yaml", f"base: {BASE}\n{RANGED}"))
    assert ranges_said(base, base.replace({"name": "B"}), "A", "B") is None
    same = ranged.replace({"name": "Same", "academy.start_month": 4})
    assert ranges_said(ranged, same, "Ranged", "Same") == (
        "Ranges: demand.referrals_per_year, academy.intake_per_year are drawn afresh in each run "
        "from the same range in both, so each pair of runs uses the same values and the "
        "interval covers the difference across those ranges.")
    assert ranges_said(ranged, base, "Ranged", "Baseline") == (
        "Ranges: the difference also includes a change in what is known of inputs, not only the "
        "variant's policy (demand.referrals_per_year: Baseline gives 6,250, Ranged draws it from "
        "5,800 to 6,800 (uniform); academy.intake_per_year: Baseline gives 12, Ranged draws it "
        "from 10 to 14 (uniform)).")


def test_a_whole_number_range_that_always_rounds_to_one_value_is_refused(tmp_path):
    """Academy places drawn from 10.1 to 10.4 were 10 in every run (a whole number, rounded),
    while the report said its ranges included uncertainty in academy places."""
    f = _write(tmp_path, "w.yaml", f"base: {BASE}\nname: W\nuncertain:\n  academy.intake_per_year: "
                                   f"{{dist: uniform, low: 10.1, high: 10.4}}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(f)
    assert ("uncertain.academy.intake_per_year: the input is a whole number, and every value its "
            "distribution draws (10.1 to 10.4 (uniform)) rounds to 10, so the range changes "
            "nothing; give a range that spans whole numbers, or the value itself") \
        in str(caught.value)
    # a range across whole numbers, and a fixed value, are accepted
    for dist in ("{dist: uniform, low: 10, high: 11}", "{dist: fixed, value: 12}"):
        f.write_text(f"base: {BASE}\nname: W\nuncertain:\n  academy.intake_per_year: {dist}\n",
                     encoding="utf-8")
        load_scenario(f)


def test_run_says_a_whole_number_input_s_draw_was_rounded(tmp_path, capsys):
    from workbench.cli.main import main

    f = _write(tmp_path, "ranged.yaml", f"base: {BASE}\n{RANGED}")
    assert main(["run", str(f), "--years", "0.1", "--seed", "3", "--out",
                 str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert ("note: the uncertain inputs drawn for seed 3: demand.referrals_per_year = 6,133; "
            "academy.intake_per_year = 10 (a whole number: each from 10 to 14 equally likely)") \
        in err, err
    # the file written says which values the run drew (only the note did)
    import json

    data = json.loads((tmp_path / "o" / "ranged_seed3_kpis.json").read_text(encoding="utf-8"))
    drawn = data["uncertain_inputs_drawn"]
    assert list(drawn) == ["demand.referrals_per_year", "academy.intake_per_year"]
    assert round(drawn["demand.referrals_per_year"]) == 6133
    assert drawn["academy.intake_per_year"] == 10 and data["kpis"]


def test_the_tornado_gives_the_values_its_runs_used(tmp_path):
    """tornado.csv gave academy places' ends as 10.2 and 13.8 (the 5% and 95% points of 10 to
    14); the runs used 10 and 14."""
    import numpy as np

    from workbench.decision import sensitivity as sens

    sc = load_scenario(_write(tmp_path, "ranged.yaml", f"base: {BASE}\n{RANGED}"))
    paths = list(sc.uncertain)
    pts = sens._Points(sc, paths, [sc.uncertain[p] for p in paths], None, 1, 0, ("k",), None)
    pts.run = lambda unit: np.zeros((len(unit), 1))
    t = sens._tornado(pts, paths, paths, 0).set_index("input")
    assert (t.loc["academy.intake_per_year", "low"], t.loc["academy.intake_per_year", "high"]) \
        == (10, 14)
    assert (t.loc["demand.referrals_per_year", "low"],
            t.loc["demand.referrals_per_year", "high"]) == pytest.approx((5850, 6750))


def test_an_optimise_plan_at_the_starting_value_of_a_ranged_input_fixes_it(tmp_path):
    """optimise's plan of 12 academy places, on a scenario drawing them from 10 to 14 (12 its
    own value), kept the range, since 12 was 'no change': the candidates table said 12 beside
    plans of fixed 11 and 13 while its runs drew 10 to 14, and the chosen plan read 'no change
    from the starting scenario'. The plan now fixes 12, and says so."""
    from workbench.decision.levers import build_scenario
    from workbench.decision.space import describe_plan, plan_scenario
    from workbench.scenario.uncertain import draw_inputs

    sc = load_scenario(_write(tmp_path, "ranged.yaml", f"base: {BASE}\n{RANGED}"))
    assert sc.academy.intake_per_year == 12
    plan = plan_scenario(sc, {"academy_intake_per_year": 12.0}, years=0.5)
    assert list(plan.uncertain) == ["demand.referrals_per_year"]
    assert {draw_inputs(plan, s).academy.intake_per_year for s in range(8)} == {12}
    assert describe_plan(sc, {"academy_intake_per_year": 12.0}) == (
        "academy places a year: 12 in every run (the starting scenario draws it from 10 to 14 "
        "(uniform))")
    # the explorer's controls at rest keep the scenario's ranges, as before
    assert build_scenario(sc, {"academy_intake_per_year": 12}).uncertain == sc.uncertain
    # a scenario without ranges: the plan at its own value is still no change
    base = load_scenario(BASE)
    assert describe_plan(base, {"academy_intake_per_year": 12.0}) == \
        "no change from the starting scenario"


def _turnover_echo(scenario, seed, years=None, warmup_days=0.0):
    """A stand-in model whose measure is the experienced staff's turnover it was given."""
    import pandas as pd
    from types import SimpleNamespace

    t = scenario.workforce.turnover_pct_per_year["experienced"]
    return SimpleNamespace(kpis={"assessment_within_45wd_pct": t, "unallocated_mean": 1.0,
                                 "cost_gbp": 1.0},
                           timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def test_sensitivity_keeps_an_unbounded_range_to_the_draws_validation_accepted(tmp_path):
    """Morris's grid reaches the unit cube's ends, which were the distributions' 0 and
    1-in-10^12 points: turnover drawn from a lognormal of mean 15 (cv 0.5; its 99.9% point 58%,
    so the scenario passed validation) was set to 372% and sensitivity stopped with 'not
    accepted'; an accepted one was screened over its far tail. Its points are now within its
    0.1% and 99.9% points."""
    from workbench.decision.sensitivity import point_value, sensitivity
    from workbench.scenario.uncertain import quantile

    sc = load_scenario(_write(tmp_path, "ln.yaml", f"base: {BASE}\nname: L\nuncertain:\n"
                              "  workforce.turnover_pct_per_year.experienced: {dist: lognormal, "
                              "mean: 15, cv: 0.5}\n  demand.referrals_per_year: {dist: uniform, "
                              "low: 5800, high: 6800}\n"))
    res = sensitivity(sc, trajectories=6, sobol_top=0, replications=1, years=0.1,
                      executor="serial", out=None, progress=False, simulate_fn=_turnover_echo)
    d = sc.uncertain["workforce.turnover_pct_per_year.experienced"]
    lo, hi = quantile(d, 0.001), quantile(d, 0.999)
    assert (point_value(d, 0.0), point_value(d, 1.0)) == (lo, hi)
    m = res.morris[res.morris["kpi"] == "assessment_within_45wd_pct"].set_index("input")
    # the measure is the turnover: no move of it changed the measure by more than hi - lo
    assert 0 < m.loc["workforce.turnover_pct_per_year.experienced", "mu_star"] <= hi - lo
    # a bounded range keeps its ends
    u = sc.uncertain["demand.referrals_per_year"]
    assert (point_value(u, 0.0), point_value(u, 1.0)) == pytest.approx((5800, 6800))


@pytest.mark.parametrize("path, expected", [
    ("demand", "uncertain.demand: is not a number but a block of numbers (referrals_per_year, "
               "trend_pct_per_year, rereferral_pct); give the path of one, e.g. "
               "demand.referrals_per_year"),
    ("initial.unallocated", "uncertain.initial.unallocated: is not a number but a block with no number in it in "
                            "this scenario; only a number the scenario gives can be given a "
                            "range"),
    ("stages.assessment.work_hours", "uncertain.stages.assessment.work_hours: is not a number but "
                                     "a distribution (lognormal); give the path of a number "
                                     "inside it, e.g. stages.assessment.work_hours.mean"),
    ("recruitment.enabled", "uncertain.recruitment.enabled: is not a number (it holds yes/no); only a "
                            "number can be given a range"),
    ("academy.first_intake_date", "uncertain.academy.first_intake_date: is not a number: it is "
                                  "not set in this scenario; only a number the scenario gives can be given a "
                                  "range"),
])
def test_a_path_that_is_not_a_number_is_told_what_it_is(tmp_path, path, expected):
    """'is not a number (it holds dict); give the path of a number inside it, e.g. a
    distribution's mean' was said of a block of counts, of yes/no and of an unset date alike."""
    f = _write(tmp_path, "n.yaml", f"base: {BASE}\nname: N\nuncertain:\n  {path}: "
                                   f"{{dist: uniform, low: 0, high: 1}}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(f)
    assert expected in str(caught.value), str(caught.value)
    assert "holds dict" not in str(caught.value)


def test_a_fixed_range_that_differs_from_the_input_s_own_value_is_refused(tmp_path):
    """uncertain: demand.referrals_per_year: {dist: fixed, value: 7000} beside the file's 6,250
    ran every replication on 7,000 while the scenario (and what shows its inputs) said 6,250."""
    f = _write(tmp_path, "f.yaml", f"base: {BASE}\nname: F\nuncertain:\n  "
                                   f"demand.referrals_per_year: {{dist: fixed, value: 7000}}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(f)
    assert ("uncertain.demand.referrals_per_year: a fixed distribution is one value (7,000), not "
            "a range, and it differs from the scenario's own demand.referrals_per_year (6,250), "
            "which every run would replace with it; give 7,000 as demand.referrals_per_year "
            "itself and take it out of the uncertain: block, or give a range") \
        in str(caught.value)
    # the same value is accepted (it changes nothing)
    f.write_text(f"base: {BASE}\nname: F\nuncertain:\n  demand.referrals_per_year: "
                 f"{{dist: fixed, value: 6250}}\n", encoding="utf-8")
    load_scenario(f)


def test_a_draw_the_input_refuses_is_told_in_words_a_reader_knows(tmp_path):
    """A draw beyond the points validation checks failed its run with '<derived scenario>: 1
    problem(s) in the scenario:', a name no reader knows, and no word that it was a draw."""
    from workbench.scenario.uncertain import draw_inputs

    sc = load_scenario(_write(tmp_path, "t.yaml", f"base: {BASE}\nname: T\nuncertain:\n  "
                              "workforce.turnover_pct_per_year.experienced: {dist: lognormal, "
                              "mean: 15, cv: 0.75}\n"))
    # a seed whose draw is above 100% (1 in about 1,000)
    seed = next(s for s in range(20000) if _draws_past_100(sc, s))
    with pytest.raises(ScenarioError) as caught:
        draw_inputs(sc, seed)
    said = str(caught.value)
    assert "<derived scenario>" not in said
    assert said.startswith("T: the inputs workforce.turnover_pct_per_year.experienced = ")
    assert "  - workforce.turnover_pct_per_year: a turnover for experienced must be 0 or more " \
           "and below 100" in said
    assert said.endswith("(drawn for this run from the scenario's uncertain: ranges, beyond the "
                         "0.1% and 99.9% points validation checks; narrow the range to the "
                         "values the input accepts)")


def _draws_past_100(sc, seed) -> bool:
    import zlib

    import numpy as np

    from workbench.scenario import uncertain as unc

    path = "workforce.turnover_pct_per_year.experienced"
    u = np.random.default_rng(np.random.SeedSequence(
        [seed, unc._STREAM, zlib.crc32(path.encode())])).random()
    return unc.quantile(sc.uncertain[path], u) >= 100


def test_ranges_said_leaves_out_a_fixed_value_both_give(tmp_path):
    """A 'range' of one fixed value in both scenarios was said to be 'drawn afresh in each run
    from the same range'."""
    from workbench.cli.compare import ranges_said

    sc = load_scenario(_write(tmp_path, "f.yaml", f"base: {BASE}\nname: F\nuncertain:\n  "
                              "demand.referrals_per_year: {dist: fixed, value: 6250}\n"))
    assert ranges_said(sc, sc.replace({"name": "G", "academy.start_month": 4}), "F", "G") is None


@pytest.mark.parametrize("path, why", [
    ("demand..referrals_per_year", "an empty part (two dots together, or a dot at the start or end)"),
    ("demand.referrals_per_year.", "an empty part (two dots together, or a dot at the start or end)"),
    (" demand.referrals_per_year", "a space beside a dot or at an end"),
])
def test_a_path_with_an_empty_part_or_a_space_is_told_so(tmp_path, path, why):
    """'demand..referrals_per_year' was told "'demand.' is not a field of this scenario"."""
    f = _write(tmp_path, "p.yaml", f"base: {BASE}\nname: P\nuncertain:\n  '{path}': "
                                   f"{{dist: uniform, low: 5800, high: 6800}}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(f)
    assert (f"uncertain.{path}: the path has {why}; give the dotted path of a number with no "
            f"spaces, e.g. demand.referrals_per_year") in str(caught.value), str(caught.value)


def test_sensitivity_does_not_screen_a_fixed_value(tmp_path):
    """An uncertain input given as one fixed value was screened and ranked 'made no
    difference', which says nothing of the input: it had no range."""
    from workbench.decision.sensitivity import default_inputs, too_few_inputs

    sc = load_scenario(_write(tmp_path, "f.yaml", f"base: {BASE}\nname: F\nuncertain:\n  "
                              "demand.referrals_per_year: {dist: fixed, value: 6250}\n  "
                              "academy.intake_per_year: {dist: uniform, low: 10, high: 14}\n"))
    inputs = default_inputs(sc)
    assert list(inputs) == ["academy.intake_per_year"]
    assert too_few_inputs(sc, inputs) == (
        "scenario 'F': its uncertain: block has 1 input (academy.intake_per_year) (and "
        "demand.referrals_per_year fixed at one value, which has no range to screen); "
        "sensitivity needs at least two: add another input with its range to the uncertain: "
        "block")


def test_a_whole_number_range_gives_each_whole_number_the_same_chance(tmp_path):
    """Academy places drawn from 10 to 14 were a draw rounded: 10 and 14 came half as often as
    11, 12 and 13 (104 and 93 of 800 runs against about 200), though the range's average held."""
    from collections import Counter

    from workbench.experiment import replication_seed
    from workbench.scenario.uncertain import draw_inputs

    sc = load_scenario(BASE).replace({"uncertain": {"academy.intake_per_year": {
        "dist": "uniform", "low": 10, "high": 14}, "academy.months": {
        "dist": "uniform", "low": 10, "high": 14}}})
    runs = [draw_inputs(sc, replication_seed(0, i)) for i in range(500)]
    places = Counter(r.academy.intake_per_year for r in runs)
    assert sorted(places) == [10, 11, 12, 13, 14]
    assert min(places.values()) > 70 and max(places.values()) < 130, places
    # an input that holds a number with decimals is drawn from the range as it is
    months = [r.academy.months for r in runs]
    assert 10 <= min(months) < 10.2 and 13.8 < max(months) <= 14
    assert len(set(months)) == 500


def test_ranges_said_of_an_input_the_variant_does_not_have(tmp_path):
    """A base fixing a next: outcome in its uncertain: block, and a variant whose next: has no
    such outcome: compare's Ranges line looked the input up in the variant and failed."""
    from workbench.cli.compare import ranges_said

    base = _write(tmp_path, "b.yaml", f"base: {BASE}\nname: B\nuncertain:\n  "
                  "stages.s47.next.icpc: {dist: fixed, value: 0.35}\n  "
                  "academy.intake_per_year: {dist: uniform, low: 10, high: 14}\n")
    var = _write(tmp_path, "v.yaml", "base: b.yaml\nname: V\nstages:\n  s47:\n    next: "
                 "{cin: 0.5, close: 0.5}\n")
    said = ranges_said(load_scenario(base), load_scenario(var), "B", "V")
    assert "stages.s47.next.icpc: V does not have it, B draws it from 0.35 (fixed)" in said, said


def test_describe_does_not_count_a_fixed_value_as_uncertain(tmp_path):
    from workbench.scenario.uncertain import describe

    sc = load_scenario(_write(tmp_path, "f.yaml", f"base: {BASE}\nname: F\nuncertain:\n  "
                              "demand.referrals_per_year: {dist: fixed, value: 6250}\n"))
    assert "is not included" in describe(sc)
    both = sc.replace({"uncertain": {**sc.model_dump()["uncertain"], "academy.intake_per_year":
                                     {"dist": "uniform", "low": 10, "high": 14}}})
    assert describe(both) == ("Ranges include both chance events and uncertainty in 1 input not "
                              "known exactly (academy.intake_per_year), drawn afresh for each run.")
