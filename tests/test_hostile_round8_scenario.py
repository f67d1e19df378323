"""Scenario files that ``validate`` passed and ``run`` then read other than as written (session 12,
the eighth audit). Each test failed before its fix: the file validated and ran on a value its
author did not mean."""
from __future__ import annotations

import pytest

from workbench.cli import main

from conftest import ROOT

BASE = str(ROOT / "scenarios" / "baseline.yaml")


def _file(tmp_path, body: str, head: str = f"base: {BASE}\nname: s\n"):
    p = tmp_path / "s.yaml"
    p.write_text(head + body)
    return p


def _refused(path, capsys) -> str:
    assert main(["validate", str(path)]) == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("body, key, where", [
    # the same key twice in a flow mapping, on one line: the last one used to win in silence
    ("demand: {referrals_per_year: 100, referrals_per_year: 9000}\n", "referrals_per_year",
     "line 3"),
    ("teams: {families_first: {establishment_fte: 1, establishment_fte: 500}}\n",
     "establishment_fte", "line 3"),
])
def test_a_key_given_twice_on_one_line_is_refused(tmp_path, capsys, body, key, where):
    err = _refused(_file(tmp_path, body), capsys)
    assert f"not valid YAML at {where}" in err
    assert f"the key '{key}' is given twice (on the same line)" in err


def test_a_top_level_key_given_twice_in_a_flow_mapping_is_refused(tmp_path, capsys):
    p = tmp_path / "s.yaml"
    p.write_text(f"{{base: '{BASE}', name: A, name: B}}\n")
    assert "the key 'name' is given twice (on the same line)" in _refused(p, capsys)


def test_a_key_given_twice_on_two_lines_still_names_the_first_line(tmp_path, capsys):
    err = _refused(_file(tmp_path, "demand:\n  referrals_per_year: 100\n"
                                   "  referrals_per_year: 9000\n"), capsys)
    assert "line 5" in err and "given twice (first at line 4)" in err


@pytest.mark.parametrize("body", [
    # a list of merged mappings: PyYAML let the later one win or not, by string interning
    "demand: {<<: [{referrals_per_year: 100}, {referrals_per_year: 200}]}\n",
    "x: &d {referrals_per_year: 100}\ndemand:\n  <<: *d\n",
])
def test_merge_keys_are_refused_with_the_line(tmp_path, capsys, body):
    err = _refused(_file(tmp_path, body), capsys)
    assert "merge key ('<<') is not read in scenario files" in err
    assert "base:" in err and "not valid YAML at line" in err


def test_anchors_and_aliases_without_merge_keys_still_load(tmp_path, capsys):
    p = _file(tmp_path, "agency:\n  lead_time_weeks: &lt {dist: fixed, value: 2}\n"
                        "recruitment:\n  time_to_hire_weeks: *lt\n")
    assert main(["validate", str(p)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("key, read", [
    ("yes", "true"), ("off", "false"), ("~", "nothing (null)"), ("null", "nothing (null)"),
])
def test_a_key_yaml_reads_as_true_false_or_null_is_named_as_written(tmp_path, capsys, key, read):
    err = _refused(_file(tmp_path, f"caseload:\n  caps: {{{key}: 5}}\n"), capsys)
    assert f"the key '{key}' is read by YAML as {read}, not as a name" in err
    assert f"quote it ('{key}')" in err and "line 4" in err
    # quoted, it is a name, and the schema says what is wrong with it
    err = _refused(_file(tmp_path, f"caseload:\n  caps: {{'{key}': 5}}\n"), capsys)
    assert f"caseload.caps.{key}" in err


@pytest.mark.parametrize("path, words", [
    ("horizon_years", "the length of the run"),
    ("start_date", "the date the run starts"),
])
def test_the_runs_frame_cannot_be_uncertain(tmp_path, capsys, path, words):
    # a random horizon ran each replication for a different length, and compare paired those
    # runs with full-length baseline runs as if they were like for like
    err = _refused(_file(tmp_path, f"uncertain:\n  {path}: {{dist: uniform, low: 0.1, "
                                   f"high: 0.6}}\n"), capsys)
    assert f"uncertain.{path}: cannot be uncertain: it is {words}" in err


@pytest.mark.parametrize("tenure", ["{dist: fixed, value: 0}", "{dist: fixed, value: 1.0e-6}",
                                    "{dist: exponential, mean: 0.5}"])
def test_an_agency_stay_of_almost_no_time_is_refused(tmp_path, capsys, tenure):
    # 100% cover with a stay of 0 weeks gave 0.2% agency staff and no agency cost, with more
    # children waiting than with no cover at all
    p = _file(tmp_path, f"agency:\n  enabled: true\n  cover_share_pct: 100\n"
                        f"  tenure_weeks: {tenure}\n")
    err = _refused(p, capsys)
    assert "agency.tenure_weeks: an agency worker must stay some time" in err
    assert "give a mean of at least 1 week" in err


def test_a_short_agency_stay_of_a_week_or_more_is_accepted(tmp_path, capsys):
    p = _file(tmp_path, "agency:\n  enabled: true\n  tenure_weeks: {dist: fixed, value: 1}\n")
    assert main(["validate", str(p)]) == 0, capsys.readouterr().err


def test_sensitivitys_default_range_keeps_an_agency_stay_above_its_floor(tmp_path):
    # a lognormal stay of 1.05 weeks: the default range (20% either side) reached 0.84 weeks,
    # which the scenario refuses, and the analysis stopped at its first point
    from workbench.decision.sensitivity import default_inputs
    from workbench.scenario import load_scenario
    from workbench.scenario.policies import MIN_AGENCY_TENURE_WEEKS

    p = _file(tmp_path, "agency:\n  enabled: true\n  tenure_weeks: {dist: lognormal, mean: 1.05, "
                        "cv: 0.5}\n")
    rng = default_inputs(load_scenario(p))["agency.tenure_weeks.mean"]
    assert rng.low == MIN_AGENCY_TENURE_WEEKS and rng.high == pytest.approx(1.26)
    p = _file(tmp_path, "agency:\n  enabled: true\n  tenure_weeks: {dist: lognormal, mean: 1, "
                        "cv: 0.5}\n")
    assert "agency.tenure_weeks.mean" in default_inputs(load_scenario(p))


def test_calibrate_keeps_the_template_stay_when_agency_rows_last_days(tmp_path):
    # every agency assignment in the roster lasting two days: the fitted stay (0.3 weeks) made a
    # scenario that its own validation refuses
    import pandas as pd

    from workbench.calibration.extracts import read_extracts
    from workbench.calibration.fit import calibrate
    from workbench.scenario import load_scenario

    sample = ROOT / "data" / "sample"
    roster = pd.read_csv(sample / "workforce.csv", dtype=str, keep_default_na=False)
    agency = roster.AgencyWorker == "1"
    assert agency.sum() >= 10
    start = pd.to_datetime("2022-01-03") + pd.to_timedelta(range(int(agency.sum())), unit="D")
    roster.loc[agency, "RoleStartDate"] = start.strftime("%Y-%m-%d")
    roster.loc[agency, "RoleEndDate"] = (start + pd.Timedelta(days=2)).strftime("%Y-%m-%d")
    roster.loc[agency, "ReasonLeave"] = "OTH"
    roster.to_csv(tmp_path / "workforce.csv", index=False)
    cd, ro = read_extracts(sample / "cases.csv", tmp_path / "workforce.csv")
    cal = calibrate(cd, ro, load_scenario(BASE), correct_timeliness=False, fit_pressure=False)
    why = cal.provenance["agency.tenure_weeks"]
    assert "under the 1 week a scenario accepts" in why, why
    assert cal.scenario.agency.tenure_weeks.mean_value >= 1


def test_a_lognormal_fit_of_durations_that_never_vary_is_finite():
    # every duration the same (plans closed by rule): the likelihood grew without bound as the
    # spread shrank, and the fit came back NaN, which the calibrated scenario then refused
    import math

    import numpy as np

    from workbench.calibration.estimators import fit_lognormal

    f = fit_lognormal(np.full(40, 182.0), np.ones(40, dtype=bool))
    assert math.isfinite(f.mean) and math.isfinite(f.cv)
    assert f.mean == pytest.approx(182.0, rel=1e-3) and f.cv == pytest.approx(0.01, rel=1e-3)
    # durations that vary are fitted as before (the floor does not bind)
    rng = np.random.default_rng(1)
    g = fit_lognormal(rng.lognormal(5, 0.5, 400), np.ones(400, dtype=bool))
    assert g.sigma == pytest.approx(0.5, abs=0.05)
