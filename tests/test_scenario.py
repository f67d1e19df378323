"""Scenario files: inheritance, derivation, and a clear message for every kind of mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workbench import Scenario, ScenarioError, load_scenario
from workbench.cli import main

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


def test_cli_run_bad_file_as_a_subprocess(tmp_path):
    p = write(tmp_path, "base: baseline.yaml\nstages:\n  cp:\n    next: {cin: 0.2}\n")
    res = subprocess.run([sys.executable, "-m", "workbench.cli", "run", str(p)],
                         capture_output=True, text=True)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "stages.cp.next" in res.stderr


def test_cli_run_writes_aggregates(tmp_path, capsys):
    assert main(["run", str(ROOT / "scenarios" / "baseline.yaml"), "--years", "0.2",
                 "--seed", "3", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "assessments completed within 45 working days" in out
    files = sorted(x.name for x in tmp_path.iterdir())
    assert files == ["baseline_seed3_kpis.json", "baseline_seed3_weekly.csv"]
    assert "child" not in (tmp_path / "baseline_seed3_weekly.csv").read_text().splitlines()[0]
