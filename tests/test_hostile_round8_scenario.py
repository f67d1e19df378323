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
